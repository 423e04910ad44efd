// What the conformance suite cannot see of the PostgreSQL read-model store: schemas for
// replay targets, the names PromoteShadow must carry over, values PostgreSQL refuses, large
// chunked scans, and a pooled connection the server killed.
#include <doctest/doctest.h>

#include "tests/postgres/pg_read_model_support.h"

namespace ledger::pgtest {
namespace {

using projections::ColumnType;
using projections::CommitRequest;
using projections::Key;
using projections::Row;
using projections::RowChange;
using projections::TableSet;
using projections::TableSpec;

const TableSpec& Jobs() {
  static const TableSpec spec{.name = "jobs",
                              .columns = {{"tenant_id", ColumnType::kText, false},
                                          {"job_no", ColumnType::kInteger, false},
                                          {"kind", ColumnType::kText, true},
                                          {"due_at", ColumnType::kTimestamp, true},
                                          {"body", ColumnType::kJson, true}},
                              .primary_key = {"tenant_id", "job_no"},
                              .customer_scoped = false,
                              .indexes = {{"tenant_id", "kind"}, {"due_at"}}};
  return spec;
}

Row Job(const std::string& tenant, std::int64_t number) {
  Row row(Jobs());
  row.SetText("tenant_id", tenant).SetInt("job_no", number).SetText("kind", "email");
  return row;
}

CommitRequest Request(TableSet set, const std::vector<Row>& rows,
                      std::vector<CheckpointMove> moves = {}) {
  CommitRequest request;
  request.set = set;
  for (const Row& row : rows) request.changes.push_back(RowChange{&Jobs(), row.PrimaryKey(), row});
  request.checkpoints = std::move(moves);
  return request;
}

CheckpointMove Move(std::optional<std::uint64_t> expected, const std::string& name,
                    std::uint64_t position) {
  CheckpointMove move;
  if (expected) move.expected = GlobalPosition(*expected);
  move.next = Checkpoint{name, 1, GlobalPosition(position), position, Timestamp(position)};
  return move;
}

std::vector<std::string> Names(pg::PgConnection& admin, const std::string& sql) {
  pg::PgResult r = MustExec(admin, sql);
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.Get(i, 0));
  return out;
}

// The indexes of the jobs tables, live and shadow, by name.
std::vector<std::string> JobsIndexes(pg::PgConnection& admin) {
  return Names(admin,
               "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE "
               "'jobs%' ORDER BY 1");
}

std::size_t Count(projections::ReadModelStore& store) {
  std::size_t n = 0;
  Status s = store.Scan(Jobs(), [&](const Row&) {
    ++n;
    return Status::Ok();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return n;
}

}  // namespace

TEST_CASE("pg read models: schema=NAME is taken out of a URL's query") {
  auto split = [](const std::string& url) {
    Result<ReadModelTarget> t = SplitSchemaParameter(url);
    REQUIRE_MESSAGE(t.ok(), t.status().ToString());
    return t->url + " [" + t->schema + "]";
  };
  CHECK(split("postgresql://u@h/db?schema=replay_7") == "postgresql://u@h/db [replay_7]");
  CHECK(split("postgresql://u@h/db?sslmode=disable&schema=r&connect_timeout=3") ==
        "postgresql://u@h/db?sslmode=disable&connect_timeout=3 [r]");
  CHECK(split("postgres://h/db") == "postgres://h/db []");
  CHECK(split("host=h dbname=db") == "host=h dbname=db []");  // key=value: nothing to split
  for (const char* bad : {"postgresql://h/db?schema=", "postgresql://h/db?schema=Replay",
                          "postgresql://h/db?schema=a;drop", "postgresql://h/db?schema=1a"}) {
    CAPTURE(bad);
    CHECK(SplitSchemaParameter(bad).status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("pg read models: a store in another schema is separate, and readers may use it") {
  TestReadModelStore main_store;
  PgReadModelOptions options;
  options.schema = "replay_1";
  Result<std::unique_ptr<PgReadModelStore>> opened =
      PgReadModelStore::Open(main_store.db->Url(), options);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  PgReadModelStore& replay = **opened;
  CHECK(replay.schema() == "replay_1");

  for (PgReadModelStore* store : {main_store.store.get(), &replay}) {
    REQUIRE(store->CreateTables(std::span(&Jobs(), 1), TableSet::kLive).ok());
  }
  REQUIRE(main_store.store->Commit(Request(TableSet::kLive, {Job("t1", 1)},
                                           {Move(std::nullopt, "jobs", 1)})).ok());
  REQUIRE(replay.Commit(Request(TableSet::kLive, {Job("t1", 1), Job("t1", 2)},
                                {Move(std::nullopt, "jobs", 9)})).ok());
  CHECK(Count(*main_store.store) == 1);
  CHECK(Count(replay) == 2);
  CHECK((*main_store.store->LoadCheckpoint("jobs"))->position == GlobalPosition(1));
  CHECK((*replay.LoadCheckpoint("jobs"))->position == GlobalPosition(9));

  // Opening it again finds the schema there; the reader can query it under RLS.
  REQUIRE(PgReadModelStore::Open(main_store.db->Url(), options).ok());
  std::unique_ptr<pg::PgConnection> admin = main_store.db->ConnectAdmin();
  CHECK(RowsAs(*admin, "ledger_reader", "t1", "", "SELECT job_no FROM replay_1.jobs ORDER BY 1") ==
        std::vector<std::string>{"1", "2"});
  CHECK(RowsAs(*admin, "ledger_reader", "", "", "SELECT job_no FROM replay_1.jobs").empty());
  CHECK(Names(*admin, "SELECT nspname || ':' || pg_get_userbyid(nspowner) FROM pg_namespace "
                      "WHERE nspname = 'replay_1'") ==
        std::vector<std::string>{"replay_1:ledger_projector"});
}

TEST_CASE("pg read models: promoting twice carries index names over to the live table") {
  TestReadModelStore t;
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kLive).ok());
  for (std::uint64_t round = 1; round <= 2; ++round) {
    CAPTURE(round);
    REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kShadow).ok());
    // A shadow table is filled with its primary key only; PromoteShadow builds the others.
    CHECK(JobsIndexes(*admin) ==
          std::vector<std::string>{"jobs__shadow_pkey", "jobs_ix1", "jobs_ix2", "jobs_pkey"});
    std::vector<Row> rows;
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(round); ++i) rows.push_back(Job("t1", i));
    REQUIRE(t.store->Commit(Request(TableSet::kShadow, rows,
                                    {Move(std::nullopt, "jobs#rebuild", round)})).ok());
    Status promoted =
        t.store->PromoteShadow(std::span(&Jobs(), 1), "jobs", "jobs#rebuild", GlobalPosition(round));
    REQUIRE_MESSAGE(promoted.ok(), promoted.ToString());
    CHECK(JobsIndexes(*admin) == std::vector<std::string>{"jobs_ix1", "jobs_ix2", "jobs_pkey"});
    CHECK(Count(*t.store) == round);
  }
  // Its JSON column gathers no statistics (nothing filters on it); the others do (-1: the
  // default target).
  CHECK(Names(*admin,
              "SELECT attname || '=' || coalesce(attstattarget, -1) FROM pg_attribute "
              "WHERE attrelid = 'jobs'::regclass AND attname IN ('body', 'kind') ORDER BY 1") ==
        std::vector<std::string>{"body=0", "kind=-1"});
  // The promoted table kept its policies, grants and forced RLS.
  CHECK(Names(*admin, "SELECT policyname FROM pg_policies WHERE tablename = 'jobs' ORDER BY 1")
            .size() == 4);
  CHECK(RowsAs(*admin, "ledger_reader", "t1", "", "SELECT count(*) FROM jobs") ==
        std::vector<std::string>{"2"});
  CHECK(RowsAs(*admin, "ledger_reader", "", "", "SELECT count(*) FROM jobs") ==
        std::vector<std::string>{"0"});
  CHECK(Names(*admin, "SELECT name FROM projection_checkpoints ORDER BY 1") ==
        std::vector<std::string>{"jobs"});
}

TEST_CASE("pg read models: a promotion refused by its checkpoint changes nothing, and the "
          "rebuild promotes later with its indexes and statistics") {
  TestReadModelStore t;
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  const char* estimated_rows = "SELECT reltuples::bigint::text FROM pg_class WHERE relname = ";
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kLive).ok());
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kShadow).ok());
  REQUIRE(t.store->CommitBulk(Request(TableSet::kShadow, {Job("t1", 1), Job("t1", 2)},
                                      {Move(std::nullopt, "jobs#rebuild", 2)}))
              .ok());

  // A stale promoter (its checkpoint moved on) neither swaps nor finishes the shadow table.
  Status stale =
      t.store->PromoteShadow(std::span(&Jobs(), 1), "jobs", "jobs#rebuild", GlobalPosition(1));
  CHECK(stale.code() == StatusCode::kConflict);
  CHECK(JobsIndexes(*admin) ==
        std::vector<std::string>{"jobs__shadow_pkey", "jobs_ix1", "jobs_ix2", "jobs_pkey"});
  // Never analysed: PostgreSQL does not know how many rows it holds.
  CHECK(Names(*admin, std::string(estimated_rows) + "'jobs__shadow'") ==
        std::vector<std::string>{"-1"});
  CHECK(Count(*t.store) == 0);

  // The rebuild goes on, then promotes: the live table has every index and statistics.
  REQUIRE(t.store->CommitBulk(Request(TableSet::kShadow, {Job("t1", 2), Job("t1", 3)},
                                      {Move(2, "jobs#rebuild", 3)}))
              .ok());
  Status promoted =
      t.store->PromoteShadow(std::span(&Jobs(), 1), "jobs", "jobs#rebuild", GlobalPosition(3));
  REQUIRE_MESSAGE(promoted.ok(), promoted.ToString());
  CHECK(JobsIndexes(*admin) == std::vector<std::string>{"jobs_ix1", "jobs_ix2", "jobs_pkey"});
  CHECK(Names(*admin, std::string(estimated_rows) + "'jobs'") == std::vector<std::string>{"3"});
  CHECK(Count(*t.store) == 3);
}

TEST_CASE("pg read models: a live table promoted without its secondary indexes gets them when "
          "its tables are next created") {
  TestReadModelStore t;
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kLive).ok());
  // As an older build's promotion of a shadow table made without them would leave it.
  MustExec(*admin, "DROP INDEX jobs_ix1; DROP INDEX jobs_ix2");
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kLive).ok());
  CHECK(Names(*admin, "SELECT indexname FROM pg_indexes WHERE tablename = 'jobs' ORDER BY 1") ==
        std::vector<std::string>{"jobs_ix1", "jobs_ix2", "jobs_pkey"});
}

TEST_CASE("pg read models: CommitBulk puts rows hinted new straight in; a wrong hint applies "
          "nothing") {
  TestReadModelStore t;
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kShadow).ok());
  REQUIRE(t.store->CommitBulk(Request(TableSet::kShadow, {Job("t1", 1), Job("t1", 2)},
                                      {Move(std::nullopt, "jobs#rebuild", 2)}))
              .ok());
  auto kinds = [&] {
    std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
    return Names(*admin, "SELECT job_no || '=' || kind FROM jobs__shadow ORDER BY job_no");
  };

  // Into a table that is no longer empty: job 3 is hinted new, job 2 is replaced.
  Row replaced = Job("t1", 2);
  replaced.SetText("kind", "sms");
  CommitRequest mixed = Request(TableSet::kShadow, {Job("t1", 3), replaced}, {Move(2, "jobs#rebuild", 3)});
  mixed.new_rows = {true, false};
  Status loaded = t.store->CommitBulk(mixed);
  REQUIRE_MESSAGE(loaded.ok(), loaded.ToString());
  CHECK(kinds() == std::vector<std::string>{"1=email", "2=sms", "3=email"});

  // Job 1 hinted new although stored: the duplicate key fails the load, and nothing of it
  // (job 4, the checkpoint) is applied.
  CommitRequest wrong = Request(TableSet::kShadow, {Job("t1", 4), Job("t1", 1)}, {Move(3, "jobs#rebuild", 4)});
  wrong.new_rows = {true, true};
  CHECK(t.store->CommitBulk(wrong).code() == StatusCode::kAlreadyExists);
  CHECK(kinds() == std::vector<std::string>{"1=email", "2=sms", "3=email"});
  CHECK(t.store->LoadCheckpoint("jobs#rebuild").value()->position == GlobalPosition(3));

  // Hints that do not match the changes are refused before anything is written.
  CommitRequest mismatched = Request(TableSet::kShadow, {Job("t1", 4)}, {Move(3, "jobs#rebuild", 4)});
  mismatched.new_rows = {true, false};
  CHECK(t.store->CommitBulk(mismatched).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("pg read models: values PostgreSQL cannot hold are InvalidArgument, nothing applied") {
  TestReadModelStore t;
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kLive).ok());
  Row nul = Job("t1", 2);
  nul.SetText("kind", std::string("a\0b", 3));
  Row ancient = Job("t1", 3);
  ancient.SetTime("due_at", Timestamp(std::numeric_limits<std::int64_t>::min()));
  Row bad_json = Job("t1", 4);
  bad_json.SetJson("body", "{not json");
  Row empty_tenant = Job("", 5);
  for (const Row* bad : {&nul, &ancient, &bad_json, &empty_tenant}) {
    CAPTURE(projections::CanonicalKey(bad->PrimaryKey()));
    Status s = t.store->Commit(Request(TableSet::kLive, {Job("t1", 1), *bad},
                                       {Move(std::nullopt, "jobs", 1)}));
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(Count(*t.store) == 0);
    CHECK(!t.store->LoadCheckpoint("jobs")->has_value());
  }
  // The earliest time PostgreSQL holds still round-trips.
  Row earliest = Job("t1", 6);
  earliest.SetTime("due_at", Timestamp(-210'866'803'200'000'000));
  REQUIRE(t.store->Commit(Request(TableSet::kLive, {earliest})).ok());
  Key key = earliest.PrimaryKey();
  Result<std::vector<std::optional<Row>>> got = t.store->Fetch(Jobs(), TableSet::kLive,
                                                               std::span(&key, 1));
  REQUIRE(got.ok());
  REQUIRE((*got)[0].has_value());
  CHECK((*got)[0]->Time("due_at") == Timestamp(-210'866'803'200'000'000));
}

TEST_CASE("pg read models: large commits over several tenants, scanned in small chunks") {
  PgReadModelOptions options;
  options.scan_chunk_rows = 7;
  TestReadModelStore t(options);
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kLive).ok());
  std::vector<Row> rows;
  for (std::int64_t i = 0; i < 3000; ++i) rows.push_back(Job(i % 3 == 0 ? "t_b" : "t_a", i));
  REQUIRE(t.store->Commit(Request(TableSet::kLive, rows)).ok());
  std::vector<std::string> keys;
  REQUIRE(t.store->Scan(Jobs(), [&](const Row& row) {
    keys.push_back(row.Text("tenant_id") + "/" + std::to_string(row.Int("job_no")));
    return Status::Ok();
  }).ok());
  REQUIRE(keys.size() == 3000);
  CHECK(keys.front() == "t_a/1");
  CHECK(keys[1999] == "t_a/2999");
  CHECK(keys[2000] == "t_b/0");
  CHECK(keys.back() == "t_b/2997");
  // Fetch of keys spread over both tenants, in one call.
  std::vector<Key> wanted{Job("t_b", 2997).PrimaryKey(), Job("t_a", 1).PrimaryKey(),
                          Job("t_a", 3).PrimaryKey()};
  Result<std::vector<std::optional<Row>>> got = t.store->Fetch(Jobs(), TableSet::kLive, wanted);
  REQUIRE(got.ok());
  CHECK((*got)[0].has_value());
  CHECK((*got)[1].has_value());
  CHECK_FALSE((*got)[2].has_value());  // 3 belongs to t_b
}

TEST_CASE("pg read models: a pooled connection the server killed costs no failed call") {
  PgReadModelOptions options;
  options.pool_size = 1;
  TestReadModelStore t(options);
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kLive).ok());
  REQUIRE(t.store->Commit(Request(TableSet::kLive, {Job("t1", 1)})).ok());
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  auto kill_store_sessions = [&] {
    MustExec(*admin,
             "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = "
             "current_database() AND pid <> pg_backend_pid()");
  };
  kill_store_sessions();
  CHECK(Count(*t.store) == 1);
  kill_store_sessions();
  Status s = t.store->Commit(Request(TableSet::kLive, {Job("t1", 2)}, {Move(std::nullopt, "j", 1)}));
  CHECK_MESSAGE(s.ok(), s.ToString());
  CHECK(Count(*t.store) == 2);
}

TEST_CASE("pg read models: CommitBulk keeps the shadow table's row-level security and refuses "
          "what Commit refuses") {
  TestReadModelStore t;
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kLive).ok());
  REQUIRE(t.store->CreateTables(std::span(&Jobs(), 1), TableSet::kShadow).ok());
  const char* options =
      "SELECT c.relname || ':' || c.relforcerowsecurity || ':' || "
      "coalesce(array_to_string(c.reloptions, ','), '') FROM pg_class c "
      "WHERE c.relname IN ('jobs', 'jobs__shadow') ORDER BY 1";
  // A shadow table only grows until it is promoted: no autovacuum meanwhile.
  CHECK(Names(*admin, options) ==
        std::vector<std::string>{"jobs:true:", "jobs__shadow:true:autovacuum_enabled=false"});

  Row nul = Job("t1", 2);
  nul.SetText("kind", std::string("a\0b", 3));
  Row bad_json = Job("t1", 4);
  bad_json.SetJson("body", "{not json");
  Row empty_tenant = Job("", 5);
  REQUIRE(t.store->SaveCheckpoint(Move(std::nullopt, "jobs#rebuild", 0)).ok());
  for (const Row* bad : {&nul, &bad_json, &empty_tenant}) {
    CAPTURE(projections::CanonicalKey(bad->PrimaryKey()));
    Status s = t.store->CommitBulk(
        Request(TableSet::kShadow, {Job("t1", 1), *bad}, {Move(0, "jobs#rebuild", 1)}));
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(t.store->LoadCheckpoint("jobs#rebuild")->value().position == GlobalPosition(0));
  }
  CHECK(RowsAs(*admin, "ledger_projector", "*", "", "SELECT count(*) FROM jobs__shadow") ==
        std::vector<std::string>{"0"});

  // Two tenants, loaded empty, then over rows loaded before.
  std::vector<Row> rows;
  for (std::int64_t i = 0; i < 3000; ++i) rows.push_back(Job(i % 3 == 0 ? "t_b" : "t_a", i));
  REQUIRE(t.store->CommitBulk(Request(TableSet::kShadow, rows, {Move(0, "jobs#rebuild", 1)})).ok());
  rows.clear();
  for (std::int64_t i = 2990; i < 3010; ++i) rows.push_back(Job("t_b", i).SetText("kind", "sms"));
  REQUIRE(t.store->CommitBulk(Request(TableSet::kShadow, rows, {Move(1, "jobs#rebuild", 2)})).ok());
  // Still forced, and the policies still hold for a reader and for the projector's writes.
  CHECK(Names(*admin, options) ==
        std::vector<std::string>{"jobs:true:", "jobs__shadow:true:autovacuum_enabled=false"});
  CHECK(RowsAs(*admin, "ledger_projector", "*", "",
               "SELECT count(*), count(*) FILTER (WHERE kind = 'sms') FROM jobs__shadow") ==
        std::vector<std::string>{"3017|20"});
  CHECK(RowsAs(*admin, "ledger_reader", "t_a", "", "SELECT count(*) FROM jobs__shadow") ==
        std::vector<std::string>{"2000"});
  CHECK(SqlStateAs(*admin, "ledger_projector", "t_a",
                   "INSERT INTO jobs__shadow (tenant_id, job_no) VALUES ('t_b', 99999)") ==
        "42501");

  // Promoted: analysed, autovacuum back on, the same policies.
  REQUIRE(t.store->PromoteShadow(std::span(&Jobs(), 1), "jobs", "jobs#rebuild", GlobalPosition(2))
              .ok());
  CHECK(Names(*admin, options) == std::vector<std::string>{"jobs:true:"});
  CHECK(Names(*admin, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'jobs'") ==
        std::vector<std::string>{"3017"});
  CHECK(Count(*t.store) == 3017);  // 3 of the 20 replaced rows loaded before
  CHECK(RowsAs(*admin, "ledger_reader", "t_b", "", "SELECT count(*) FROM jobs") ==
        std::vector<std::string>{"1017"});
}

}  // namespace ledger::pgtest
