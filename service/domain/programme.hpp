#pragma once

#include "domain/city_time.hpp"
#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relais::domain {

/// The scheme itself and its settings.
struct programme_record {
    std::string name, starts_on, coordination_phone, consent_version;
    std::optional<std::string> ends_on;
    bool registration_open = true, auto_dispatch = false;
    int proposal_ttl_minutes = 1440, retention_days = 180;
    double max_distance_km = 5;
    boost::json::object weights;
    std::string timezone{city_time::default_zone};  ///< IANA name: the city's wall-clock time
    std::int64_t updated_at = 0;                    ///< the last change (unix seconds)
    std::string country{"FR"};  ///< ISO 3166 alpha-2: the region of phone numbers without a country code
    /// The call for volunteers' dates set in advance: open from `registration_opens_at`, closed from
    /// `registration_closes_at` (either may be unset); `registration_open` is the switch that overrides both.
    std::optional<std::int64_t> registration_opens_at, registration_closes_at;
};

/// Whether volunteers can register at `now`: the switch is on and `now` is inside the scheduled dates.
bool registration_open_at(const programme_record& p, std::int64_t now);

struct programme_patch {
    std::optional<std::string> name, starts_on, coordination_phone, consent_version, timezone, country;
    std::optional<std::optional<std::string>> ends_on;
    std::optional<bool> registration_open, auto_dispatch;
    std::optional<int> proposal_ttl_minutes, retention_days;
    std::optional<double> max_distance_km;
    std::optional<boost::json::object> weights;
    std::optional<std::optional<std::int64_t>> registration_opens_at,
        registration_closes_at;  ///< null: unset
};

struct category_record {
    std::string code, label_fr, label_en, description_fr, description_en;
    std::string volunteer_description_fr, volunteer_description_en;  ///< what volunteers read; may be empty
    bool home_visit = false, active = true;
    int sort = 0;
    std::optional<std::string> training;  ///< the training its volunteers need (domain/trainings.hpp)
};

struct neighbourhood_record {
    std::string code, name;
    std::optional<double> lat, lon;
};

programme_record load_programme(SQLite::Database& db);
void patch_programme(SQLite::Database& db, const programme_patch& p, std::int64_t now, const actor& who);

std::vector<category_record> list_categories(SQLite::Database& db, bool include_inactive);
void create_category(SQLite::Database& db, const category_record& c, std::int64_t now, const actor& who);
struct category_patch {
    std::optional<std::string> label_fr, label_en, description_fr, description_en;
    std::optional<std::string> volunteer_description_fr, volunteer_description_en;
    std::optional<bool> home_visit, active;
    std::optional<int> sort;
    std::optional<std::optional<std::string>> training;  ///< null: no training needed any more
};
void patch_category(SQLite::Database& db, const std::string& code, const category_patch& p, std::int64_t now,
                    const actor& who);

std::vector<neighbourhood_record> list_neighbourhoods(SQLite::Database& db);

}  // namespace relais::domain
