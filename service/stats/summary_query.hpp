#pragma once

#include "stats/summary.hpp"

#include <SQLiteCpp/Database.h>

namespace relais::stats {

/// The summary over `p`, from the statistics tables kept by stats::recorder: whole days from the daily
/// counters and the chained occurrences, the partial first and last days of `p` from the event log and the
/// occurrences' exact times, requests and volunteers from their own rows. Equal to
/// aggregate(facts_from_log(db), p) (the tests check it). The tables must be in sync (stats::in_sync).
summary compute_summary(SQLite::Database& db, const period& p);

}  // namespace relais::stats
