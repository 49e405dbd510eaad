#pragma once

#include "stats/summary.hpp"

#include <SQLiteCpp/Database.h>

namespace relais::stats {

/// The summary over `p`, weeks in the city's calendar, from the statistics tables kept by stats::recorder:
/// whole UTC days from the daily counters and the chained occurrences, the partial first and last days of
/// `p` (and the pieces of days on the other side of a city week's start) from the event log and the
/// occurrences' exact times, requests and volunteers from their own rows. Equal to
/// aggregate(facts_from_log(db), p, city) (the tests check it). The tables must be in sync (stats::in_sync).
summary compute_summary(SQLite::Database& db, const period& p, const domain::city_time& city);

}  // namespace relais::stats
