#include "match/ranking.hpp"

#include <algorithm>

namespace relais::match {

namespace {

constexpr std::int64_t four_weeks = 28 * day_s;
constexpr std::int64_t slot_step = 15 * 60;  // suggestions start on a quarter hour at the earliest
constexpr int search_days = 35;

/// A candidate before its id is copied (only the best ones are).
struct lite {
    const volunteer_entry* entry = nullptr;
    double score = 0;
    score_components components;
    double distance_km = -1;
    std::int64_t start = 0, week = 0;
    int capacity = 0;
};

bool better(const lite& a, const lite& b) {
    if (a.score != b.score)
        return a.score > b.score;
    return a.entry->id < b.entry->id;
}

candidate to_candidate(const lite& l, std::int64_t length) {
    candidate c;
    c.volunteer_id = l.entry->id;
    c.score = l.score;
    c.components = l.components;
    if (l.distance_km >= 0)
        c.distance_km = l.distance_km;
    c.starts_at = l.start;
    c.ends_at = l.start + length;
    c.week = l.week;
    c.week_capacity = l.capacity;
    return c;
}

/// Keeps the `limit` best of a stream (a heap with the worst kept on top).
class top_k {
  public:
    explicit top_k(std::size_t limit) : limit_(limit) {}
    void offer(const lite& l) {
        if (limit_ == 0)
            return;
        if (heap_.size() < limit_) {
            heap_.push_back(l);
            std::push_heap(heap_.begin(), heap_.end(), better);
        } else if (better(l, heap_.front())) {
            std::pop_heap(heap_.begin(), heap_.end(), better);
            heap_.back() = l;
            std::push_heap(heap_.begin(), heap_.end(), better);
        }
    }
    /// The score a newcomer must reach to enter (-1 while there is room).
    double threshold() const { return heap_.size() < limit_ ? -1.0 : heap_.front().score; }
    std::vector<lite> sorted() {
        std::sort(heap_.begin(), heap_.end(), better);
        return std::move(heap_);
    }

  private:
    std::size_t limit_;
    std::vector<lite> heap_;
};

}  // namespace

std::int64_t mission_length(const std::string& category) {
    if (category == "friendly_call")
        return 30 * 60;
    if (category == "appointment")
        return 2 * 3600;
    return 3600;
}

prepared_request::prepared_request(const index_data& d, const match_request& r, const match_settings& s,
                                   std::int64_t now)
    : req_(r), settings_(s), now_(now) {
    from_ = std::max(r.window_from, round_up(now, slot_step));
    until_ = r.window_until;
    length_ = std::min(mission_length(r.category), r.window_until - r.window_from);
    feasible_ = length_ > 0 && until_ - from_ >= length_;
    if (!feasible_)
        return;
    days_ = s.city.days(from_, until_, search_days);
    cover_until_ = std::min(until_, from_ + week_s);
    // Local hours of the week the window touches, stepping from one local hour boundary to the next (a
    // zone may be off UTC by half or three quarters of an hour).
    for (std::int64_t t = from_; t < cover_until_;) {
        const int h = s.city.week_minute(t) / 60;
        hours_[static_cast<std::size_t>(h / 64)] |= std::uint64_t{1} << (h % 64);
        const std::int64_t off = s.city.offset(t);
        const std::int64_t next = ((t + off) / 3600 + 1) * 3600 - off;
        t = next > t ? next : t + 3600;
    }
    if (auto c = d.categories.find(r.category))
        category_bit_ = *c;
    hood_ = d.hoods.find(r.neighbourhood);
    const std::vector<std::string> french{"fr"};
    const auto& langs = r.languages.empty() ? french : r.languages;
    for (std::size_t i = 0; i < langs.size(); ++i) {
        if (auto id = d.languages.find(langs[i])) {
            languages_.push_back(*id);
            if (i == 0)
                first_language_known_ = true;
        }
    }
    if (r.urgency == "today") {
        urgency_factor_ = 1.0;
        urgency_horizon_ = day_s;
    } else if (r.urgency == "48h") {
        urgency_factor_ = 0.6;
        urgency_horizon_ = 2 * day_s;
    } else {
        urgency_factor_ = 0.3;
        urgency_horizon_ = 7 * day_s;
    }
}

bool prepared_request::excluded(const std::string& id) const {
    return std::find(req_.excluded.begin(), req_.excluded.end(), id) != req_.excluded.end();
}

std::optional<prepared_request::slot> prepared_request::find_slot(const volunteer_entry& e,
                                                                  std::span<const mission_stamp> extra,
                                                                  std::int64_t not_before) const {
    const std::int64_t from = std::max(from_, not_before);
    auto week_load = [&](std::int64_t week) {
        int n = 0;
        for (const auto& m : e.missions)
            n += m.starts_at >= week && m.starts_at < week + week_s;
        for (const auto& m : extra)
            n += m.starts_at >= week && m.starts_at < week + week_s;
        return n;
    };
    // The end of the latest busy interval overlapping [t, t + length), or 0 if the stretch is free.
    auto busy_until = [&](std::int64_t t) {
        std::int64_t end = 0;
        for (const auto& m : e.missions)
            if (m.live && m.starts_at < t + length_ && m.ends_at > t)
                end = std::max(end, m.ends_at);
        for (const auto& m : extra)
            if (m.starts_at < t + length_ && m.ends_at > t)
                end = std::max(end, m.ends_at);
        return end;
    };
    for (const auto& day : days_) {
        const int base = day.weekday * 1440;
        for (const auto& span : e.availability) {
            if (span.start < base || span.start >= base + 1440)
                continue;
            const std::int64_t a = std::max(from, settings_.city.at(day, span.start - base));
            const std::int64_t b = std::min(until_, settings_.city.at(day, span.end - base));
            std::int64_t t = a;
            while (b - t >= length_) {
                if (const std::int64_t end = busy_until(t); end > 0) {
                    t = end;
                    continue;
                }
                const std::int64_t week = week_start_utc(t);
                const int load = week_load(week);
                if (load >= e.max_per_week) {
                    t = week + week_s;
                    continue;
                }
                return slot{t, week, e.max_per_week - load};
            }
        }
    }
    return std::nullopt;
}

double prepared_request::coverage(const volunteer_entry& e) const {
    const std::int64_t span_total = cover_until_ - from_;
    if (span_total <= 0)
        return 0;
    std::int64_t covered = 0;
    for (const auto& day : days_) {
        if (day.midnight_utc >= cover_until_)
            break;
        const int base = day.weekday * 1440;
        for (const auto& span : e.availability) {
            if (span.start < base || span.start >= base + 1440)
                continue;
            const std::int64_t a = std::max(from_, settings_.city.at(day, span.start - base));
            const std::int64_t b = std::min(cover_until_, settings_.city.at(day, span.end - base));
            if (b > a)
                covered += b - a;
        }
    }
    return std::min(1.0, static_cast<double>(covered) / static_cast<double>(span_total));
}

std::optional<candidate> prepared_request::evaluate(const volunteer_entry& e, double distance_km,
                                                    std::span<const mission_stamp> extra_busy,
                                                    std::int64_t not_before) const {
    auto s = score(e, distance_km, extra_busy, not_before);
    if (!s)
        return std::nullopt;
    candidate c;
    c.volunteer_id = e.id;
    c.score = s->score;
    c.components = s->components;
    if (distance_km >= 0)
        c.distance_km = distance_km;
    c.starts_at = s->start;
    c.ends_at = s->start + length_;
    c.week = s->week;
    c.week_capacity = s->capacity;
    return c;
}

std::optional<prepared_request::scored> prepared_request::score(const volunteer_entry& e, double distance_km,
                                                                std::span<const mission_stamp> extra_busy,
                                                                std::int64_t not_before,
                                                                double min_score) const {
    if (!feasible_ || excluded(e.id))
        return std::nullopt;
    if (!((e.hours[0] & hours_[0]) | (e.hours[1] & hours_[1]) | (e.hours[2] & hours_[2])))
        return std::nullopt;
    scored out;
    auto& c = out.components;
    c.distance = distance_km >= 0
                     ? std::clamp(1.0 - distance_km / std::max(0.01, settings_.max_distance_km), 0.0, 1.0)
                     : 0.5;
    for (const auto& [id, value] : req_.continuity)
        if (id == e.id)
            c.continuity = std::max(c.continuity, value);
    if (!e.ever_mobilised) {
        c.fairness = 1.0;
    } else {
        int recent = 0;
        for (const auto& m : e.missions)
            recent += m.starts_at >= now_ - four_weeks && m.starts_at < now_ + four_weeks;
        const double idle =
            e.last_mission_at > 0
                ? std::clamp(static_cast<double>(now_ - e.last_mission_at) / four_weeks, 0.0, 1.0)
                : 1.0;
        c.fairness = 0.8 * (0.5 / (1.0 + recent) + 0.5 * idle);
    }
    for (std::size_t i = 0; i < languages_.size(); ++i) {
        if (std::find(e.languages.begin(), e.languages.end(), languages_[i]) != e.languages.end()) {
            c.language = std::max(c.language, i == 0 && first_language_known_ ? 1.0 : 0.5);
        }
    }
    // The cheap components are known: with availability and urgency at their best, could this volunteer
    // still reach `min_score`? If not, the slot search (the costly part) is skipped.
    if (min_score > 0) {
        score_components best = c;
        best.availability = 1.0;
        best.urgency = urgency_factor_;
        if (best.score(settings_.weights) < min_score - 1e-12)
            return std::nullopt;
    }
    auto s = find_slot(e, extra_busy, not_before);
    if (!s)
        return std::nullopt;
    out.start = s->start;
    out.week = s->week;
    out.capacity = s->capacity;
    c.availability = coverage(e);
    const double soon = std::clamp(
        1.0 - static_cast<double>(s->start - from_) / static_cast<double>(urgency_horizon_), 0.0, 1.0);
    c.urgency = urgency_factor_ * soon;
    out.score = c.score(settings_.weights);
    return out;
}

std::vector<candidate> rank_candidates(const volunteer_index& index, const match_request& r,
                                       const match_settings& s, std::int64_t now, std::size_t limit) {
    return index.read([&](const index_data& d) {
        std::vector<candidate> out;
        prepared_request q(d, r, s, now);
        if (!q.feasible())
            return out;
        if (!r.support_only.empty()) {
            // The support's own volunteer first, then the stand-in: continuity before score.
            for (const auto& id : r.support_only) {
                const volunteer_entry* e = d.find(id);
                if (!e || out.size() >= limit)
                    continue;
                double dist = -1;
                if (e->located && r.location)
                    dist = index_data::distance_km(r.location->lat, r.location->lon, e->lat, e->lon);
                if (auto c = q.evaluate(*e, dist))
                    out.push_back(std::move(*c));
            }
            return out;
        }
        if (!q.category_bit())
            return out;
        // Only scores and entry pointers (valid under the lock) are kept while searching.
        top_k heap(limit);
        d.visit(*q.category_bit(), r.location, s.max_distance_km, q.hood(), q.hours(),
                [&](const volunteer_entry& e, double dist) {
                    auto sc = q.score(e, dist, {}, 0, heap.threshold());
                    if (!sc)
                        return;
                    lite l;
                    l.entry = &e;
                    l.score = sc->score;
                    l.components = sc->components;
                    l.distance_km = dist;
                    l.start = sc->start;
                    l.week = sc->week;
                    l.capacity = sc->capacity;
                    heap.offer(l);
                });
        for (const auto& l : heap.sorted())
            out.push_back(to_candidate(l, q.length()));
        return out;
    });
}

std::vector<candidate> evaluate_entries(const volunteer_index& index,
                                        const std::vector<volunteer_entry>& entries, const match_request& r,
                                        const match_settings& s, std::int64_t now) {
    return index.read([&](const index_data& d) {
        std::vector<candidate> out;
        prepared_request q(d, r, s, now);
        if (!q.feasible())
            return out;
        auto consider = [&](const volunteer_entry& e, bool check_place) {
            double dist = -1;
            if (e.located && r.location)
                dist = index_data::distance_km(r.location->lat, r.location->lon, e.lat, e.lon);
            if (check_place) {
                if (!q.category_bit() || !(e.skills >> *q.category_bit() & 1))
                    return;
                if (dist >= 0 ? dist > s.max_distance_km : (!q.hood() || e.neighbourhood != *q.hood()))
                    return;
            }
            if (auto c = q.evaluate(e, dist))
                out.push_back(std::move(*c));
        };
        if (!r.support_only.empty()) {
            for (const auto& id : r.support_only)
                for (const auto& e : entries)
                    if (e.id == id)
                        consider(e, false);
            return out;
        }
        for (const auto& e : entries)
            consider(e, true);
        std::stable_sort(out.begin(), out.end(), [](const candidate& a, const candidate& b) {
            return a.score != b.score ? a.score > b.score : a.volunteer_id < b.volunteer_id;
        });
        return out;
    });
}

}  // namespace relais::match
