// Conformance: AppendBatch, the group commit of independent appends.
// Included only by event_store_conformance.h.

namespace ledger::conformance {

TEST_CASE_TEMPLATE_DEFINE("conformance: batch outcomes are independent", F, conformance_batch) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string existing = testing::UniqueStream("order");
  const std::string fresh = testing::UniqueStream("order");
  const std::string twice = testing::UniqueStream("order");
  AppendRequest stored = MakeAppend(existing, ExpectedVersion::NoStream(), 1);
  AppendResult stored_result = MustAppend(*store, stored);

  std::vector<AppendRequest> batch;
  batch.push_back(MakeAppend(fresh, ExpectedVersion::NoStream(), 2));               // ok
  batch.push_back(MakeAppend(existing, ExpectedVersion::NoStream(), 1));            // conflict
  batch.push_back(MakeAppend(fresh, ExpectedVersion::Exact(StreamVersion(2)), 1));  // ok, after #0
  batch.push_back(MakeAppend("", ExpectedVersion::Any(), 1));                       // invalid
  batch.push_back(stored);                                                          // redelivery
  batch.push_back(MakeAppend(twice, ExpectedVersion::Any(),
                             {MakeEvent(), MakeEvent("test.happened", "{oops")}));  // invalid
  batch.push_back(MakeAppend(twice, ExpectedVersion::NoStream(), 1));               // ok

  Result<std::vector<Result<AppendResult>>> outcomes = store->AppendBatch(batch);
  REQUIRE_MESSAGE(outcomes.ok(), outcomes.status().ToString());
  REQUIRE(outcomes->size() == batch.size());
  const auto& o = *outcomes;
  CHECK(o[0].ok());
  CHECK(o[1].status().code() == StatusCode::kConflict);
  REQUIRE(o[2].ok());
  CHECK(o[2]->stream_version == StreamVersion(3));
  CHECK(o[3].status().code() == StatusCode::kInvalidArgument);
  REQUIRE(o[4].ok());
  CHECK(o[4]->deduplicated);
  CHECK(o[4]->position == stored_result.position);
  CHECK(o[5].status().code() == StatusCode::kInvalidArgument);
  REQUIRE(o[6].ok());
  CHECK(o[6]->stream_version == StreamVersion(1));  // the invalid request left nothing behind

  CHECK(ReadWholeStream(*store, fresh).size() == 3);
  CHECK(ReadWholeStream(*store, existing).size() == 1);
  CHECK(ReadWholeStream(*store, twice).size() == 1);
  std::vector<RecordedEvent> log = WithoutMarkers(ReadLogThroughMarker(*store));
  CHECK(log.size() == 5);

  SUBCASE("an empty batch is fine") {
    Result<std::vector<Result<AppendResult>>> none = store->AppendBatch({});
    REQUIRE(none.ok());
    CHECK(none->empty());
  }
}

}  // namespace ledger::conformance
