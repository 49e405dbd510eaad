#include "match/volunteer_index.hpp"

#include "match/local_time.hpp"

#include <algorithm>
#include <mutex>

namespace relais::match {

std::optional<std::uint16_t> code_table::find(std::string_view code) const {
    auto it = ids_.find(std::string(code));
    if (it == ids_.end())
        return std::nullopt;
    return it->second;
}

std::uint16_t code_table::intern(const std::string& code) {
    auto [it, inserted] = ids_.try_emplace(code, static_cast<std::uint16_t>(names_.size()));
    if (inserted)
        names_.push_back(code);
    return it->second;
}

double index_data::cell_lon_deg() {
    static const double deg = cell_km / (km_per_degree * std::cos(reference_lat * 3.14159265358979323846 / 180.0));
    return deg;
}

std::uint64_t index_data::cell_of(double lat, double lon) {
    const auto y = static_cast<std::int64_t>(std::floor(lat / cell_lat_deg()));
    const auto x = static_cast<std::int64_t>(std::floor(lon / cell_lon_deg()));
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(y)) << 32) | static_cast<std::uint32_t>(x);
}

volunteer_entry index_data::compile(const volunteer_row& row) {
    volunteer_entry e;
    e.id = row.id;
    for (const auto& s : row.skills) {
        if (categories.find(s) || categories.size() < max_categories)
            e.skills |= std::uint64_t{1} << categories.intern(s);
    }
    e.neighbourhood = hoods.intern(row.neighbourhood);
    if (row.location) {
        e.located = true;
        e.lat = static_cast<float>(row.location->lat);
        e.lon = static_cast<float>(row.location->lon);
    }
    for (const auto& a : row.availability) {
        if (a.day < 0 || a.day > 6 || a.end <= a.start)
            continue;
        const int start = a.day * 1440 + std::clamp(a.start, 0, 1440);
        const int end = a.day * 1440 + std::clamp(a.end, 0, 1440);
        e.availability.push_back({static_cast<std::uint16_t>(start), static_cast<std::uint16_t>(end)});
        for (int h = start / 60; h * 60 < end && h < 168; ++h)
            e.hours[static_cast<std::size_t>(h / 64)] |= std::uint64_t{1} << (h % 64);
    }
    std::sort(e.availability.begin(), e.availability.end(),
              [](const week_span& a, const week_span& b) { return a.start < b.start; });
    for (const auto& l : row.languages)
        e.languages.push_back(languages.intern(l));
    e.max_per_week = static_cast<std::uint8_t>(std::clamp(row.max_missions_per_week, 0, 255));
    e.missions = row.missions;
    std::sort(e.missions.begin(), e.missions.end(),
              [](const mission_stamp& a, const mission_stamp& b) { return a.starts_at < b.starts_at; });
    e.last_mission_at = row.last_mission_at;
    e.ever_mobilised = row.ever_mobilised;
    return e;
}

index_data::layer& index_data::layer_of(unsigned bit) {
    if (bit >= layers_.size())
        layers_.resize(bit + 1);
    return layers_[bit];
}

void index_data::add_to_layers(std::uint32_t slot) {
    const volunteer_entry& e = entries_[slot];
    for (unsigned bit = 0; bit < 64; ++bit) {
        if (!(e.skills >> bit & 1))
            continue;
        layer& l = layer_of(bit);
        auto& by_hood = e.located ? l.located_by_hood : l.unlocated_by_hood;
        if (e.neighbourhood >= by_hood.size())
            by_hood.resize(e.neighbourhood + 1u);
        by_hood[e.neighbourhood].push_back(slot);
        if (e.located)
            l.cells[cell_of(e.lat, e.lon)].push_back({e.lat, e.lon, slot, e.hours});
    }
}

void index_data::remove_from_layers(std::uint32_t slot) {
    const volunteer_entry& e = entries_[slot];
    for (unsigned bit = 0; bit < 64 && bit < layers_.size(); ++bit) {
        if (!(e.skills >> bit & 1))
            continue;
        layer& l = layers_[bit];
        auto& by_hood = e.located ? l.located_by_hood : l.unlocated_by_hood;
        if (e.neighbourhood < by_hood.size()) {
            auto& v = by_hood[e.neighbourhood];
            if (auto it = std::find(v.begin(), v.end(), slot); it != v.end()) {
                *it = v.back();
                v.pop_back();
            }
        }
        if (e.located) {
            auto cell = l.cells.find(cell_of(e.lat, e.lon));
            if (cell != l.cells.end()) {
                auto& v = cell->second;
                auto it = std::find_if(v.begin(), v.end(), [slot](const located& p) { return p.slot == slot; });
                if (it != v.end()) {
                    *it = v.back();
                    v.pop_back();
                }
                if (v.empty())
                    l.cells.erase(cell);
            }
        }
    }
}

void index_data::remove(const std::string& id) {
    auto it = by_id_.find(id);
    if (it == by_id_.end())
        return;
    const std::uint32_t slot = it->second;
    remove_from_layers(slot);
    entries_[slot] = volunteer_entry{};
    free_.push_back(slot);
    by_id_.erase(it);
}

void index_data::upsert(const volunteer_row& row) {
    remove(row.id);
    if (row.status != "active")
        return;
    volunteer_entry e = compile(row);
    std::uint32_t slot;
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
        entries_[slot] = std::move(e);
    } else {
        slot = static_cast<std::uint32_t>(entries_.size());
        entries_.push_back(std::move(e));
    }
    by_id_.emplace(row.id, slot);
    add_to_layers(slot);
}

std::size_t index_data::layer_memberships() const {
    std::size_t n = 0;
    for (const auto& l : layers_) {
        for (const auto& v : l.located_by_hood)
            n += v.size();
        for (const auto& v : l.unlocated_by_hood)
            n += v.size();
        for (const auto& [key, cell] : l.cells)
            n += cell.size();
    }
    return n;
}

const volunteer_entry* index_data::find(const std::string& id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &entries_[it->second];
}

volunteer_index::volunteer_index() : data_(std::make_unique<index_data>()) {}

std::int64_t volunteer_index::applied_seq() const {
    std::shared_lock lock(mutex_);
    return seq_;
}

std::size_t volunteer_index::size() const {
    std::shared_lock lock(mutex_);
    return data_->size();
}

void volunteer_index::replace_all(const std::vector<volunteer_row>& rows, std::int64_t seq) {
    // Built aside, then swapped: queries keep running on the old content meanwhile.
    auto fresh = std::make_unique<index_data>();
    for (const auto& r : rows)
        fresh->upsert(r);
    std::unique_lock lock(mutex_);
    data_.swap(fresh);
    seq_ = seq;
    lock.unlock();
    // `fresh` (the old content) is freed here, outside the lock.
}

bool volunteer_index::apply(const std::vector<volunteer_row>& rows, std::int64_t from_seq, std::int64_t seq) {
    std::unique_lock lock(mutex_);
    if (from_seq > seq_ || seq <= seq_)
        return false;
    for (const auto& r : rows)
        data_->upsert(r);
    seq_ = seq;
    return true;
}

std::vector<volunteer_entry> volunteer_index::compile(const std::vector<volunteer_row>& rows) {
    std::unique_lock lock(mutex_);
    std::vector<volunteer_entry> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back(data_->compile(r));
    return out;
}

}  // namespace relais::match
