// Read-model conformance: the CheckpointStore half (LoadCheckpoint, SaveCheckpoint as a
// compare-and-set), DeleteCheckpoint and LoadCheckpoints. Included only by
// read_model_store_conformance.h.

namespace ledger::read_model_conformance {

TEST_CASE_TEMPLATE_DEFINE("read model store: checkpoints are compare-and-set", F,
                          read_model_checkpoints) {
  std::unique_ptr<ReadModelStore> store = F::Open();
  REQUIRE(store != nullptr);
  CHECK(StoredCheckpoint(*store, "orders") == "(none)");

  SUBCASE("every field round-trips") {
    Checkpoint c{.name = "orders",
                 .version = 4'000'000'000u,
                 .position = GlobalPosition(std::uint64_t{1} << 53),
                 .events = 9'007'199'254'740'993u,
                 .updated_at = Timestamp(-86'400'000'001)};
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, c)));
    Result<std::optional<Checkpoint>> loaded = store->LoadCheckpoint("orders");
    REQUIRE(loaded.ok());
    REQUIRE(loaded->has_value());
    CHECK(**loaded == c);
  }

  SUBCASE("a checkpoint is created only when expected absent") {
    CHECK(store->SaveCheckpoint(Move(0, MakeCheckpoint("orders", 1))).code() ==
          StatusCode::kConflict);
    CHECK(StoredCheckpoint(*store, "orders") == "(none)");
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("orders", 1))));
    CHECK(StoredCheckpoint(*store, "orders") == Describe(MakeCheckpoint("orders", 1)));
  }

  SUBCASE("a move needs the stored position") {
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("orders", 5))));
    CHECK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("orders", 6))).code() ==
          StatusCode::kConflict);
    CHECK(store->SaveCheckpoint(Move(4, MakeCheckpoint("orders", 6))).code() ==
          StatusCode::kConflict);
    CHECK(store->SaveCheckpoint(Move(6, MakeCheckpoint("orders", 6))).code() ==
          StatusCode::kConflict);
    CHECK(StoredCheckpoint(*store, "orders") == Describe(MakeCheckpoint("orders", 5)));
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(5, MakeCheckpoint("orders", 9, 2))));
    CHECK(StoredCheckpoint(*store, "orders") == Describe(MakeCheckpoint("orders", 9, 2)));
  }

  SUBCASE("position 0 is a stored position, not absence") {
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("orders", 0))));
    CHECK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("orders", 1))).code() ==
          StatusCode::kConflict);
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(0, MakeCheckpoint("orders", 1))));
    CHECK(StoredCheckpoint(*store, "orders") == Describe(MakeCheckpoint("orders", 1)));
  }

  SUBCASE("a move may go backwards (a rebuild restarts at 0)") {
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("orders", 7))));
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(7, MakeCheckpoint("orders", 0, 2))));
    CHECK(StoredCheckpoint(*store, "orders") == Describe(MakeCheckpoint("orders", 0, 2)));
  }

  SUBCASE("checkpoints are independent and listed by name") {
    for (const char* name : {"orders", "content.v2", "canary", "content"}) {
      LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint(name, 3))));
    }
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(3, MakeCheckpoint("content", 4))));
    Result<std::vector<Checkpoint>> all = store->LoadCheckpoints();
    REQUIRE_MESSAGE(all.ok(), all.status().ToString());
    CHECK(Describe(*all) == Describe(std::vector<Checkpoint>{
                                MakeCheckpoint("canary", 3), MakeCheckpoint("content", 4),
                                MakeCheckpoint("content.v2", 3), MakeCheckpoint("orders", 3)}));
  }

  SUBCASE("no checkpoints, an empty list") {
    Result<std::vector<Checkpoint>> all = store->LoadCheckpoints();
    REQUIRE(all.ok());
    CHECK(all->empty());
  }
}

TEST_CASE_TEMPLATE_DEFINE("read model store: DeleteCheckpoint", F, read_model_delete_checkpoint) {
  std::unique_ptr<ReadModelStore> store = F::Open();
  REQUIRE(store != nullptr);
  LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("orders", 8))));
  LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("content", 8))));

  SUBCASE("at the expected position: gone, the others stay") {
    LEDGER_RM_REQUIRE_OK(store->DeleteCheckpoint("orders", GlobalPosition(8)));
    CHECK(StoredCheckpoint(*store, "orders") == "(none)");
    CHECK(StoredCheckpoint(*store, "content") == Describe(MakeCheckpoint("content", 8)));
    // Gone means absent: it can be created again.
    LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("orders", 1))));
  }

  SUBCASE("elsewhere: Conflict, and it stays") {
    CHECK(store->DeleteCheckpoint("orders", GlobalPosition(7)).code() == StatusCode::kConflict);
    CHECK(StoredCheckpoint(*store, "orders") == Describe(MakeCheckpoint("orders", 8)));
  }

  SUBCASE("an absent checkpoint: nothing to delete, no error") {
    LEDGER_RM_REQUIRE_OK(store->DeleteCheckpoint("never", GlobalPosition(0)));
    Result<std::vector<Checkpoint>> all = store->LoadCheckpoints();
    REQUIRE(all.ok());
    CHECK(all->size() == 2);
  }
}

}  // namespace ledger::read_model_conformance
