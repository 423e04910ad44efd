// ReadModelReader conformance cases. Included only by read_model_reader_conformance.h.

#include <algorithm>
#include <limits>
#include <random>

namespace ledger::reader_conformance {

inline constexpr std::int64_t kMinInt = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

TEST_CASE_TEMPLATE_DEFINE("reader: a tenant sees its own rows only", F, reader_tenant_scope) {
  Harness h(F::Open());
  h.Put({Item("t1", "a"), Item("t1", "b"), Item("t2", "a"), Item("T1", "z"), Item("t10", "c")});
  ListQuery query = Query(Items(), {"item_id"});
  CHECK(Ids(h.CheckSame(TenantScope("t1"), query)) == "a b");
  CHECK(Ids(h.CheckSame(TenantScope("t2"), query)) == "a");
  CHECK(Ids(h.CheckSame(TenantScope("T1"), query)) == "z");  // tenants compare exactly
  CHECK(Ids(h.CheckSame(TenantScope("t3"), query)).empty());
  // A filter naming another tenant does not widen the scope.
  query.filters = {Filter{"tenant_id", FilterOp::kEqual, Value(std::string("t2"))}};
  CHECK(Ids(h.CheckSame(TenantScope("t1"), query)).empty());
}

TEST_CASE_TEMPLATE_DEFINE("reader: a customer sees its own rows of customer-scoped tables only", F,
                          reader_customer_scope) {
  Harness h(F::Open());
  h.Put({Order("t1", 1, "c1"), Order("t1", 2, "c2"), Order("t1", 3, std::nullopt),
         Order("t1", 4, "c1"), Order("t2", 5, "c1")});
  h.Put({Item("t1", "a"), Item("t1", "b"), Item("t2", "c")});
  ListQuery orders = Query(Orders(), {"order_no"});
  CHECK(Ids(h.CheckSame(CustomerScope("t1", "c1"), orders)) == "1 4");
  CHECK(Ids(h.CheckSame(CustomerScope("t1", "c2"), orders)) == "2");
  CHECK(Ids(h.CheckSame(CustomerScope("t1", "c3"), orders)).empty());
  CHECK(Ids(h.CheckSame(CustomerScope("t2", "c1"), orders)) == "5");
  // A tenant's admin (no customer) sees every order, one with no customer too.
  CHECK(Ids(h.CheckSame(TenantScope("t1"), orders)) == "1 2 3 4");
  // A customer's filter on another customer finds nothing.
  orders.filters = {Filter{"customer_id", FilterOp::kEqual, Value(std::string("c2"))}};
  CHECK(Ids(h.CheckSame(CustomerScope("t1", "c1"), orders)).empty());
  CHECK(Ids(h.CheckSame(TenantScope("t1"), orders)) == "2");
  // Tables that are not customer-scoped show a customer the whole tenant's rows.
  CHECK(Ids(h.CheckSame(CustomerScope("t1", "c1"), Query(Items(), {"item_id"}))) == "a b");
}

// Items with every nullable column NULL in some rows, for the filter and order cases.
inline std::vector<Row> FilterRows() {
  std::vector<Row> rows;
  const char* titles[] = {"", "b", "B", "é", "zz"};
  const std::int64_t scores[] = {kMinInt, -1, 0, 5, kMaxInt};
  const Timestamp times[] = {Timestamp(-1'000'000), Timestamp(kT0.value() - 1), kT0,
                             Timestamp(kT0.value() + 1), Timestamp(kT0.value() + 86'400'000'000)};
  for (int i = 0; i < 12; ++i) {
    Row row = Item("t1", "i" + std::to_string(10 + i), i % 3 == 0 ? "paid" : "new", i % 4 - 2);
    row.SetBool("flag", i % 2 == 0).SetTime("at", times[i % 5]);
    if (i % 6 != 5) {  // rows 5 and 11 keep every nullable column NULL
      row.SetText("title", titles[i % 5]).SetInt("score", scores[(i + 1) % 5]);
      row.SetBool("active", i % 4 < 2).SetTime("due_at", times[(i + 2) % 5]);
      row.SetJson("attrs", R"({"b":1,"a":[true,null]})");
    }
    rows.push_back(row);
  }
  rows.push_back(Item("t2", "other", "paid", 0));  // another tenant's row matches many filters
  return rows;
}

TEST_CASE_TEMPLATE_DEFINE("reader: every filter on every type, NULL matching none", F,
                          reader_filters) {
  Harness h(F::Open());
  h.Put(FilterRows());
  const Scope scope = TenantScope("t1");
  struct Probe {
    std::string column;
    std::vector<Value> values;
  };
  const std::vector<Probe> probes{
      {"title",
       {Value(std::string()), Value(std::string("b")), Value(std::string("é")),
        Value(std::string("zzz"))}},
      {"status", {Value(std::string("new")), Value(std::string("paid"))}},
      {"score", {Value(kMinInt), Value(std::int64_t{-1}), Value(std::int64_t{0}), Value(kMaxInt)}},
      {"rank", {Value(std::int64_t{-2}), Value(std::int64_t{0})}},
      {"active", {Value(false), Value(true)}},
      {"flag", {Value(false), Value(true)}},
      {"due_at", {Value(Timestamp(-1'000'000)), Value(kT0), Value(Timestamp(kT0.value() + 1))}},
      {"at", {Value(Timestamp(kT0.value() - 1)), Value(kT0)}},
  };
  for (const Probe& probe : probes) {
    for (FilterOp op : {FilterOp::kEqual, FilterOp::kAtLeast, FilterOp::kBefore}) {
      for (const Value& value : probe.values) {
        INFO(probe.column << " op " << static_cast<int>(op) << " " << Describe(value));
        ListQuery query = Query(Items(), {"item_id"}, {Filter{probe.column, op, value}});
        for (const Row& row : h.CheckSame(scope, query)) CHECK_FALSE(row.IsNull(probe.column));
      }
    }
  }
  SUBCASE("by hand") {
    auto ids = [&](std::vector<Filter> filters) {
      return Ids(h.CheckSame(scope, Query(Items(), {"item_id"}, std::move(filters))));
    };
    CHECK(ids({Filter{"title", FilterOp::kEqual, Value(std::string("b"))}}) == "i11 i16");
    // Bytewise: "B" < "b" < "zz" < "é".
    CHECK(ids({Filter{"title", FilterOp::kAtLeast, Value(std::string("b"))}}) ==
          "i11 i13 i14 i16 i18 i19");
    CHECK(ids({Filter{"title", FilterOp::kBefore, Value(std::string("b"))}}) == "i10 i12 i17 i20");
    // NULL is neither below nor at least anything.
    CHECK(ids({Filter{"score", FilterOp::kAtLeast, Value(kMinInt)}}) ==
          "i10 i11 i12 i13 i14 i16 i17 i18 i19 i20");
    CHECK(ids({Filter{"active", FilterOp::kEqual, Value(false)}}) == "i12 i13 i16 i17 i20");
    // A range: at in [kT0, kT0 + 1µs), with a second condition.
    CHECK(ids({Filter{"at", FilterOp::kAtLeast, Value(kT0)},
               Filter{"at", FilterOp::kBefore, Value(Timestamp(kT0.value() + 1))},
               Filter{"status", FilterOp::kEqual, Value(std::string("new"))}}) == "i12 i17");
  }
}

TEST_CASE_TEMPLATE_DEFINE("reader: ascending and descending over several columns", F,
                          reader_order) {
  Harness h(F::Open());
  Row a = Item("t1", "a", "paid", 2);
  Row b = Item("t1", "b", "new", 1);
  Row c = Item("t1", "c", "paid", 1);
  Row d = Item("t1", "d", "new", 3);
  Row e = Item("t1", "é", "Paid", -7);
  b.SetBool("flag", true);
  d.SetBool("flag", true);
  c.SetTime("at", Timestamp(kT0.value() - 5));
  h.Put({a, b, c, d, e});
  const Scope scope = TenantScope("t1");
  auto ids = [&](std::vector<std::string> order_by, bool descending) {
    return Ids(h.CheckSame(scope, Query(Items(), std::move(order_by), {}, descending)));
  };
  CHECK(ids({"item_id"}, false) == "a b c d é");
  CHECK(ids({"item_id"}, true) == "é d c b a");
  CHECK(ids({"status", "item_id"}, false) == "é b d a c");
  CHECK(ids({"status", "item_id"}, true) == "c a d b é");
  CHECK(ids({"rank", "item_id"}, false) == "é b c a d");
  CHECK(ids({"flag", "rank", "item_id"}, false) == "é c a b d");
  CHECK(ids({"flag", "rank", "item_id"}, true) == "d b a c é");
  CHECK(ids({"at", "item_id"}, true) == "é d b a c");
  // The key column need not come last.
  CHECK(ids({"item_id", "status"}, true) == "é d c b a");
}

// Random items of t1 (and some of t2, never seen): ids with bytes >= 0x80, negative and
// extreme ranks, many equal leading sort values.
inline std::vector<Row> RandomItems(std::uint32_t seed, int count) {
  std::mt19937 rng(seed);
  const char* id_parts[] = {"a", "B", "é", "€", "😀", "0", "zz", "-"};
  const char* statuses[] = {"new", "paid", "é", "Z"};
  const std::int64_t ranks[] = {kMinInt, -5, -1, 0, 3, kMaxInt};
  std::vector<Row> rows;
  std::vector<std::string> used;
  while (static_cast<int>(rows.size()) < count) {
    std::string id;
    for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n) id += id_parts[rng() % 8];
    if (std::find(used.begin(), used.end(), id) != used.end()) continue;
    used.push_back(id);
    Row row = Item(rng() % 5 == 0 ? "t2" : "t1", id, statuses[rng() % 4], ranks[rng() % 6]);
    row.SetBool("flag", rng() % 2 == 0);
    row.SetTime("at", Timestamp(kT0.value() + static_cast<std::int64_t>(rng() % 3) - 1));
    rows.push_back(row);
  }
  return rows;
}

// Pages through `query` with every page size from 1 to one past the number of visible rows;
// checks that each page is the reference's and that the pages together are the reference's
// whole answer, every row once.
inline void CheckPaging(Harness& h, const Scope& scope, ListQuery query) {
  query.limit = kMaxListLimit;
  query.after.reset();
  const std::string all = Describe(h.Expected(scope, query));
  const std::size_t visible = h.Expected(scope, query).size();
  REQUIRE(visible > 3);
  for (std::size_t size = 1; size <= visible + 1; ++size) {
    INFO("page size " << size);
    query.limit = size;
    query.after.reset();
    std::vector<Row> seen;
    for (std::size_t pages = 0; pages <= visible + 1; ++pages) {
      std::vector<Row> page = h.List(scope, query);
      std::vector<Row> expected = h.Expected(scope, query);
      CHECK(Describe(page) == Describe(expected));
      if (Describe(page) != Describe(expected)) return;  // one report is enough
      seen.insert(seen.end(), page.begin(), page.end());
      if (page.size() < size) break;
      query.after = CursorAfter(query, page.back());
    }
    CHECK(Describe(seen) == all);
  }
}

TEST_CASE_TEMPLATE_DEFINE("reader: paging visits every visible row once, in order", F,
                          reader_paging) {
  Harness h(F::Open());
  h.Put(RandomItems(20261124, 28));
  std::vector<Row> orders;
  for (std::int64_t n = -6; n < 18; ++n) {
    orders.push_back(Order(n % 7 == 0 ? "t2" : "t1", n, n % 3 == 0 ? "c1" : "c2", n % 4));
  }
  h.Put(orders);
  const Scope t1 = TenantScope("t1");
  for (bool descending : {false, true}) {
    INFO("descending " << descending);
    CheckPaging(h, t1, Query(Items(), {"item_id"}, {}, descending));
    CheckPaging(h, t1, Query(Items(), {"status", "item_id"}, {}, descending));
    CheckPaging(h, t1, Query(Items(), {"rank", "flag", "item_id"}, {}, descending));
    CheckPaging(h, t1, Query(Items(), {"at", "status", "item_id"}, {}, descending));
    CheckPaging(
        h, t1,
        Query(Items(), {"item_id"},
              {Filter{"status", FilterOp::kAtLeast, Value(std::string("paid"))}}, descending));
    CheckPaging(h, CustomerScope("t1", "c2"),
                Query(Orders(), {"total", "order_no"}, {}, descending));
  }
}

TEST_CASE_TEMPLATE_DEFINE("reader: a cursor between rows or past the end", F, reader_cursor) {
  Harness h(F::Open());
  h.Put({Item("t1", "a", "new"), Item("t1", "c", "paid"), Item("t1", "e", "new"),
         Item("t1", "é", "paid")});
  const Scope scope = TenantScope("t1");
  auto after = [&](std::vector<std::string> order_by, Key cursor, bool descending) {
    ListQuery query = Query(Items(), std::move(order_by), {}, descending);
    query.after = std::move(cursor);
    return Ids(h.CheckSame(scope, query));
  };
  auto text = [](const char* s) { return Value(std::string(s)); };
  CHECK(after({"item_id"}, {text("")}, false) == "a c e é");
  CHECK(after({"item_id"}, {text("b")}, false) == "c e é");
  CHECK(after({"item_id"}, {text("c")}, false) == "e é");  // strictly after
  CHECK(after({"item_id"}, {text("e\x7f")}, false) == "é");
  CHECK(after({"item_id"}, {text("é")}, false).empty());
  CHECK(after({"item_id"}, {text("\xf4\x8f\xbf\xbf")}, false).empty());  // past the end
  CHECK(after({"item_id"}, {text("d")}, true) == "c a");
  CHECK(after({"item_id"}, {text("a")}, true).empty());
  CHECK(after({"item_id"}, {text("zz")}, true) == "e c a");
  CHECK(after({"status", "item_id"}, {text("new"), text("b")}, false) == "e c é");
  CHECK(after({"status", "item_id"}, {text("new"), text("zz")}, false) == "c é");
  CHECK(after({"status", "item_id"}, {text("paid"), text("d")}, true) == "c e a");
  CHECK(after({"status", "item_id"}, {text("o"), text("")}, false) == "c é");
}

TEST_CASE_TEMPLATE_DEFINE("reader: limit", F, reader_limit) {
  Harness h(F::Open());
  h.Put({Item("t1", "a"), Item("t1", "b"), Item("t1", "c"), Item("t1", "d"), Item("t1", "e")});
  const Scope scope = TenantScope("t1");
  CHECK(Ids(h.CheckSame(scope, Query(Items(), {"item_id"}, {}, false, 1))) == "a");
  CHECK(Ids(h.CheckSame(scope, Query(Items(), {"item_id"}, {}, true, 3))) == "e d c");
  CHECK(Ids(h.CheckSame(scope, Query(Items(), {"item_id"}, {}, false, 5))) == "a b c d e");
  CHECK(Ids(h.CheckSame(scope, Query(Items(), {"item_id"}, {}, false, kMaxListLimit))) ==
        "a b c d e");
}

TEST_CASE_TEMPLATE_DEFINE("reader: every invalid query is InvalidArgument", F, reader_invalid) {
  Harness h(F::Open());
  h.Put({Item("t1", "a")});
  const Scope ok_scope = TenantScope("t1");
  const ListQuery ok = Query(Items(), {"item_id"});
  REQUIRE(h.Code(ok_scope, ok) == StatusCode::kOk);
  auto with = [&](auto change) {
    ListQuery query = ok;
    change(query);
    return query;
  };
  auto text = [](const char* s) { return Value(std::string(s)); };
  struct Case {
    const char* what;
    Scope scope;
    ListQuery query;
  };
  const std::vector<Case> cases{
      {"empty tenant", TenantScope(""), ok},
      {"tenant '*'", TenantScope("*"), ok},
      {"empty customer", CustomerScope("t1", ""), ok},
      {"no table", ok_scope, with([](ListQuery& q) { q.table = nullptr; })},
      {"filter on an unknown column", ok_scope, with([&](ListQuery& q) {
         q.filters = {Filter{"nope", FilterOp::kEqual, text("x")}};
       })},
      {"NULL filter value", ok_scope, with([](ListQuery& q) {
         q.filters = {Filter{"title", FilterOp::kEqual, Value()}};
       })},
      {"filter value of another type", ok_scope, with([](ListQuery& q) {
         q.filters = {Filter{"rank", FilterOp::kAtLeast, Value(std::string("1"))}};
       })},
      {"filter on JSON", ok_scope, with([](ListQuery& q) {
         q.filters = {Filter{"attrs", FilterOp::kEqual, Value(JsonText{"{}"})}};
       })},
      {"empty order", ok_scope, with([](ListQuery& q) { q.order_by.clear(); })},
      {"order by an unknown column", ok_scope, with([](ListQuery& q) {
         q.order_by = {"nope", "item_id"};
       })},
      {"order by a column twice", ok_scope, with([](ListQuery& q) {
         q.order_by = {"item_id", "item_id"};
       })},
      {"order by a nullable column", ok_scope, with([](ListQuery& q) {
         q.order_by = {"title", "item_id"};
       })},
      {"order without the key", ok_scope, with([](ListQuery& q) { q.order_by = {"status"}; })},
      {"cursor too short", ok_scope, with([&](ListQuery& q) {
         q.order_by = {"status", "item_id"};
         q.after = Key{text("new")};
       })},
      {"cursor too long", ok_scope, with([&](ListQuery& q) {
         q.after = Key{text("a"), text("b")};
       })},
      {"NULL in the cursor", ok_scope, with([](ListQuery& q) { q.after = Key{Value()}; })},
      {"cursor value of another type", ok_scope,
       with([](ListQuery& q) { q.after = Key{Value(std::int64_t{1})}; })},
      {"limit 0", ok_scope, with([](ListQuery& q) { q.limit = 0; })},
      {"limit too large", ok_scope, with([](ListQuery& q) { q.limit = kMaxListLimit + 1; })},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(h.Code(c.scope, c.query) == StatusCode::kInvalidArgument);
  }
}

TEST_CASE_TEMPLATE_DEFINE("reader: a table not created yet is FailedPrecondition", F,
                          reader_missing_table) {
  Harness h(F::Open());
  ListQuery query = Query(Missing(), {"item_id"});
  CHECK(h.Code(TenantScope("t1"), query) == StatusCode::kFailedPrecondition);
  query.filters = {Filter{"status", FilterOp::kEqual, Value(std::string("new"))}};
  query.after = Key{Value(std::string("a"))};
  CHECK(h.Code(CustomerScope("t1", "c1"), query) == StatusCode::kFailedPrecondition);
}

TEST_CASE_TEMPLATE_DEFINE("reader: rows of a rebuild's shadow tables are never returned", F,
                          reader_shadow) {
  Harness h(F::Open());
  h.Put({Item("t1", "live")});
  std::vector<TableSpec> both{Items(), Orders()};
  LEDGER_READER_REQUIRE_OK(h.store().CreateTables(both, TableSet::kShadow));
  Row shadow_item = Item("t1", "shadow");
  Row shadow_order = Order("t1", 1, "c1");
  CommitRequest request;
  request.set = TableSet::kShadow;
  request.changes = {RowChange{&Items(), shadow_item.PrimaryKey(), shadow_item},
                     RowChange{&Orders(), shadow_order.PrimaryKey(), shadow_order}};
  LEDGER_READER_REQUIRE_OK(h.store().Commit(request));
  CHECK(Ids(h.CheckSame(TenantScope("t1"), Query(Items(), {"item_id"}))) == "live");
  CHECK(Ids(h.CheckSame(TenantScope("t1"), Query(Orders(), {"order_no"}))).empty());
  // With no live table, the shadow one is not read in its place.
  std::vector<TableSpec> orders{Orders()};
  LEDGER_READER_REQUIRE_OK(h.store().DropTables(orders, TableSet::kLive));
  CHECK(h.Code(TenantScope("t1"), Query(Orders(), {"order_no"})) ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE_TEMPLATE_DEFINE("reader: LoadCheckpoints reads every checkpoint by name", F,
                          reader_checkpoints) {
  Harness h(F::Open());
  auto describe = [](const std::vector<Checkpoint>& all) {
    std::string out;
    for (const Checkpoint& c : all) {
      out += c.name + "{v" + std::to_string(c.version) + " @" + std::to_string(c.position.value()) +
             " n" + std::to_string(c.events) + " t" + std::to_string(c.updated_at.value()) + "} ";
    }
    return out;
  };
  Result<std::vector<Checkpoint>> none = h.reader().LoadCheckpoints();
  REQUIRE_MESSAGE(none.ok(), none.status().ToString());
  CHECK(none->empty());
  for (const char* name : {"orders", "canary", "orders#rebuild"}) {
    CheckpointMove move;
    move.next = Checkpoint{.name = name,
                           .version = 3,
                           .position = GlobalPosition(std::string_view(name).size()),
                           .events = 7,
                           .updated_at = Timestamp(kT0.value() + 1)};
    LEDGER_READER_REQUIRE_OK(h.store().SaveCheckpoint(move));
  }
  Result<std::vector<Checkpoint>> all = h.reader().LoadCheckpoints();
  REQUIRE_MESSAGE(all.ok(), all.status().ToString());
  CHECK(describe(*all) ==
        "canary{v3 @6 n7 t1795000000000001} orders{v3 @6 n7 t1795000000000001} "
        "orders#rebuild{v3 @14 n7 t1795000000000001} ");
  Result<std::vector<Checkpoint>> stored = h.store().LoadCheckpoints();
  REQUIRE(stored.ok());
  CHECK(describe(*all) == describe(*stored));
}

TEST_CASE_TEMPLATE_DEFINE(
    "reader: ReadTogether answers each query as List does, with the checkpoints, in any scope "
    "order",
    F, reader_together) {
  Harness h(F::Open());
  h.Put({Item("t1", "a", "new", 1), Item("t1", "b", "paid", 2), Item("t2", "c", "new", 3),
         Order("t1", 1, "c1"), Order("t1", 2, "c2"), Order("t2", 3, "c1")});
  CheckpointMove move;
  move.next = Checkpoint{.name = "orders",
                         .version = 1,
                         .position = GlobalPosition(42),
                         .events = 5,
                         .updated_at = Timestamp(kT0.value() + 9)};
  LEDGER_READER_REQUIRE_OK(h.store().SaveCheckpoint(move));
  std::vector<ListQuery> queries{
      Query(Items(), {"item_id"}),
      Query(Orders(), {"order_no"}),
      Query(Items(), {"item_id"}, {Filter{"status", FilterOp::kEqual, Value(std::string("new"))}}),
  };
  // Alternating scopes, more often than PostgreSQL needs to switch a prepared statement to a
  // generic plan: a cached statement must never carry one scope's rows into another's answer.
  const std::vector<Scope> scopes{TenantScope("t1"), CustomerScope("t1", "c2"), TenantScope("t2"),
                                  CustomerScope("t2", "c9")};
  for (int round = 0; round < 3; ++round) {
    for (const Scope& scope : scopes) {
      CAPTURE(scope.tenant_id);
      CAPTURE(scope.customer_id.value_or("-"));
      Result<ReadSet> set = h.reader().ReadTogether(scope, queries, round % 2 == 0);
      REQUIRE_MESSAGE(set.ok(), set.status().ToString());
      REQUIRE(set->lists.size() == queries.size());
      for (std::size_t i = 0; i < queries.size(); ++i) {
        CHECK(Describe(set->lists[i]) == Describe(h.Expected(scope, queries[i])));
        CHECK(Describe(set->lists[i]) == Describe(h.List(scope, queries[i])));
      }
      if (round % 2 == 0) {
        REQUIRE(set->checkpoints.size() == 1);
        CHECK(set->checkpoints[0].name == "orders");
        CHECK(set->checkpoints[0].position == GlobalPosition(42));
      } else {
        CHECK(set->checkpoints.empty());
      }
    }
  }
  Result<ReadSet> none = h.reader().ReadTogether(TenantScope("t1"), {}, true);
  REQUIRE_MESSAGE(none.ok(), none.status().ToString());
  CHECK(none->lists.empty());
  CHECK(none->checkpoints.size() == 1);
}

TEST_CASE_TEMPLATE_DEFINE(
    "reader: ReadTogether fails whole for a missing table or a bad query, and the reader goes on",
    F, reader_together_errors) {
  Harness h(F::Open());
  h.Put({Item("t1", "a")});
  std::vector<ListQuery> with_missing{Query(Items(), {"item_id"}), Query(Missing(), {"item_id"})};
  CHECK(h.reader().ReadTogether(TenantScope("t1"), with_missing, true).status().code() ==
        StatusCode::kFailedPrecondition);
  std::vector<ListQuery> with_invalid{Query(Items(), {"item_id"}), Query(Items(), {"no_such"})};
  CHECK(h.reader().ReadTogether(TenantScope("t1"), with_invalid, false).status().code() ==
        StatusCode::kInvalidArgument);
  // Each failure left its connection usable (rolled back, its settings gone).
  for (int i = 0; i < 6; ++i) {
    std::vector<ListQuery> fine{Query(Items(), {"item_id"})};
    Result<ReadSet> set = h.reader().ReadTogether(TenantScope("t1"), fine, false);
    REQUIRE_MESSAGE(set.ok(), set.status().ToString());
    CHECK(Ids(set->lists[0]) == "a");
    CHECK(h.reader().ReadTogether(TenantScope("t1"), with_missing, false).status().code() ==
          StatusCode::kFailedPrecondition);
  }
}

}  // namespace ledger::reader_conformance
