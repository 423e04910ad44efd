// The global chain is a stored format (seals sign it): golden values computed independently
// (Python's hashlib following docs/formats.md, "Global chain").
#include "replay/global_chain.h"

#include <doctest/doctest.h>

namespace ledger::replay {
namespace {

RecordedEvent EventAt(std::uint64_t position, std::uint8_t hash_byte) {
  RecordedEvent e;
  e.global_position = GlobalPosition(position);
  e.stream_hash.fill(hash_byte);
  return e;
}

TEST_CASE("the global chain matches the documented format") {
  ChainHead head;
  head.Extend(EventAt(7, 0x11));
  CHECK(head.sequence == 1);
  CHECK(head.position == GlobalPosition(7));
  CHECK(HexEncode(head.hash) == "f4348b9739ba038fc536e10ed1ba41e433ebc1854c5c0ef99c471451ca64c58c");
  head.Extend(EventAt(9, 0x22));
  CHECK(head.sequence == 2);
  CHECK(HexEncode(head.hash) == "dafb6a53d228619d27b095e265d38fff28be621fe1bcc018a36ad3e8041ea6a9");
}

TEST_CASE("the chain covers order and position, not only the events") {
  ChainHead in_order;
  in_order.Extend(EventAt(1, 0x11));
  in_order.Extend(EventAt(2, 0x22));
  ChainHead swapped;
  swapped.Extend(EventAt(1, 0x22));
  swapped.Extend(EventAt(2, 0x11));
  ChainHead renumbered;
  renumbered.Extend(EventAt(1, 0x11));
  renumbered.Extend(EventAt(3, 0x22));
  CHECK(in_order.hash != swapped.hash);
  CHECK(in_order.hash != renumbered.hash);

  // The XOR of stream hashes, by contrast, ignores order: how the verifier tells a reordering.
  Sha256Digest a{};
  XorInto(a, EventAt(0, 0x11).stream_hash);
  XorInto(a, EventAt(0, 0x22).stream_hash);
  Sha256Digest b{};
  XorInto(b, EventAt(0, 0x22).stream_hash);
  XorInto(b, EventAt(0, 0x11).stream_hash);
  CHECK(a == b);
  CHECK(a[0] == 0x33);
}

}  // namespace
}  // namespace ledger::replay
