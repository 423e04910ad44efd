// ledger_bench_domain_log N: writes a deterministic log of N domain events, as JSON lines in
// the import format (engine/event_json.h), to stdout: the input of bench/run's "rebuild" row
// (bench/README.md).
//
// Nothing in it is hand-written to look like an event: every event is made by the code that
// makes it in production, so its payload is what the projectors meet in real life.
//   - Stripe stories: the 25 files of tests/fixtures/stripe/assembled (one store's card
//     checkout, partial refund, dispute, delayed payments, a declined card, an expired
//     session) with fresh ids and times per story, admitted as the webhook route admits them
//     (stripe::DecodeEvent: stripe.event_received with the raw body), a few delivered out of
//     order; the translator (commands/intake) turns them into order.* and payment.* events.
//   - Printify fulfilment of paid orders: the submission's printify.order_linked
//     (MakePrintifyLinkRequest) and the order webhooks of tests/fixtures/printify, admitted
//     with printify::DecodeEvent and translated (order.submitted_to_printify ... delivered).
//   - Content items: screen-content, evaluate-quality, decide-review and publish-content run
//     through the CommandDispatcher (screening.decided, quality.verdict_recorded,
//     review.*, content.published), names chosen so that some block and some escalate.
//   - Canary routes: configure-canary, then probes (mostly passing, some failure streaks),
//     set-v2-ready and the odd rollback-canary.
// Three tenants; each story has several events on its streams, interleaved in time with the
// others as a busy store interleaves them.
//
// The log is made in chunks, each in a MemoryEventStore (a chunk's streams are its own), and
// written with global positions numbered across chunks, so memory stays bounded whatever N.
//
//   ledger_bench_domain_log N [--fixtures DIR] [--chunk-events K] >log.jsonl
//
// Prints the event-type histogram to stderr.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/printify/event_decoder.h"
#include "adapters/stripe/event_decoder.h"
#include "commands/dispatcher.h"
#include "commands/intake/printify_link.h"
#include "commands/intake/translator.h"
#include "engine/event_json.h"
#include "engine/memory_store.h"
#include "engine/time.h"
#include "projections/memory_read_model_store.h"

#ifndef LEDGER_SOURCE_DIR
#define LEDGER_SOURCE_DIR "."
#endif

namespace ledger::bench {
namespace intake = commands::intake;
namespace {

// The same file on every machine: a fixed generator, a fixed seed, a manual clock, and event
// ids derived from counters.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }
  bool Percent(std::uint64_t p) { return Below(100) < p; }
  template <typename T, std::size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  std::uint64_t state_;
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "ledger_bench_domain_log: %s\n", why.c_str());
  std::exit(1);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A fixture body with markers to fill in per story: every occurrence of an id stem is
// replaced by the story's token, and (Stripe) every "created": <unix seconds> is shifted.
class BodyTemplate {
 public:
  // `stems`: substrings to replace, each by the same-index replacement of Instantiate.
  BodyTemplate(std::string text, const std::vector<std::string>& stems, bool shift_created) {
    std::size_t at = 0;
    while (at < text.size()) {
      std::size_t next = std::string::npos, length = 0;
      int kind = -1;
      for (std::size_t s = 0; s < stems.size(); ++s) {
        std::size_t found = text.find(stems[s], at);
        if (found < next) next = found, length = stems[s].size(), kind = static_cast<int>(s);
      }
      std::size_t created = shift_created ? text.find("\"created\": ", at) : std::string::npos;
      if (created < next) {
        std::size_t digits = created + 11;
        std::size_t end = digits;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
        if (end > digits) {
          pieces_.push_back({text.substr(at, digits - at), -1, 0});
          pieces_.push_back({"", -2, std::stoll(text.substr(digits, end - digits))});
          at = end;
          continue;
        }
        next = std::string::npos;
      }
      if (next == std::string::npos) break;
      pieces_.push_back({text.substr(at, next - at), -1, 0});
      pieces_.push_back({"", kind, 0});
      at = next + length;
    }
    pieces_.push_back({text.substr(at), -1, 0});
  }

  std::string Instantiate(const std::vector<std::string>& replacements,
                          std::int64_t created_shift) const {
    std::string out;
    for (const Piece& p : pieces_) {
      if (p.kind == -1) {
        out += p.literal;
      } else if (p.kind == -2) {
        out += std::to_string(p.created + created_shift);
      } else {
        out += replacements[static_cast<std::size_t>(p.kind)];
      }
    }
    return out;
  }

 private:
  struct Piece {
    std::string literal;
    int kind;  // -1 literal, -2 created, else the stem's index
    std::int64_t created;
  };
  std::vector<Piece> pieces_;
};

// The fixtures' ids: every Stripe id of the assembled story contains kStripeStem except the
// checkout sessions, which all start "cs_test_"; the Printify orders and event ids contain
// these stems.
const std::vector<std::string> kStripeStems = {"LmNp2QxYz4", "cs_test_"};
const std::vector<std::string> kPrintifyStems = {"66c3a1f2b4e5d60012ab34cd",
                                                 "66c3a1f2b4e5d60012ab99ff", "2d1c8b7a6e"};
constexpr std::int64_t kStripeStoryStart = 1'787'133'600;  // the fixtures' first "created"

struct Fixtures {
  std::vector<BodyTemplate> stripe;    // 01..25, index 0 = 01
  std::vector<BodyTemplate> printify;  // p01..p08, index 0 = p01

  explicit Fixtures(const std::string& dir) {
    const char* stripe_names[] = {
        "01_customer.created",
        "02_payment_intent.created",
        "03_charge.succeeded",
        "04_payment_intent.succeeded",
        "05_checkout.session.completed",
        "06_charge.updated",
        "07_customer.updated",
        "08_charge.refunded",
        "09_refund.created",
        "10_refund.updated",
        "11_charge.refund.updated",
        "12_charge.dispute.created",
        "13_charge.dispute.funds_withdrawn",
        "14_charge.dispute.updated",
        "15_charge.dispute.closed",
        "16_charge.dispute.funds_reinstated",
        "17_radar.early_fraud_warning.created",
        "18_checkout.session.completed.unpaid_async",
        "19_payment_intent.processing",
        "20_checkout.session.async_payment_succeeded",
        "21_checkout.session.async_payment_failed",
        "22_charge.failed",
        "23_payment_intent.payment_failed",
        "24_checkout.session.expired",
        "25_payment_intent.canceled",
    };
    for (const char* name : stripe_names) {
      stripe.emplace_back(ReadFile(dir + "/stripe/assembled/" + name + ".json"), kStripeStems,
                          true);
    }
    const char* printify_names[] = {
        "p01_order.created",          "p02_order.updated.on-hold",
        "p03_order.sent-to-production", "p04_order.updated.in-production",
        "p05_order.shipment.created", "p06_order.updated.fulfilled",
        "p07_order.shipment.delivered", "p08_order.updated.canceled",
    };
    for (const char* name : printify_names) {
      printify.emplace_back(ReadFile(dir + "/printify/" + name + ".json"), kPrintifyStems, false);
    }
  }
};

// Words for product names that match no term of the screening lists, and terms that do.
const char* kAdjectives[] = {"Cosy",   "Vintage", "Minimal", "Retro",  "Sunny",  "Quiet",
                             "Bold",   "Gentle",  "Wild",    "Misty",  "Golden", "Velvet",
                             "Rustic", "Lunar",   "Coastal", "Autumn", "Urban",  "Paper"};
const char* kNouns[] = {"Fox",     "Mountain", "Lighthouse", "Cactus", "Otter",  "Wave",
                        "Bicycle", "Teapot",   "Forest",     "Comet",  "Heron",  "Lantern",
                        "Meadow",  "Harbour",  "Tortoise",   "Garden", "Kettle", "Orchard"};
const char* kProducts[] = {"T-Shirt", "Hoodie", "Mug", "Poster", "Tote Bag", "Sticker"};
const char* kCategories[] = {"t-shirt", "hoodie", "mug", "poster", "tote-bag", "sticker"};
const std::int64_t kPriceRanges[][2] = {{1500, 4500}, {3000, 8000}, {1000, 3000},
                                        {800, 6000},  {1200, 4000}, {200, 1000}};
const char* kBlockingTerms[] = {"Nike", "Mickey Mouse", "iPhone", "Air Jordan", "Google"};
const char* kEscalatingTerms[] = {"Apple", "Goofy", "Swoosh", "Pluto"};
const char* kTenants[] = {"default", "shop-eu", "shop-us"};

// One thing that happens at a time: an admission, a command, a link.
struct Action {
  std::int64_t at_micros;
  std::uint64_t sequence;  // ties keep the order of creation
  std::function<void()> run;
};

class Chunk {
 public:
  Chunk(const Fixtures& fixtures, SplitMix64& rng, Timestamp start, std::uint64_t& story_counter,
        std::uint64_t& id_counter)
      : fixtures_(fixtures),
        rng_(rng),
        start_(start),
        story_counter_(story_counter),
        id_counter_(id_counter),
        clock_(start) {
    intake::TranslatorOptions translator_options;
    translator_options.clock = &clock_;
    translator_ = std::make_unique<intake::Translator>(store_, checkpoints_, translator_options);
    commands::CommandDispatcherOptions options;
    options.new_event_id = [this] {
      return Uuid::V5(LedgerNamespace(), "bench-command:" + std::to_string(id_counter_++));
    };
    Result<std::unique_ptr<commands::CommandDispatcher>> dispatcher =
        commands::CommandDispatcher::Create(&store_, &clock_, std::move(options));
    if (!dispatcher.ok()) Die(dispatcher.status().ToString());
    dispatcher_ = std::move(*dispatcher);
  }

  // Plans `orders`, `items` and `routes` stories starting within `span_seconds`, runs them in
  // time order with the translator following, and returns the chunk's log.
  std::vector<RecordedEvent> Run(int orders, int items, int routes, std::int64_t span_seconds) {
    for (int i = 0; i < orders; ++i) PlanOrder(StoryStart(span_seconds));
    for (int i = 0; i < items; ++i) PlanItem(StoryStart(span_seconds));
    for (int i = 0; i < routes; ++i) PlanRoute(StoryStart(span_seconds));
    std::sort(actions_.begin(), actions_.end(), [](const Action& a, const Action& b) {
      return std::tie(a.at_micros, a.sequence) < std::tie(b.at_micros, b.sequence);
    });
    std::size_t done = 0;
    for (Action& action : actions_) {
      if (action.at_micros > clock_.Now().value()) clock_.Set(Timestamp(action.at_micros));
      clock_.AdvanceMicros(1 + static_cast<std::int64_t>(rng_.Below(500)));
      action.run();
      // The translator follows the log as the server's does: shortly behind.
      if (++done % 200 == 0) Translate();
    }
    Translate();
    std::vector<RecordedEvent> log;
    GlobalPosition after(0);
    for (;;) {
      Result<std::vector<RecordedEvent>> batch = store_.ReadAll(after, 10'000);
      if (!batch.ok()) Die(batch.status().ToString());
      if (batch->empty()) break;
      after = batch->back().global_position;
      for (RecordedEvent& e : *batch) log.push_back(std::move(e));
    }
    return log;
  }

  Timestamp end() { return clock_.Now(); }
  std::uint64_t refused() const { return refused_; }

 private:
  std::int64_t StoryStart(std::int64_t span_seconds) {
    return start_.value() +
           static_cast<std::int64_t>(rng_.Below(static_cast<std::uint64_t>(span_seconds))) *
               1'000'000;
  }

  void At(std::int64_t micros, std::function<void()> run) {
    actions_.push_back(Action{micros, sequence_++, std::move(run)});
  }

  void Append(const AppendRequest& request) {
    Result<AppendResult> appended = store_.Append(request);
    if (!appended.ok()) Die("append to " + request.stream.value() + ": " +
                            appended.status().ToString());
  }

  void Translate() {
    Status done = translator_->CatchUp();
    if (!done.ok()) Die("translator: " + done.ToString());
  }

  // Runs a command; a refusal (a transition the rules forbid, because the screener judged
  // a name otherwise than the plan guessed) is counted, anything else is fatal.
  void Command(std::string_view name, const std::string& body, const commands::Principal& who,
               const std::string& tenant) {
    Result<commands::CommandOutcome> out = dispatcher_->Execute(
        name, body,
        commands::CommandContext{who, TenantId(tenant), "req-" + std::to_string(id_counter_++)});
    if (out.ok()) return;
    if (out.status().code() == StatusCode::kFailedPrecondition ||
        out.status().code() == StatusCode::kNotFound) {
      ++refused_;
      if (std::getenv("LEDGER_BENCH_SHOW_REFUSALS") != nullptr) {
        std::fprintf(stderr, "refused: %s %s: %s\n", std::string(name).c_str(), body.c_str(),
                     out.status().ToString().c_str());
      }
      return;
    }
    Die(std::string(name) + " " + body + ": " + out.status().ToString());
  }

  std::string Token() {
    // 10 characters, like the stem it replaces: unique per story across the whole log.
    char token[16];
    std::snprintf(token, sizeof(token), "Bq%08llx",
                  static_cast<unsigned long long>(story_counter_++));
    return token;
  }

  // --- orders: Stripe payment, then Printify fulfilment -----------------------------------

  void PlanOrder(std::int64_t t0) {
    std::string token = Token();
    std::string tenant = rng_.Pick(kTenants);
    std::int64_t shift = t0 / 1'000'000 - kStripeStoryStart;
    std::vector<std::string> ids = {token, "cs_test_" + token};
    // Files of the story (1-based), by what happens to the order.
    std::vector<int> files;
    bool paid = true;
    std::uint64_t kind = rng_.Below(100);
    if (kind < 64) {
      files = {1, 2, 3, 4, 5, 6, 7};
    } else if (kind < 74) {
      files = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    } else if (kind < 77) {
      files = {1, 2, 3, 4, 5, 6, 7, 17, 12, 13, 14, 15, 16};
    } else if (kind < 85) {
      files = {18, 19, 20};
    } else if (kind < 89) {
      files = {21}, paid = false;
    } else if (kind < 94) {
      files = {22, 23}, paid = false;
    } else {
      files = {24, 25}, paid = false;
    }
    // Stripe does not deliver in order: now and then two neighbours swap.
    for (std::size_t i = 1; i < files.size(); ++i) {
      if (rng_.Percent(8)) std::swap(files[i - 1], files[i]);
    }
    std::int64_t t = t0;
    for (int file : files) {
      t += 1'000'000 + static_cast<std::int64_t>(rng_.Below(4'000'000));
      std::string body = fixtures_.stripe[static_cast<std::size_t>(file - 1)].Instantiate(ids, shift);
      At(t, [this, body = std::move(body), tenant]() mutable {
        Result<webhook::ProviderEvent> decoded =
            stripe::DecodeEvent(std::move(body), webhook::AdmissionScope{TenantId(tenant), true});
        if (!decoded.ok()) Die("stripe fixture: " + decoded.status().ToString());
        Append(decoded->request);
      });
    }
    if (!paid) return;
    // The session of the story's paid order: the card story's, or the delayed payment's.
    std::string session = files.front() == 18
                              ? "cs_test_" + token + "a4Nm2Pq8Rs6Tu0Vw2Xy4Za6Bc8De0Fg2Hi4Jk6Lm8No0Pq2Rs4Tu6Vw8Xy0Za2"
                              : "cs_test_" + token + "b1Qk8Zr2dLmN4pX6tV9yW3cE5fH7jK0sA2gU4iO6qR8eT1wY3zBx5nM7vC9";
    char printify_id[32];
    std::snprintf(printify_id, sizeof(printify_id), "66c3%020llx",
                  static_cast<unsigned long long>(story_counter_));
    char event_stem[16];
    std::snprintf(event_stem, sizeof(event_stem), "%010llx",
                  static_cast<unsigned long long>(story_counter_));
    std::vector<std::string> pids = {printify_id, printify_id, event_stem};
    t += 30'000'000;
    At(t, [this, tenant, pid = std::string(printify_id), session] {
      Result<AppendRequest> link = intake::MakePrintifyLinkRequest(
          TenantId(tenant), pid, session, 1234567,
          Metadata{"job-" + pid, "", "system:printify-submitter", "job.printify_submit"});
      if (!link.ok()) Die("printify link: " + link.status().ToString());
      Append(*link);
    });
    std::vector<int> topics =
        rng_.Percent(4) ? std::vector<int>{1, 2, 8} : std::vector<int>{1, 2, 3, 4, 5, 6, 7};
    for (int topic : topics) {
      t += 20'000'000 + static_cast<std::int64_t>(rng_.Below(600'000'000));
      std::string body = fixtures_.printify[static_cast<std::size_t>(topic - 1)].Instantiate(pids, 0);
      At(t, [this, body = std::move(body), tenant]() mutable {
        Result<webhook::ProviderEvent> decoded = printify::DecodeEvent(
            std::move(body), webhook::AdmissionScope{TenantId(tenant), true});
        if (!decoded.ok()) Die("printify fixture: " + decoded.status().ToString());
        Append(decoded->request);
      });
    }
  }

  // --- content: screening, quality, review, publication ------------------------------------

  void PlanItem(std::int64_t t0) {
    std::string tenant = rng_.Pick(kTenants);
    std::string content_id = "item-" + Token();
    std::size_t kind = rng_.Below(std::size(kProducts));
    std::string product = kProducts[kind];
    std::string name = std::string(rng_.Pick(kAdjectives)) + " " + rng_.Pick(kNouns);
    enum { kPass, kBlock, kEscalate } screening = kPass;
    std::uint64_t roll = rng_.Below(100);
    if (roll < 4) {
      screening = kBlock, name += std::string(" ") + rng_.Pick(kBlockingTerms);
    } else if (roll < 12) {
      screening = kEscalate, name = std::string(rng_.Pick(kEscalatingTerms)) + " " + name;
    }
    name += " " + product;
    std::string description = "A " + name + " printed on demand with water-based inks. " +
                              "Soft to the touch, made to last, shipped in plastic-free packaging.";
    std::string tags = R"(["gift",")" + std::string(rng_.Pick(kCategories)) + R"(","illustration"])";
    char hash[32];
    std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(rng_.Next()));
    std::string body = R"({"content_id":")" + content_id + R"(","name":")" + name +
                       R"(","description":")" + description + R"(","tags":)" + tags +
                       R"(,"image_hashes":[")" + hash + R"("],"visual_similarity":0.)" +
                       std::to_string(rng_.Below(5)) + "}";
    commands::Principal ops{"user:ops-" + std::to_string(rng_.Below(4)), "operator"};
    commands::Principal reviewer{"user:reviewer-" + std::to_string(rng_.Below(3)), "reviewer"};
    std::int64_t t = t0;
    At(t, [this, body, ops, tenant] { Command("screen-content", body, ops, tenant); });
    if (screening == kBlock) return;
    auto review = [&](const std::string& why) {
      bool approve = rng_.Percent(80);
      t += 300'000'000 + static_cast<std::int64_t>(rng_.Below(3'000'000'000));
      std::string decision = R"({"content_id":")" + content_id + R"(","decision":")" +
                             (approve ? "approve" : "reject") + R"(","reason":")" + why +
                             (approve ? ": acceptable in context" : ": too close to the mark") +
                             R"("})";
      At(t, [this, decision, reviewer, tenant] {
        Command("decide-review", decision, reviewer, tenant);
      });
      return approve;
    };
    if (screening == kEscalate && !review("screening escalation")) return;
    // A price within the quality policy's range for the category (commands/content/quality_gate.cc).
    std::string category = kCategories[kind];
    std::int64_t price = kPriceRanges[kind][0] - 1 +
                         static_cast<std::int64_t>(rng_.Below(static_cast<std::uint64_t>(
                             (kPriceRanges[kind][1] - kPriceRanges[kind][0]) / 100))) * 100 + 100;
    auto quality = [&](const std::string& text, bool provider_error) {
      t += 60'000'000 + static_cast<std::int64_t>(rng_.Below(600'000'000));
      std::string body = R"({"content_id":")" + content_id + R"(","description":")" + text +
                         R"(","images":[{"width":2400,"height":2400},{"width":1800,"height":1800}],)"
                         R"("price_minor":)" + std::to_string(price) +
                         R"(,"currency":"usd","category":")" + category + R"(")" +
                         (provider_error
                              ? R"(,"provider_error":{"provider":"printify","code":"8150","message":"Blueprint is out of stock","product_id":"p-)" +
                                    content_id + R"("})"
                              : "") +
                         "}";
      At(t, [this, body, ops, tenant] { Command("evaluate-quality", body, ops, tenant); });
    };
    std::uint64_t q = rng_.Below(100);
    if (q < 12) {
      quality("Too short.", false);  // fails, the listing is fixed and evaluated again
      quality(description, false);
    } else if (q < 16) {
      quality(description, true);  // escalates
      if (!review("provider error")) return;
    } else {
      quality(description, false);
    }
    if (rng_.Percent(85)) {
      t += 120'000'000;
      At(t, [this, content_id, ops, tenant] {
        Command("publish-content", R"({"content_id":")" + content_id + R"("})", ops, tenant);
      });
    }
  }

  // --- canary: a route's probes and weight changes ------------------------------------------

  void PlanRoute(std::int64_t t0) {
    std::string tenant = rng_.Pick(kTenants);
    std::string route = "api-" + Token();
    commands::Principal ops{"user:ops-" + std::to_string(rng_.Below(4)), "operator"};
    commands::Principal prober{"system:prober", "system"};
    std::int64_t t = t0;
    std::string configure = R"({"route":")" + route + R"(","failure_threshold":)" +
                            std::to_string(2 + rng_.Below(3)) + R"(,"step":)" +
                            std::to_string(5 + 5 * rng_.Below(3)) + "}";
    At(t, [this, configure, ops, tenant] { Command("configure-canary", configure, ops, tenant); });
    int probes = 40 + static_cast<int>(rng_.Below(80));
    int ready_at = static_cast<int>(rng_.Below(static_cast<std::uint64_t>(probes)));
    int streak = 0;
    for (int i = 0; i < probes; ++i) {
      t += 30'000'000 + static_cast<std::int64_t>(rng_.Below(30'000'000));
      if (streak == 0 && rng_.Percent(4)) streak = 1 + static_cast<int>(rng_.Below(4));
      bool pass = streak == 0;
      if (streak > 0) --streak;
      std::string probe = R"({"route":")" + route + R"(","result":")" + (pass ? "pass" : "fail") +
                          R"(","probe_id":")" + route + "-p" + std::to_string(i) +
                          R"(","latency_ms":)" + std::to_string(20 + rng_.Below(pass ? 80 : 3000)) +
                          "}";
      At(t, [this, probe, prober, tenant] { Command("record-probe", probe, prober, tenant); });
      if (i == ready_at) {
        bool promote = rng_.Percent(30);
        std::string ready = R"({"route":")" + route + R"(","ready":true)" +
                            (promote ? R"(,"promote":true)" : "") +
                            R"(,"reason":"v2 passed the load test"})";
        At(t + 1'000'000, [this, ready, ops, tenant] {
          Command("set-v2-ready", ready, ops, tenant);
        });
      }
      if (rng_.Percent(1)) {
        std::string rollback =
            R"({"route":")" + route + R"(","reason":"error budget burning on the dashboard"})";
        At(t + 2'000'000, [this, rollback, ops, tenant] {
          Command("rollback-canary", rollback, ops, tenant);
        });
      }
    }
  }

  const Fixtures& fixtures_;
  SplitMix64& rng_;
  Timestamp start_;
  std::uint64_t& story_counter_;
  std::uint64_t& id_counter_;
  ManualClock clock_;
  MemoryEventStore store_{&clock_};
  projections::MemoryReadModelStore checkpoints_;
  std::unique_ptr<intake::Translator> translator_;
  std::unique_ptr<commands::CommandDispatcher> dispatcher_;
  std::vector<Action> actions_;
  std::uint64_t sequence_ = 0;
  std::uint64_t refused_ = 0;
};

int Main(int argc, char** argv) {
  namespace po = boost::program_options;
  std::uint64_t count = 0;
  std::string fixtures_dir = LEDGER_SOURCE_DIR "/tests/fixtures";
  std::uint64_t chunk_events = 20'000;
  po::options_description desc("ledger_bench_domain_log N [options]");
  desc.add_options()("help", "this text")("events", po::value(&count)->required(), "N")(
      "fixtures", po::value(&fixtures_dir), "the tests/fixtures directory")(
      "chunk-events", po::value(&chunk_events), "about this many events per chunk");
  po::positional_options_description positional;
  positional.add("events", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << desc;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << e.what() << "\n" << desc;
    return 2;
  }
  std::ios::sync_with_stdio(false);
  Fixtures fixtures(fixtures_dir);
  SplitMix64 rng(20261123);
  std::uint64_t story_counter = 0, id_counter = 0, written = 0, refused = 0;
  std::map<std::string, std::uint64_t> types;
  Timestamp time = ParseRfc3339("2026-09-01T00:00:00Z").value();
  std::string out;
  // Stories per chunk, for about 60% order and payment events (with their provider events),
  // 25% content and 15% canary. Measured: ~24 events per order story, ~4.5 per item, ~90
  // per route.
  const double scale = static_cast<double>(chunk_events) / 20'000.0;
  const int orders = std::max(1, static_cast<int>(500 * scale));
  const int items = std::max(1, static_cast<int>(1'450 * scale));
  const int routes = std::max(1, static_cast<int>(24 * scale));
  while (written < count) {
    Chunk chunk(fixtures, rng, time, story_counter, id_counter);
    std::vector<RecordedEvent> log = chunk.Run(orders, items, routes, 2 * 3600);
    refused += chunk.refused();
    time = Timestamp(chunk.end().value() + 1'000'000);
    for (RecordedEvent& e : log) {
      if (written == count) break;
      // Positions continue across chunks; versions, times and hashes are the chunk's own
      // (a chunk's streams are its own, and the hash chain does not cover positions).
      e.global_position = GlobalPosition(++written);
      ++types[e.event_type];
      AppendEventJson(e, out);
      out += '\n';
      if (out.size() > (1 << 20)) {
        std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
        out.clear();
      }
    }
  }
  std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
  std::cout.flush();
  for (const auto& [type, n] : types) std::fprintf(stderr, "%9llu %s\n", static_cast<unsigned long long>(n), type.c_str());
  std::fprintf(stderr, "%9llu events; %llu commands refused\n",
               static_cast<unsigned long long>(written), static_cast<unsigned long long>(refused));
  return std::cout ? 0 : 1;
}

}  // namespace
}  // namespace ledger::bench

int main(int argc, char** argv) { return ledger::bench::Main(argc, argv); }
