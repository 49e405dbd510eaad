#include "app/event_hub.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>

namespace relais::app {

std::shared_ptr<event_hub::channel> event_hub::subscribe(const boost::asio::any_io_executor& ex) {
    std::lock_guard lock(mutex_);
    if (stopped_ || subs_.size() >= max_subscribers_)
        return nullptr;
    auto sub = std::make_shared<channel>(ex, capacity_);
    subs_.push_back(sub);
    return sub;
}

void event_hub::unsubscribe(const std::shared_ptr<channel>& sub) {
    if (!sub)
        return;
    {
        std::lock_guard lock(mutex_);
        std::erase(subs_, sub);
    }
    sub->close();
}

void event_hub::publish(const std::string& notice) {
    published_++;
    std::lock_guard lock(mutex_);
    // try_send never blocks: it hands the notice to a waiting receiver or queues it, or fails when the
    // subscriber's queue is full. A subscriber that far behind is dropped rather than slowing writers.
    std::erase_if(subs_, [&](const std::shared_ptr<channel>& sub) {
        if (sub->try_send(boost::system::error_code{}, notice))
            return false;
        sub->close();
        dropped_++;
        return true;
    });
}

void event_hub::stop() {
    std::vector<std::shared_ptr<channel>> subs;
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        subs.swap(subs_);
    }
    for (auto& sub : subs)
        sub->close();
}

std::size_t event_hub::subscribers() const {
    std::lock_guard lock(mutex_);
    return subs_.size();
}

bool changes_dispatch_queue(std::string_view method, std::string_view route, unsigned status) {
    if (status < 200 || status >= 300)
        return false;
    if (method == "GET" || method == "HEAD" || method == "OPTIONS")
        return false;
    static constexpr std::array<std::string_view, 7> prefixes{
        "/api/v1/requests", "/api/v1/missions", "/api/v1/volunteers", "/api/v1/supports",
        "/api/v1/track/",   "/demande",         "/suivi/annuler"};
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](std::string_view p) { return route.starts_with(p); });
}

std::string change_notice(std::string_view route) {
    return boost::json::serialize(boost::json::object{{"type", "changed"}, {"route", route}});
}

}  // namespace relais::app
