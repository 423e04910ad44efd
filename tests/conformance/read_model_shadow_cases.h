// Read-model conformance: the shadow set (a rebuild beside the live tables) and PromoteShadow.
// Included only by read_model_store_conformance.h.

namespace ledger::read_model_conformance {

TEST_CASE_TEMPLATE_DEFINE("read model store: the shadow set is independent of the live one", F,
                          read_model_shadow) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  LEDGER_RM_REQUIRE_OK(store->CreateTables(BothTables(), TableSet::kShadow));
  LEDGER_RM_REQUIRE_OK(store->CreateTables(BothTables(), TableSet::kShadow));  // idempotent too
  MustCommit(*store, Live({Upsert(ItemRow("t1", "a", 1))}));
  MustCommit(*store, Shadow({Upsert(ItemRow("t1", "a", 100)), Upsert(ItemRow("t1", "s", 2))}));

  CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) ==
        Describe(ItemRow("t1", "a", 1)));
  CHECK(Stored(*store, Items(), TableSet::kShadow, ItemKey("t1", "a")) ==
        Describe(ItemRow("t1", "a", 100)));
  CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "s")) == "(none)");
  CHECK(ScannedKeys(*store, Items()) == "t1/a");  // Scan reads the live set

  SUBCASE("deleting in one set leaves the other") {
    MustCommit(*store, Shadow({Delete(Items(), ItemKey("t1", "a"))}));
    CHECK(Stored(*store, Items(), TableSet::kShadow, ItemKey("t1", "a")) == "(none)");
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) != "(none)");
  }

  SUBCASE("dropping the shadow set leaves the live one") {
    LEDGER_RM_REQUIRE_OK(store->DropTables(BothTables(), TableSet::kShadow));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) ==
          Describe(ItemRow("t1", "a", 1)));
    LEDGER_RM_REQUIRE_OK(store->CreateTables(BothTables(), TableSet::kShadow));
    CHECK(Stored(*store, Items(), TableSet::kShadow, ItemKey("t1", "s")) == "(none)");
  }

  SUBCASE("dropping the live set leaves the shadow one") {
    LEDGER_RM_REQUIRE_OK(store->DropTables(BothTables(), TableSet::kLive));
    CHECK(Stored(*store, Items(), TableSet::kShadow, ItemKey("t1", "s")) ==
          Describe(ItemRow("t1", "s", 2)));
  }
}

TEST_CASE_TEMPLATE_DEFINE("read model store: PromoteShadow", F, read_model_promote) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  LEDGER_RM_REQUIRE_OK(store->CreateTables(BothTables(), TableSet::kShadow));
  MustCommit(*store, Live({Upsert(ItemRow("t1", "old", 1)), Upsert(OrderRow("t1", "c", 1, 10))},
                          {Move(std::nullopt, MakeCheckpoint("proj", 30, 1))}));
  MustCommit(*store, Shadow({Upsert(ItemRow("t1", "new", 2))},
                            {Move(std::nullopt, MakeCheckpoint("proj.shadow", 25, 2))}));
  LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("bystander", 4))));

  SUBCASE("swaps the shadow rows in and renames the checkpoint") {
    LEDGER_RM_REQUIRE_OK(
        store->PromoteShadow(BothTables(), "proj", "proj.shadow", GlobalPosition(25)));
    CHECK(ScannedKeys(*store, Items()) == "t1/new");
    CHECK(ScannedKeys(*store, Orders()).empty());  // the shadow orders table was empty
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "old")) == "(none)");
    CHECK(StoredCheckpoint(*store, "proj") == Describe(MakeCheckpoint("proj", 25, 2)));
    CHECK(StoredCheckpoint(*store, "proj.shadow") == "(none)");
    CHECK(StoredCheckpoint(*store, "bystander") == Describe(MakeCheckpoint("bystander", 4)));

    // The promoted tables are live tables like any other.
    MustCommit(*store, Live({Upsert(ItemRow("t1", "later", 3))},
                            {Move(25, MakeCheckpoint("proj", 26, 2))}));
    CHECK(ScannedKeys(*store, Items()) == "t1/later | t1/new");
    // The shadow set is gone; a new rebuild starts from empty tables.
    LEDGER_RM_REQUIRE_OK(store->CreateTables(BothTables(), TableSet::kShadow));
    CHECK(Stored(*store, Items(), TableSet::kShadow, ItemKey("t1", "new")) == "(none)");
  }

  SUBCASE("works when there is no live checkpoint or live table yet") {
    LEDGER_RM_REQUIRE_OK(store->DropTables(BothTables(), TableSet::kLive));
    LEDGER_RM_REQUIRE_OK(store->DeleteCheckpoint("proj", GlobalPosition(30)));
    LEDGER_RM_REQUIRE_OK(
        store->PromoteShadow(BothTables(), "proj", "proj.shadow", GlobalPosition(25)));
    CHECK(ScannedKeys(*store, Items()) == "t1/new");
    CHECK(StoredCheckpoint(*store, "proj") == Describe(MakeCheckpoint("proj", 25, 2)));
  }

  std::optional<std::uint64_t> wrong;
  SUBCASE("the shadow checkpoint elsewhere: Conflict, nothing changes") { wrong = 24; }
  SUBCASE("no shadow checkpoint: Conflict, nothing changes") {
    LEDGER_RM_REQUIRE_OK(store->DeleteCheckpoint("proj.shadow", GlobalPosition(25)));
    wrong = 25;
  }
  if (!wrong) return;
  CHECK(store->PromoteShadow(BothTables(), "proj", "proj.shadow", GlobalPosition(*wrong)).code() ==
        StatusCode::kConflict);
  CHECK(ScannedKeys(*store, Items()) == "t1/old");
  CHECK(Stored(*store, Orders(), TableSet::kLive, OrderKey("t1", "c", 1)) != "(none)");
  CHECK(Stored(*store, Items(), TableSet::kShadow, ItemKey("t1", "new")) ==
        Describe(ItemRow("t1", "new", 2)));
  CHECK(StoredCheckpoint(*store, "proj") == Describe(MakeCheckpoint("proj", 30, 1)));
  if (*wrong == 24) {
    CHECK(StoredCheckpoint(*store, "proj.shadow") ==
          Describe(MakeCheckpoint("proj.shadow", 25, 2)));
  }
  CHECK(StoredCheckpoint(*store, "bystander") == Describe(MakeCheckpoint("bystander", 4)));
}

}  // namespace ledger::read_model_conformance
