// Read-model conformance: Commit of row changes, its validation, and its checkpoint moves, all
// or nothing. Included only by read_model_store_conformance.h.

namespace ledger::read_model_conformance {

TEST_CASE_TEMPLATE_DEFINE("read model store: Commit applies row changes in order", F,
                          read_model_commit_rows) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  Row full = ItemRow("t1", "a", 1)
                 .SetText("title", "first")
                 .SetBool("active", true)
                 .SetTime("due_at", kT0)
                 .SetJson("attrs", R"({"k":"v"})");
  MustCommit(*store, Live({Upsert(full), Upsert(ItemRow("t1", "b", 2))}));
  REQUIRE(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) == Describe(full));

  SUBCASE("an upsert replaces every column, also with NULL") {
    Row replacement = ItemRow("t1", "a", 10).SetText("title", "second");
    MustCommit(*store, Live({Upsert(replacement)}));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) == Describe(replacement));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "b")) ==
          Describe(ItemRow("t1", "b", 2)));
  }

  SUBCASE("a delete removes the row; deleting an absent row is no error") {
    MustCommit(*store,
               Live({Delete(Items(), ItemKey("t1", "a")), Delete(Items(), ItemKey("t1", "never")),
                     Delete(Orders(), OrderKey("t1", "c1", 1))}));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) == "(none)");
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "b")) != "(none)");
    MustCommit(*store, Live({Delete(Items(), ItemKey("t1", "a"))}));
  }

  SUBCASE("changes to one key apply in order within a request") {
    MustCommit(*store, Live({Upsert(ItemRow("t1", "c", 3)), Delete(Items(), ItemKey("t1", "c")),
                             Delete(Items(), ItemKey("t1", "b")), Upsert(ItemRow("t1", "b", 20)),
                             Upsert(ItemRow("t1", "d", 4)), Upsert(ItemRow("t1", "d", 40))}));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "c")) == "(none)");
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "b")) ==
          Describe(ItemRow("t1", "b", 20)));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "d")) ==
          Describe(ItemRow("t1", "d", 40)));
  }

  SUBCASE("one request may change several tables") {
    MustCommit(*store,
               Live({Upsert(OrderRow("t1", "c1", 1, 100)), Delete(Items(), ItemKey("t1", "b"))}));
    CHECK(Stored(*store, Orders(), TableSet::kLive, OrderKey("t1", "c1", 1)) ==
          Describe(OrderRow("t1", "c1", 1, 100)));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "b")) == "(none)");
  }

  SUBCASE("an empty request is no error") { MustCommit(*store, Live({})); }
}

TEST_CASE_TEMPLATE_DEFINE("read model store: Commit refuses rows that do not fit, applying nothing",
                          F, read_model_commit_invalid) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  MustCommit(*store, Live({Upsert(ItemRow("t1", "kept", 1))},
                          {Move(std::nullopt, MakeCheckpoint("proj", 5))}));
  const std::string kept = Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "kept"));

  RowChange bad;
  SUBCASE("key with too few parts") { bad = Delete(Items(), Key{Value(std::string("t1"))}); }
  SUBCASE("key with too many parts") {
    Row row = ItemRow("t1", "x", 1);
    bad = RowChange{&Items(), OrderKey("t1", "x", 1), row};
  }
  SUBCASE("NULL in a primary-key column") {
    Row row = ItemRow("t1", "x", 1);
    row.SetNull("item_id");
    bad = Upsert(row);
  }
  SUBCASE("NULL in a column declared not null") {
    Row row = ItemRow("t1", "x", 1);
    row.SetNull("quantity");
    bad = Upsert(row);
  }
  SUBCASE("value of the wrong type") {
    Row row = ItemRow("t1", "x", 1);
    row.mutable_values()[*Items().ColumnIndex("quantity")] = Value(std::string("one"));
    bad = Upsert(row);
  }
  SUBCASE("timestamp in a JSON column") {
    Row row = ItemRow("t1", "x", 1);
    row.mutable_values()[*Items().ColumnIndex("attrs")] = Value(kT0);
    bad = Upsert(row);
  }
  SUBCASE("row whose key differs from the change's key") {
    Row row = ItemRow("t1", "x", 1);
    bad = RowChange{&Items(), ItemKey("t1", "y"), row};
  }
  SUBCASE("row of another table") {
    Row row = OrderRow("t1", "c1", 1, 100);
    bad = RowChange{&Items(), ItemKey("t1", "c1"), row};
  }

  CommitRequest request{
      .changes = {Upsert(ItemRow("t1", "before", 1)), Delete(Items(), ItemKey("t1", "kept")), bad,
                  Upsert(ItemRow("t1", "after", 1))},
      .checkpoints = {Move(5, MakeCheckpoint("proj", 6))},
      .new_rows = {}};
  CHECK(store->Commit(request).code() == StatusCode::kInvalidArgument);
  CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "before")) == "(none)");
  CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "after")) == "(none)");
  CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "kept")) == kept);
  CHECK(StoredCheckpoint(*store, "proj") == Describe(MakeCheckpoint("proj", 5)));
}

TEST_CASE_TEMPLATE_DEFINE("read model store: Commit moves checkpoints with the rows, or nothing", F,
                          read_model_commit_checkpoints) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  MustCommit(*store, Live({Upsert(ItemRow("t1", "a", 1))},
                          {Move(std::nullopt, MakeCheckpoint("orders", 10)),
                           Move(std::nullopt, MakeCheckpoint("content", 20))}));
  CHECK(StoredCheckpoint(*store, "orders") == Describe(MakeCheckpoint("orders", 10)));
  CHECK(StoredCheckpoint(*store, "content") == Describe(MakeCheckpoint("content", 20)));

  SUBCASE("every expectation met: rows and checkpoints change together") {
    MustCommit(*store, Live({Upsert(ItemRow("t1", "a", 2)), Upsert(ItemRow("t1", "b", 3))},
                            {Move(10, MakeCheckpoint("orders", 12)),
                             Move(std::nullopt, MakeCheckpoint("fresh", 1))}));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) ==
          Describe(ItemRow("t1", "a", 2)));
    CHECK(StoredCheckpoint(*store, "orders") == Describe(MakeCheckpoint("orders", 12)));
    CHECK(StoredCheckpoint(*store, "fresh") == Describe(MakeCheckpoint("fresh", 1)));
    CHECK(StoredCheckpoint(*store, "content") == Describe(MakeCheckpoint("content", 20)));
  }

  std::optional<std::uint64_t> stale;
  std::string missed;
  SUBCASE("a stale expected position") {
    stale = 9;
    missed = "content";
  }
  SUBCASE("expected absent, but the checkpoint exists") {
    stale = std::nullopt;
    missed = "content";
  }
  SUBCASE("expected a position, but the checkpoint is absent") {
    stale = 0;
    missed = "absent";
  }
  if (missed.empty()) return;  // the first subcase

  // The first move would succeed alone; the second fails, so neither happens, nor the rows.
  CommitRequest request{.changes = {Upsert(ItemRow("t1", "a", 99)), Upsert(ItemRow("t1", "new", 1)),
                                    Upsert(OrderRow("t1", "c1", 1, 100))},
                        .checkpoints = {Move(10, MakeCheckpoint("orders", 11)),
                                        Move(stale, MakeCheckpoint(missed, 21))},
                        .new_rows = {}};
  CHECK(store->Commit(request).code() == StatusCode::kConflict);
  CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) ==
        Describe(ItemRow("t1", "a", 1)));
  CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "new")) == "(none)");
  CHECK(ScannedKeys(*store, Orders()).empty());
  CHECK(StoredCheckpoint(*store, "orders") == Describe(MakeCheckpoint("orders", 10)));
  CHECK(StoredCheckpoint(*store, "content") == Describe(MakeCheckpoint("content", 20)));
  CHECK(StoredCheckpoint(*store, "absent") == "(none)");
}

}  // namespace ledger::read_model_conformance
