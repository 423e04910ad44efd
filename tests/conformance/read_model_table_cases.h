// Read-model conformance: creating and dropping tables, fetching rows, and every column type
// surviving a round trip. Included only by read_model_store_conformance.h.

namespace ledger::read_model_conformance {

TEST_CASE_TEMPLATE_DEFINE("read model store: CreateTables and DropTables", F,
                          read_model_create_drop) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  MustCommit(*store, Live({Upsert(ItemRow("t1", "a", 1))}));

  SUBCASE("creating existing tables again keeps them and their rows") {
    LEDGER_RM_REQUIRE_OK(store->CreateTables(BothTables(), TableSet::kLive));
    CHECK(FetchOne(*store, Items(), TableSet::kLive, ItemKey("t1", "a")).has_value());
  }

  SUBCASE("an invalid declaration is refused") {
    TableSpec no_tenant{.name = "conf_bad",
                        .columns = {{"item_id", ColumnType::kText, false}},
                        .primary_key = {"item_id"},
                        .customer_scoped = false,
                        .indexes = {}};
    TableSpec bad_name = Items();
    bad_name.name = "Conf-Items";
    TableSpec unscoped_customer = Orders();
    unscoped_customer.name = "conf_unscoped";
    unscoped_customer.customer_scoped = false;
    for (const TableSpec& bad : {no_tenant, bad_name, unscoped_customer}) {
      CAPTURE(bad.name);
      CHECK(store->CreateTables(std::span(&bad, 1), TableSet::kLive).code() ==
            StatusCode::kInvalidArgument);
      CHECK(store->CreateTables(std::span(&bad, 1), TableSet::kShadow).code() ==
            StatusCode::kInvalidArgument);
    }
    // The tables already there are untouched.
    CHECK(FetchOne(*store, Items(), TableSet::kLive, ItemKey("t1", "a")).has_value());
  }

  SUBCASE("dropped tables lose their rows; dropping absent tables is no error") {
    LEDGER_RM_REQUIRE_OK(store->DropTables(BothTables(), TableSet::kLive));
    LEDGER_RM_REQUIRE_OK(store->DropTables(BothTables(), TableSet::kLive));
    LEDGER_RM_REQUIRE_OK(store->DropTables(BothTables(), TableSet::kShadow));
    // A table that does not exist cannot be read (which error is the backend's choice).
    Key key = ItemKey("t1", "a");
    CHECK_FALSE(store->Fetch(Items(), TableSet::kLive, std::span(&key, 1)).ok());
    LEDGER_RM_REQUIRE_OK(store->CreateTables(BothTables(), TableSet::kLive));
    CHECK(Stored(*store, Items(), TableSet::kLive, key) == "(none)");
    CHECK(ScannedKeys(*store, Items()).empty());
  }

  SUBCASE("tables can be created one at a time and are independent") {
    LEDGER_RM_REQUIRE_OK(store->DropTables(std::span(&Orders(), 1), TableSet::kLive));
    CHECK(FetchOne(*store, Items(), TableSet::kLive, ItemKey("t1", "a")).has_value());
    LEDGER_RM_REQUIRE_OK(store->CreateTables(std::span(&Orders(), 1), TableSet::kLive));
    CHECK(ScannedKeys(*store, Orders()).empty());
    CHECK(ScannedKeys(*store, Items()) == "t1/a");
  }
}

TEST_CASE_TEMPLATE_DEFINE("read model store: Fetch", F, read_model_fetch) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  MustCommit(*store, Live({Upsert(ItemRow("t1", "a", 1)), Upsert(ItemRow("t1", "b", 2)),
                           Upsert(ItemRow("t2", "a", 3)), Upsert(OrderRow("t1", "c1", 7, 700))}));

  SUBCASE("rows come back in the order of the keys, nullopt where there is none") {
    std::vector<Key> keys{ItemKey("t2", "a"), ItemKey("t1", "zz"), ItemKey("t1", "a"),
                          ItemKey("t9", "b"), ItemKey("t1", "b"),  ItemKey("t2", "a")};
    Result<std::vector<std::optional<Row>>> rows = store->Fetch(Items(), TableSet::kLive, keys);
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    REQUIRE(rows->size() == keys.size());
    std::vector<std::string> quantities;
    for (const std::optional<Row>& row : *rows) {
      quantities.push_back(row ? std::to_string(row->Int("quantity")) : "-");
      if (row) CHECK(row->PrimaryKey() == keys[quantities.size() - 1]);
    }
    CHECK(quantities == std::vector<std::string>{"3", "-", "1", "-", "2", "3"});
  }

  SUBCASE("no keys, no rows") {
    Result<std::vector<std::optional<Row>>> rows =
        store->Fetch(Items(), TableSet::kLive, std::span<const Key>());
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    CHECK(rows->empty());
  }

  SUBCASE("an integer key part matches by value") {
    CHECK(Stored(*store, Orders(), TableSet::kLive, OrderKey("t1", "c1", 7)) ==
          Describe(OrderRow("t1", "c1", 7, 700)));
    CHECK(Stored(*store, Orders(), TableSet::kLive, OrderKey("t1", "c1", 70)) == "(none)");
    CHECK(Stored(*store, Orders(), TableSet::kLive, OrderKey("t1", "C1", 7)) == "(none)");
  }

  SUBCASE("the returned rows belong to the table asked for") {
    std::optional<Row> row = FetchOne(*store, Items(), TableSet::kLive, ItemKey("t1", "a"));
    REQUIRE(row.has_value());
    CHECK(row->spec().name == Items().name);
    CHECK(row->values().size() == Items().columns.size());
  }
}

TEST_CASE_TEMPLATE_DEFINE("read model store: every column type round-trips", F,
                          read_model_round_trip) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

  std::vector<Row> rows;
  rows.push_back(
      ItemRow("t1", "unicode", 0)
          .SetText("title", "Grüße, 世界 🚀 \"quoted\" it's\nnew line\ttab")
          .SetBool("active", true)
          .SetTime("due_at", Timestamp(kT0.value() + 123'456))
          .SetJson("attrs", R"({"zeta":1,"alpha":[true,null,{"y":"é","x":2.5}],"m":{}})"));
  rows.push_back(ItemRow("t1", "", kMin)  // an empty string is a value, also in a key
                     .SetText("title", "")
                     .SetBool("active", false)
                     .SetTime("due_at", Timestamp(-1))  // 1969-12-31T23:59:59.999999Z
                     .SetJson("attrs", "[]"));
  rows.push_back(ItemRow("t1", "max", kMax)
                     .SetTime("due_at", Timestamp(-62'135'596'800'000'000 + 1))  // 0001-01-01
                     .SetJson("attrs", R"("just a string")"));
  rows.push_back(ItemRow("t1", "late", -1)
                     .SetTime("due_at", Timestamp(253'402'300'799'999'999))  // 9999-12-31
                     .SetJson("attrs", R"({"n":-12345678901,"s":"\u00e9\n","b":false})"));
  rows.push_back(ItemRow("t1", "nulls", 42));  // every nullable column NULL
  rows.push_back(
      ItemRow("t1", "json-null", 5).SetJson("attrs", "null").SetTime("due_at", Timestamp(0)));
  rows.push_back(ItemRow("Tenant ☃", "ünïcode key", 1).SetText("title", " leading space"));

  CommitRequest request;
  for (const Row& row : rows) request.changes.push_back(Upsert(row));
  MustCommit(*store, request);

  for (const Row& row : rows) {
    std::optional<Row> got = FetchOne(*store, Items(), TableSet::kLive, row.PrimaryKey());
    CHECK(Describe(got) == Describe(row));
    if (!got) continue;
    // Everything but JSON comes back exactly, not just canonically equal.
    for (std::size_t i = 0; i < row.values().size(); ++i) {
      if (Items().columns[i].type == ColumnType::kJson) continue;
      CHECK_MESSAGE(got->values()[i] == row.values()[i], Items().columns[i].name);
    }
  }

  // Scan yields the same values as Fetch. (The visitor does not call the store: a backend may
  // hold a connection for the whole scan.)
  std::vector<Row> scanned;
  LEDGER_RM_REQUIRE_OK(store->Scan(Items(), [&](const Row& row) {
    scanned.push_back(row);
    return Status::Ok();
  }));
  CHECK(scanned.size() == rows.size());
  for (const Row& row : scanned) {
    CHECK(Describe(row) == Describe(FetchOne(*store, Items(), TableSet::kLive, row.PrimaryKey())));
  }
}

}  // namespace ledger::read_model_conformance
