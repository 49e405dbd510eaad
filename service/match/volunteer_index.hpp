#pragma once

#include "domain/volunteers.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relais::match {

/// A mission of a volunteer, as matching needs it: live ones block their slot, and every proposed,
/// accepted or done one counts towards the weekly maximum and the fairness component.
struct mission_stamp {
    std::int64_t starts_at = 0;
    std::int64_t ends_at = 0;
    bool live = false;  ///< proposed or accepted (false: done)
};

/// A volunteer as read from the database, before the index compiles it. No names, no contact details:
/// the index holds only what ranking needs.
struct volunteer_row {
    std::string id, status, neighbourhood;
    std::optional<domain::geo> location;
    std::vector<std::string> skills, languages;
    std::vector<domain::availability_slot> availability;
    int max_missions_per_week = 0;
    std::vector<mission_stamp> missions;  ///< proposed/accepted, and done ones of the last weeks; by start
    std::int64_t last_mission_at = 0;     ///< start of the latest accepted or done mission; 0 if none
    bool ever_mobilised = false;          ///< has ever accepted a mission
};

/// A weekly availability span in local minutes of the week (0 = Monday 00:00), end exclusive.
struct week_span {
    std::uint16_t start = 0;
    std::uint16_t end = 0;
};

/// A volunteer compiled for ranking: codes interned, availability as week spans plus an hour mask for a
/// quick first test.
struct volunteer_entry {
    std::string id;
    std::uint64_t skills = 0;             ///< bits of the index's category table
    std::array<std::uint64_t, 3> hours{};  ///< local hours of the week (168 bits) touched by availability
    float lat = 0, lon = 0;
    std::uint16_t neighbourhood = 0;
    bool located = false;
    bool ever_mobilised = false;
    std::uint8_t max_per_week = 0;
    std::int64_t last_mission_at = 0;
    std::vector<week_span> availability;   ///< sorted by start
    std::vector<std::uint16_t> languages;  ///< interned, in the volunteer's order
    std::vector<mission_stamp> missions;   ///< sorted by start
};

/// Short codes (categories, neighbourhoods, languages) as small integers.
class code_table {
public:
    std::optional<std::uint16_t> find(std::string_view code) const;
    std::uint16_t intern(const std::string& code);
    const std::string& name(std::uint16_t id) const { return names_[id]; }
    std::size_t size() const { return names_.size(); }

private:
    std::unordered_map<std::string, std::uint16_t> ids_;
    std::vector<std::string> names_;
};

/// The index's content. Not thread-safe by itself: volunteer_index guards it.
class index_data {
public:
    /// At most this many categories get a layer (a bit in the skills mask); more are not indexed.
    static constexpr std::size_t max_categories = 64;
    /// Grid cells are about 1 km a side around `reference_lat` (the programme's city). Elsewhere they are
    /// merely less square; the search stays exact, since every distance is computed.
    static constexpr double cell_km = 1.0;
    static constexpr double reference_lat = 48.11;
    static constexpr double km_per_degree = 111.195;  ///< on a sphere of radius 6,371 km

    /// One located volunteer in a grid cell: coordinates and availability hours are copied so that the
    /// distance test and the quick availability test read the cell sequentially, not the entry.
    struct located {
        float lat, lon;
        std::uint32_t slot;
        std::array<std::uint64_t, 3> hours;
    };
    /// Everything indexed for one category.
    struct layer {
        std::unordered_map<std::uint64_t, std::vector<located>> cells;
        std::vector<std::vector<std::uint32_t>> located_by_hood;    ///< by neighbourhood id
        std::vector<std::vector<std::uint32_t>> unlocated_by_hood;  ///< by neighbourhood id
    };

    code_table categories, hoods, languages;

    /// Compiles a row (interning its codes).
    volunteer_entry compile(const volunteer_row& row);
    /// Inserts or replaces a volunteer; a volunteer who is not active is removed instead.
    void upsert(const volunteer_row& row);
    void remove(const std::string& id);

    const volunteer_entry* find(const std::string& id) const;
    std::size_t size() const { return by_id_.size(); }

    /// Calls `f(entry)` for every indexed volunteer (tests, diagnostics).
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [id, slot] : by_id_)
            f(entries_[slot]);
    }
    /// Number of (category, volunteer) memberships in the grid and neighbourhood lists (consistency checks).
    std::size_t layer_memberships() const;

    /// Calls `f(entry, distance_km)` for each indexed volunteer with the skill `category_bit` who is within
    /// `radius_km` of `center` (distance known), or who lives in neighbourhood `hood` with no location
    /// (distance_km < 0). Without a center: every volunteer of `hood`, with distance_km < 0. Volunteers
    /// whose availability hours share none with `hours` are skipped.
    template <class F>
    void visit(unsigned category_bit, const std::optional<domain::geo>& center, double radius_km,
               std::optional<std::uint16_t> hood, const std::array<std::uint64_t, 3>& hours, F&& f) const;

    static std::uint64_t cell_of(double lat, double lon);
    static double cell_lat_deg() { return cell_km / km_per_degree; }
    static double cell_lon_deg();
    /// Distance in km by the equirectangular approximation (under 0.1% off at city scale).
    static double distance_km(double lat1, double lon1, double lat2, double lon2) {
        constexpr double rad = 3.14159265358979323846 / 180.0;
        const double x = (lon2 - lon1) * std::cos((lat1 + lat2) * 0.5 * rad);
        const double y = lat2 - lat1;
        return km_per_degree * std::sqrt(x * x + y * y);
    }

private:
    void add_to_layers(std::uint32_t slot);
    void remove_from_layers(std::uint32_t slot);
    layer& layer_of(unsigned bit);

    std::vector<volunteer_entry> entries_;
    std::vector<std::uint32_t> free_;
    std::unordered_map<std::string, std::uint32_t> by_id_;
    std::vector<layer> layers_;
};

/// The in-memory index of active volunteers, by skill, on a ~1 km grid (volunteers without a location by
/// neighbourhood), kept in step with the database by `apply` (see match/index_sync.hpp for how). Readers
/// share the lock; updates take it exclusively for the few microseconds of an upsert.
class volunteer_index {
public:
    volunteer_index();

    /// The event-log sequence number the index reflects (every change up to it is applied).
    std::int64_t applied_seq() const;

    /// Replaces the whole content with `rows` as of event `seq` (a full load).
    void replace_all(const std::vector<volunteer_row>& rows, std::int64_t seq);

    /// Applies the rows of the volunteers changed in (from_seq, seq], read in one snapshot (a row whose
    /// status is not active removes the volunteer). Applied only if it continues the index without a gap
    /// (from_seq <= applied_seq < seq); otherwise ignored, since another reader applied a newer snapshot
    /// first or a full reload moved the index. Returns true if applied.
    bool apply(const std::vector<volunteer_row>& rows, std::int64_t from_seq, std::int64_t seq);

    /// Compiles rows against the index's code tables without indexing them (fresh data read inside a write
    /// transaction, which must not enter the index before it commits).
    std::vector<volunteer_entry> compile(const std::vector<volunteer_row>& rows);

    /// Runs `f(const index_data&)` under the shared lock.
    template <class F>
    auto read(F&& f) const {
        std::shared_lock lock(mutex_);
        return f(static_cast<const index_data&>(*data_));
    }

    std::size_t size() const;

private:
    mutable std::shared_mutex mutex_;
    std::unique_ptr<index_data> data_;
    std::int64_t seq_ = 0;
};

// --- template implementation ---------------------------------------------------------------------------

template <class F>
void index_data::visit(unsigned category_bit, const std::optional<domain::geo>& center, double radius_km,
                       std::optional<std::uint16_t> hood, const std::array<std::uint64_t, 3>& hours, F&& f) const {
    if (category_bit >= layers_.size())
        return;
    const layer& l = layers_[category_bit];
    auto shares_hours = [&](const std::array<std::uint64_t, 3>& h) {
        return ((h[0] & hours[0]) | (h[1] & hours[1]) | (h[2] & hours[2])) != 0;
    };
    auto visit_list = [&](const std::vector<std::vector<std::uint32_t>>& lists) {
        if (!hood || *hood >= lists.size())
            return;
        for (std::uint32_t slot : lists[*hood])
            if (shares_hours(entries_[slot].hours))
                f(entries_[slot], -1.0);
    };
    if (!center) {
        visit_list(l.located_by_hood);
        visit_list(l.unlocated_by_hood);
        return;
    }
    constexpr double rad = 3.14159265358979323846 / 180.0;
    const double dlat = radius_km / km_per_degree;
    const double dlon = radius_km / (km_per_degree * std::max(0.01, std::cos(center->lat * rad)));
    const auto y0 = static_cast<std::int64_t>(std::floor((center->lat - dlat) / cell_lat_deg()));
    const auto y1 = static_cast<std::int64_t>(std::floor((center->lat + dlat) / cell_lat_deg()));
    const auto x0 = static_cast<std::int64_t>(std::floor((center->lon - dlon) / cell_lon_deg()));
    const auto x1 = static_cast<std::int64_t>(std::floor((center->lon + dlon) / cell_lon_deg()));
    const double cos_lat = std::cos(center->lat * rad);
    const double r2 = (radius_km / km_per_degree) * (radius_km / km_per_degree);
    for (std::int64_t y = y0; y <= y1; ++y) {
        for (std::int64_t x = x0; x <= x1; ++x) {
            const auto key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(y)) << 32) |
                             static_cast<std::uint32_t>(x);
            auto it = l.cells.find(key);
            if (it == l.cells.end())
                continue;
            for (const located& p : it->second) {
                if (!shares_hours(p.hours))
                    continue;
                const double ddx = (p.lon - center->lon) * cos_lat;
                const double ddy = p.lat - center->lat;
                const double d2 = ddx * ddx + ddy * ddy;
                if (d2 <= r2)
                    f(entries_[p.slot], km_per_degree * std::sqrt(d2));
            }
        }
    }
    visit_list(l.unlocated_by_hood);
}

}  // namespace relais::match
