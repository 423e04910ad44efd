// The events table is append-only for everyone who opens the file, not just for the store.
#include <doctest/doctest.h>

#include "adapters/sqlite/sqlite_event_store.h"
#include "tests/sqlite/sqlite_test_util.h"
#include "tests/support/test_events.h"

namespace ledger {
namespace {

using testing::MakeAppend;
using testing::RawQueryText;
using testing::RawSql;

TEST_CASE("sqlite immutability: UPDATE and DELETE on events are rejected by triggers") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  const std::string stream = testing::UniqueStream("order");
  {
    std::unique_ptr<SqliteEventStore> store = testing::MustOpen(path);
    REQUIRE(store->Append(MakeAppend(stream, ExpectedVersion::NoStream(), 3)).ok());
  }
  const std::string before = RawQueryText(path,
                                          "SELECT group_concat(hex(stream_hash) || "
                                          "payload, ',') FROM events")
                                 .value();

  auto rejected = [&](const std::string& sql, const std::string& why) {
    Status s = RawSql(path, sql);
    CHECK_FALSE(s.ok());
    CHECK_MESSAGE(s.message().find(why) != std::string::npos, s.ToString());
  };
  rejected("UPDATE events SET payload = '{\"forged\":true}' WHERE stream_version = 2", "immutable");
  rejected("UPDATE events SET recorded_at = 0", "immutable");
  rejected("DELETE FROM events WHERE stream_version = 3", "immutable");
  rejected("DELETE FROM events", "immutable");  // no truncate shortcut around the trigger
  rejected("UPDATE streams SET version = 1", "only advance");
  rejected("DELETE FROM streams", "never deleted");

  CHECK(RawQueryText(path, "SELECT count(*) FROM events").value() == "3");
  CHECK(RawQueryText(path, "SELECT group_concat(hex(stream_hash) || payload, ',') FROM events")
            .value() == before);
  std::unique_ptr<SqliteEventStore> reopened = testing::MustOpen(path);
  CHECK(testing::ReadWholeStream(*reopened, stream).size() == 3);
}

TEST_CASE("sqlite immutability: a tampered row is reported as DataLoss, never returned") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  const std::string stream = testing::UniqueStream("order");
  std::unique_ptr<SqliteEventStore> store = testing::MustOpen(path);
  REQUIRE(store->Append(MakeAppend(stream, ExpectedVersion::NoStream(), 3)).ok());

  // Someone with the file drops the trigger and cuts a hole into the stream.
  REQUIRE(RawSql(path,
                 "DROP TRIGGER events_are_immutable_delete; "
                 "DELETE FROM events WHERE stream_version = 2")
              .ok());
  Result<std::vector<RecordedEvent>> read = store->ReadStream(StreamId(stream), {});
  CHECK(read.status().code() == StatusCode::kDataLoss);
  CHECK(read.status().message().find("hole") != std::string::npos);
}

TEST_CASE("sqlite immutability: a stream head that disagrees with events fails only its request") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  const std::string broken = testing::UniqueStream("order");
  const std::string healthy = testing::UniqueStream("order");
  std::unique_ptr<SqliteEventStore> store = testing::MustOpen(path);
  REQUIRE(store->Append(MakeAppend(broken, ExpectedVersion::NoStream(), 2)).ok());

  // Wind the head back behind the stored events: the next append would reuse version 2.
  const std::string rewind =
      "DROP TRIGGER streams_only_advance; "
      "UPDATE streams SET version = 1 WHERE stream_id = '" +
      broken + "'";
  REQUIRE(RawSql(path, rewind).ok());
  std::vector<AppendRequest> batch;
  batch.push_back(MakeAppend(broken, ExpectedVersion::Any(), 1));
  batch.push_back(MakeAppend(healthy, ExpectedVersion::NoStream(), 1));
  Result<std::vector<Result<AppendResult>>> outcomes = store->AppendBatch(batch);
  REQUIRE_MESSAGE(outcomes.ok(), outcomes.status().ToString());
  CHECK((*outcomes)[0].status().code() == StatusCode::kDataLoss);
  CHECK((*outcomes)[1].ok());
  CHECK(testing::ReadWholeStream(*store, broken).size() == 2);
  CHECK(testing::ReadWholeStream(*store, healthy).size() == 1);
}

}  // namespace
}  // namespace ledger
