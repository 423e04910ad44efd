// Read-model conformance: Scan order and early stop, leadership, and concurrent commits.
// Included only by read_model_store_conformance.h.

namespace ledger::read_model_conformance {

TEST_CASE_TEMPLATE_DEFINE("read model store: Scan yields rows in primary-key order", F,
                          read_model_scan_order) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  CHECK(ScannedKeys(*store, Items()).empty());

  SUBCASE("text compares bytewise, whatever the locale") {
    // Committed out of order. Bytewise: "" < "B" < "Z" < "a" < "b" < "é" (0xC3 0xA9) < "ê".
    CommitRequest request;
    for (const char* id : {"é", "b", "B", "", "ê", "a", "Z"}) {
      request.changes.push_back(Upsert(ItemRow("t1", id, 1)));
    }
    request.changes.push_back(Upsert(ItemRow("T0", "z", 1)));
    request.changes.push_back(Upsert(ItemRow("t10", "a", 1)));
    request.changes.push_back(Upsert(ItemRow("t2", "a", 1)));
    MustCommit(*store, request);
    std::string order;
    LEDGER_RM_REQUIRE_OK(store->Scan(Items(), [&](const Row& row) {
      order += row.Text("tenant_id") + "/" + row.Text("item_id") + " ";
      return Status::Ok();
    }));
    CHECK(order == "T0/z t1/ t1/B t1/Z t1/a t1/b t1/é t1/ê t10/a t2/a ");
  }

  SUBCASE("integers compare numerically, key parts left to right") {
    CommitRequest request;
    for (std::int64_t n : {10, 2, -5, 100, 0}) {
      request.changes.push_back(Upsert(OrderRow("t1", "c1", n, n)));
    }
    request.changes.push_back(Upsert(OrderRow("t1", "c0", 1000, 1)));
    request.changes.push_back(Upsert(OrderRow("t1", "c2", -1000, 1)));
    request.changes.push_back(Upsert(OrderRow("t0", "c9", 7, 1)));
    MustCommit(*store, request);
    std::string order;
    LEDGER_RM_REQUIRE_OK(store->Scan(Orders(), [&](const Row& row) {
      order += row.Text("tenant_id") + "/" + row.Text("customer_id") + "/" +
               std::to_string(row.Int("order_no")) + " ";
      return Status::Ok();
    }));
    CHECK(order == "t0/c9/7 t1/c0/1000 t1/c1/-5 t1/c1/0 t1/c1/2 t1/c1/10 t1/c1/100 t1/c2/-1000 ");
  }

  SUBCASE("after deletes and replacements, only what is stored") {
    MustCommit(*store, Live({Upsert(ItemRow("t1", "a", 1)), Upsert(ItemRow("t1", "b", 1)),
                             Upsert(ItemRow("t1", "c", 1))}));
    MustCommit(*store, Live({Delete(Items(), ItemKey("t1", "b")), Upsert(ItemRow("t1", "c", 7))}));
    std::vector<std::string> seen;
    LEDGER_RM_REQUIRE_OK(store->Scan(Items(), [&](const Row& row) {
      seen.push_back(row.Text("item_id") + "=" + std::to_string(row.Int("quantity")));
      return Status::Ok();
    }));
    CHECK(seen == std::vector<std::string>{"a=1", "c=7"});
  }

  SUBCASE("many rows") {
    CommitRequest request;
    for (int i = 999; i >= 0; --i) request.changes.push_back(Upsert(OrderRow("t1", "c", i, i)));
    MustCommit(*store, request);
    std::int64_t expected = 0;
    LEDGER_RM_REQUIRE_OK(store->Scan(Orders(), [&](const Row& row) {
      CHECK(row.Int("order_no") == expected);
      ++expected;
      return Status::Ok();
    }));
    CHECK(expected == 1000);
  }
}

TEST_CASE_TEMPLATE_DEFINE("read model store: Scan stops at the visitor's first error", F,
                          read_model_scan_stops) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  CommitRequest request;
  for (const char* id : {"a", "b", "c", "d"})
    request.changes.push_back(Upsert(ItemRow("t1", id, 1)));
  MustCommit(*store, request);

  std::vector<std::string> visited;
  Status s = store->Scan(Items(), [&](const Row& row) {
    visited.push_back(row.Text("item_id"));
    if (visited.size() == 2) return Cancelled("enough after " + row.Text("item_id"));
    return Status::Ok();
  });
  CHECK(s.code() == StatusCode::kCancelled);
  CHECK(s.ToString().find("enough after b") != std::string::npos);
  CHECK(visited == std::vector<std::string>{"a", "b"});

  // The store is usable afterwards (a backend must not leave the scan's statement open).
  MustCommit(*store, Live({Delete(Items(), ItemKey("t1", "a"))}));
  CHECK(ScannedKeys(*store, Items()) == "t1/b | t1/c | t1/d");
}

TEST_CASE_TEMPLATE_DEFINE("read model store: leadership", F, read_model_leadership) {
  std::unique_ptr<ReadModelStore> store = F::Open();
  REQUIRE(store != nullptr);
  LeaderElector& elector = store->leadership();

  Result<std::unique_ptr<Lease>> first = elector.TryLead("projector.orders");
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  REQUIRE(*first != nullptr);
  CHECK((*first)->Held());

  Result<std::unique_ptr<Lease>> second = elector.TryLead("projector.orders");
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  CHECK(*second == nullptr);

  Result<std::unique_ptr<Lease>> other = elector.TryLead("projector.content");
  REQUIRE_MESSAGE(other.ok(), other.status().ToString());
  CHECK(*other != nullptr);

  first->reset();
  Result<std::unique_ptr<Lease>> third = elector.TryLead("projector.orders");
  REQUIRE_MESSAGE(third.ok(), third.status().ToString());
  REQUIRE(*third != nullptr);
  CHECK((*third)->Held());
  Result<std::unique_ptr<Lease>> fourth = elector.TryLead("projector.orders");
  REQUIRE(fourth.ok());
  CHECK(*fourth == nullptr);
}

TEST_CASE_TEMPLATE_DEFINE("read model store: concurrent commits serialize on the checkpoint", F,
                          read_model_concurrent_commits) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("proj", 0))));
  constexpr int kThreads = 4;
  constexpr int kCommitsEach = 15;

  // Each thread commits a row and advances the shared checkpoint by one, retrying on Conflict:
  // every advance must win exactly once, with its row.
  std::atomic<int> failures{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCommitsEach; ++i) {
        for (;;) {
          Result<std::optional<Checkpoint>> c = store->LoadCheckpoint("proj");
          if (!c.ok() || !c->has_value()) {
            ++failures;
            return;
          }
          std::uint64_t at = (*c)->position.value();
          Row row = OrderRow("t1", "c" + std::to_string(t), i, static_cast<std::int64_t>(at));
          Status s = store->Commit(Live({Upsert(row)}, {Move(at, MakeCheckpoint("proj", at + 1))}));
          if (s.ok()) break;
          if (s.code() != StatusCode::kConflict) {
            ++failures;
            return;
          }
          ++conflicts;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  REQUIRE(failures.load() == 0);

  CHECK(StoredCheckpoint(*store, "proj") ==
        Describe(MakeCheckpoint("proj", kThreads * kCommitsEach)));
  // Each row recorded the position it advanced from; all of 0..n-1 appear exactly once.
  std::vector<int> seen(kThreads * kCommitsEach, 0);
  int rows = 0;
  LEDGER_RM_REQUIRE_OK(store->Scan(Orders(), [&](const Row& row) {
    ++rows;
    std::int64_t from = row.Int("total");
    if (from >= 0 && from < static_cast<std::int64_t>(seen.size())) ++seen[from];
    return Status::Ok();
  }));
  CHECK(rows == kThreads * kCommitsEach);
  CHECK(std::count(seen.begin(), seen.end(), 1) == kThreads * kCommitsEach);
}

}  // namespace ledger::read_model_conformance
