#pragma once

#include "domain/city_time.hpp"
#include "domain/volunteers.hpp"
#include "match/local_time.hpp"
#include "match/volunteer_index.hpp"
#include "match/weights.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

// Ranking the volunteers for one request.
//
// Hard filters (a volunteer failing one is not a candidate):
//  - active (the index holds active volunteers only), with the request's category among their skills;
//  - within the programme's max_distance_km of the resident when both locations are known, otherwise living
//    in the resident's neighbourhood;
//  - has not declined, dropped or let expire a mission for this request;
//  - a free slot exists: a stretch of the request's window (from now on) inside their weekly availability,
//    overlapping none of their proposed or accepted missions, in a week where they are under their weekly
//    maximum. The first such slot is the suggested one. (A volunteer busy during part of a long window is
//    still a candidate for the rest of it.)
//  - when the request has an active support, only its volunteer, then its stand-in, are candidates (skills
//  and
//    distance are not re-checked: they already help this resident).
// The slot lasts the category's usual time (friendly_call 30 min, appointment 2 h, anything else 1 h), or
// the whole window if that is shorter. Only the window's first 35 days are searched.
//
// Components, each in [0, 1] (see weights.hpp for how they are combined):
//  - distance: 1 - km / max_distance_km; 0.5 when only the neighbourhood is known;
//  - availability: the share of the window (its first 7 days) inside the volunteer's weekly availability;
//  - continuity: 1 if the volunteer has an active support with this resident, 0.75 if they completed a
//    mission for them before, else 0;
//  - fairness: 1 for a volunteer never mobilised; otherwise 0.8 x (half for few missions in the four weeks
//    around now: 1 / (1 + count), half for time since their last mission: days / 28, at most 1);
//  - language: 1 if they speak the resident's first language, 0.5 another of the resident's, else 0;
//  - urgency: how soon the suggested slot comes (1 at the window's start, 0 after 1 day / 2 days / 7 days for
//    urgency today / 48h / week), times 1, 0.6 or 0.3 by urgency, so that in a batch plan the more urgent
//    requests are served first when volunteers are scarce.
namespace relais::match {

/// What ranking needs of a request, its resident and its history (read from the database by
/// match/request_loader.hpp).
struct match_request {
    std::string request_id, resident_id, category, urgency, neighbourhood;
    std::optional<domain::geo> location;
    std::int64_t window_from = 0, window_until = 0;
    std::vector<std::string> languages;     ///< the resident's, first = preferred
    std::vector<std::string> excluded;      ///< declined, dropped or expired a mission of this request
    std::vector<std::string> support_only;  ///< active support: its volunteer then stand-in; else empty
    std::vector<std::pair<std::string, double>> continuity;  ///< volunteer id -> continuity component
};

struct match_settings {
    double max_distance_km = 5;
    score_weights weights;
    domain::city_time city;  ///< the programme's time zone: availability is in the city's wall-clock time
};

/// One ranked volunteer.
struct candidate {
    std::string volunteer_id;
    double score = 0;
    score_components components;
    std::optional<double> distance_km;
    std::int64_t starts_at = 0, ends_at = 0;  ///< the suggested slot
    std::int64_t week = 0;                    ///< Monday 00:00 UTC of the slot's week
    int week_capacity = 0;                    ///< missions the volunteer may still take that week
};

/// Usual length of a mission of `category`, in seconds.
std::int64_t mission_length(const std::string& category);

/// A request prepared for evaluating many volunteers (codes resolved, window cut into local days).
class prepared_request {
  public:
    /// Prepares `r` against the code tables of `d` (call under the index's lock).
    prepared_request(const index_data& d, const match_request& r, const match_settings& s, std::int64_t now);

    /// False when no slot can exist (window over, or shorter than the mission from now on).
    bool feasible() const { return feasible_; }

    /// Evaluates one volunteer: nullopt if a hard filter fails. `distance_km` < 0 means unknown (the caller
    /// checked the neighbourhood). `extra_busy` adds slots the volunteer is being given elsewhere; a slot
    /// starts at `not_before` at the earliest (a plan's alternative days). Does not check skill and distance
    /// (the caller's search does), nor the support rule.
    std::optional<candidate> evaluate(const volunteer_entry& e, double distance_km,
                                      std::span<const mission_stamp> extra_busy = {},
                                      std::int64_t not_before = 0) const;

    /// What evaluate computes, without copying the volunteer's id (the hot path of a search). With
    /// `min_score` > 0, a volunteer who cannot reach it whatever their slot is dropped early (nullopt).
    struct scored {
        double score = 0;
        score_components components;
        std::int64_t start = 0, week = 0;
        int capacity = 0;
    };
    std::optional<scored> score(const volunteer_entry& e, double distance_km,
                                std::span<const mission_stamp> extra_busy = {}, std::int64_t not_before = 0,
                                double min_score = -1) const;

    /// Length of the suggested slots, in seconds.
    std::int64_t length() const { return length_; }

    const match_request& request() const { return req_; }
    std::optional<unsigned> category_bit() const { return category_bit_; }
    std::optional<std::uint16_t> hood() const { return hood_; }
    /// Local hours of the week the window touches (within its first 7 days).
    const std::array<std::uint64_t, 3>& hours() const { return hours_; }

  private:
    struct slot {
        std::int64_t start, week;
        int capacity;
    };
    std::optional<slot> find_slot(const volunteer_entry& e, std::span<const mission_stamp> extra,
                                  std::int64_t not_before) const;
    double coverage(const volunteer_entry& e) const;
    bool excluded(const std::string& id) const;

    const match_request& req_;
    const match_settings& settings_;
    std::int64_t now_;
    bool feasible_ = false;
    std::int64_t from_ = 0, until_ = 0, length_ = 0, cover_until_ = 0;
    std::vector<domain::city_time::day> days_;
    std::array<std::uint64_t, 3> hours_{};
    std::optional<unsigned> category_bit_;
    std::optional<std::uint16_t> hood_;
    std::vector<std::uint16_t> languages_;  ///< resident's, interned (unknown codes dropped)
    bool first_language_known_ = false;
    double urgency_factor_ = 0;
    std::int64_t urgency_horizon_ = 1;
};

/// The best `limit` candidates for `r`, best first (ties: by volunteer id), from the index as it is.
std::vector<candidate> rank_candidates(const volunteer_index& index, const match_request& r,
                                       const match_settings& s, std::int64_t now, std::size_t limit);

/// Evaluates given volunteers (e.g. re-read inside a write transaction) for `r`, applying every hard filter
/// including skill, distance and the support rule; best first.
std::vector<candidate> evaluate_entries(const volunteer_index& index,
                                        const std::vector<volunteer_entry>& entries, const match_request& r,
                                        const match_settings& s, std::int64_t now);

}  // namespace relais::match
