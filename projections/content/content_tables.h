// The tables of the content read models (docs/read-models.md, "Content"): what each column
// holds is documented there. Every key starts with tenant_id (projections/read_model.h).
//
//   products             one row per content item: where it stands in screening, quality,
//                        review and publication            (projector "products")
//   review_queue         the escalations waiting for a reviewer (projector "products")
//   screening_decisions  every screening.decided event     (projector "screening_decisions")
//   quality_verdicts     every quality.verdict_recorded    (projector "quality_verdicts")
//
// The specs live for the whole process; rows keep pointers to them.
#ifndef LEDGER_PROJECTIONS_CONTENT_CONTENT_TABLES_H_
#define LEDGER_PROJECTIONS_CONTENT_CONTENT_TABLES_H_

#include <span>

#include "projections/read_model.h"

namespace ledger::projections::content {

// products and review_queue, in that order: the tables of the "products" projector, which
// keeps both because an escalation changes them together.
std::span<const TableSpec> ProductTables();
const TableSpec& ProductsTable();
const TableSpec& ReviewQueueTable();

const TableSpec& ScreeningDecisionsTable();
const TableSpec& QualityVerdictsTable();

// Product status values (the same words as commands/content/content_state.h Status()).
inline constexpr const char* kStatusUnscreened = "unscreened";
inline constexpr const char* kStatusBlocked = "blocked";
inline constexpr const char* kStatusInReview = "in_review";
inline constexpr const char* kStatusRejected = "rejected";
inline constexpr const char* kStatusScreened = "screened";
inline constexpr const char* kStatusQualityFailed = "quality_failed";
inline constexpr const char* kStatusReady = "ready";
inline constexpr const char* kStatusPublished = "published";

}  // namespace ledger::projections::content

#endif  // LEDGER_PROJECTIONS_CONTENT_CONTENT_TABLES_H_
