#include "api/event_hub.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace relais::api {

std::shared_ptr<event_hub::channel> event_hub::subscribe(const boost::asio::any_io_executor& ex,
                                                         const owner& who) {
    std::lock_guard lock(mutex_);
    if (admits_locked(who))
        return nullptr;
    auto sub = std::make_shared<channel>(ex, capacity_);
    subs_.push_back({sub, who});
    if (!who.session_id.empty())
        by_session_[who.session_id]++;
    if (!who.user_id.empty())
        by_user_[who.user_id]++;
    return sub;
}

std::optional<event_hub::refusal> event_hub::admits(const owner& who) const {
    std::lock_guard lock(mutex_);
    return admits_locked(who);
}

std::optional<event_hub::refusal> event_hub::admits_locked(const owner& who) const {
    if (stopped_)
        return refusal::stopped;
    if (subs_.size() >= max_subscribers_)
        return refusal::full;
    auto over = [](const auto& counts, const std::string& key, std::size_t cap) {
        if (cap == 0 || key.empty())
            return false;
        auto it = counts.find(key);
        return it != counts.end() && it->second >= cap;
    };
    if (over(by_session_, who.session_id, per_session_))
        return refusal::session_cap;
    if (over(by_user_, who.user_id, per_user_))
        return refusal::user_cap;
    return std::nullopt;
}

void event_hub::set_caps(std::size_t per_session, std::size_t per_user) {
    std::lock_guard lock(mutex_);
    per_session_ = per_session;
    per_user_ = per_user;
}

void event_hub::forget_locked(const entry& e) {
    auto drop = [](auto& counts, const std::string& key) {
        if (key.empty())
            return;
        if (auto it = counts.find(key); it != counts.end() && --it->second == 0)
            counts.erase(it);
    };
    drop(by_session_, e.who.session_id);
    drop(by_user_, e.who.user_id);
}

template <class Pred>
std::size_t event_hub::end_if(Pred pred) {
    std::vector<std::shared_ptr<channel>> ended;
    {
        std::lock_guard lock(mutex_);
        std::erase_if(subs_, [&](const entry& e) {
            if (!pred(e))
                return false;
            forget_locked(e);
            ended.push_back(e.ch);
            return true;
        });
    }
    // Closing outside the lock: the feed's writer wakes up and sends its close frame.
    for (auto& ch : ended)
        ch->close();
    return ended.size();
}

void event_hub::unsubscribe(const std::shared_ptr<channel>& sub) {
    if (!sub)
        return;
    end_if([&](const entry& e) { return e.ch == sub; });
    sub->close();
}

std::size_t event_hub::end_session(std::string_view session_id) {
    if (session_id.empty())
        return 0;
    return end_if([&](const entry& e) { return e.who.session_id == session_id; });
}

std::size_t event_hub::end_user(std::string_view user_id, std::string_view keep_session) {
    if (user_id.empty())
        return 0;
    return end_if([&](const entry& e) {
        return e.who.user_id == user_id && (keep_session.empty() || e.who.session_id != keep_session);
    });
}

void event_hub::publish(const std::string& notice) {
    published_++;
    std::lock_guard lock(mutex_);
    // try_send never blocks: it hands the notice to a waiting receiver or queues it, or fails when the
    // subscriber's queue is full. A subscriber that far behind is dropped rather than slowing writers.
    std::erase_if(subs_, [&](const entry& e) {
        if (e.ch->try_send(boost::system::error_code{}, notice))
            return false;
        e.ch->close();
        forget_locked(e);
        dropped_++;
        return true;
    });
}

void event_hub::stop() {
    std::vector<entry> subs;
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        subs.swap(subs_);
        by_session_.clear();
        by_user_.clear();
    }
    for (auto& e : subs)
        e.ch->close();
}

std::size_t event_hub::subscribers() const {
    std::lock_guard lock(mutex_);
    return subs_.size();
}

std::string event_notice(const store::committed_event& e) {
    boost::json::object o{
        {"type", "event"}, {"seq", e.seq}, {"entity", e.entity}, {"id", e.entity_id}, {"action", e.action}};
    if (e.to_status)
        o["status"] = *e.to_status;
    if (e.from_status)
        o["from"] = *e.from_status;
    if (e.reason)
        o["reason"] = *e.reason;
    // Only these ids of the event's data: what a console needs to find the views to redraw.
    for (const char* key : {"request_id", "volunteer_id", "support_id"})
        if (auto it = e.data.find(key); it != e.data.end() && it->value().is_string())
            o[key] = it->value();
    return boost::json::serialize(o);
}

bool may_see(const event_hub::owner& who, const store::committed_event& e) {
    if (who.sees == event_hub::audience::staff)
        return true;
    if (who.volunteer_id.empty() || e.entity != "mission")
        return false;
    auto it = e.data.find("volunteer_id");
    return it != e.data.end() && it->value().is_string() && it->value().as_string() == who.volunteer_id;
}

void event_hub::publish(const store::committed_batch& batch) {
    if (batch.gap)
        publish(boost::json::serialize(boost::json::object{{"type", "resync"}}));
    for (const auto& e : batch.events) {
        const std::string notice = event_notice(e);
        published_++;
        std::lock_guard lock(mutex_);
        std::erase_if(subs_, [&](const entry& s) {
            if (!may_see(s.who, e) || s.ch->try_send(boost::system::error_code{}, notice))
                return false;
            s.ch->close();
            forget_locked(s);
            dropped_++;
            return true;
        });
    }
}

}  // namespace relais::api
