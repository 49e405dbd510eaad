#include "store/event_dispatcher.hpp"

#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace relais::store {

event_dispatcher::event_dispatcher(std::size_t capacity) : capacity_(capacity) {
    thread_ = std::thread([this] {
        core::name_this_thread("relais-events");
        loop();
    });
}

event_dispatcher::~event_dispatcher() {
    stop();
}

std::uint64_t event_dispatcher::subscribe(handler h) {
    std::lock_guard lock(subs_mutex_);
    const auto id = next_id_++;
    subs_.emplace_back(id, std::move(h));
    return id;
}

void event_dispatcher::unsubscribe(std::uint64_t id) {
    std::lock_guard lock(subs_mutex_);
    std::erase_if(subs_, [id](const auto& s) { return s.first == id; });
}

void event_dispatcher::publish(std::vector<committed_event> events) {
    if (events.empty())
        return;
    {
        std::lock_guard lock(queue_mutex_);
        if (stopping_ || queued_events_ + events.size() > capacity_) {
            lost_ = true;
            dropped_++;
            return;
        }
        queued_events_ += events.size();
        queue_.push_back(committed_batch{std::move(events), lost_});
        lost_ = false;
    }
    wake_.notify_one();
}

void event_dispatcher::report_gap() {
    std::lock_guard lock(queue_mutex_);
    lost_ = true;
}

void event_dispatcher::stop() {
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable())
        thread_.join();
}

void event_dispatcher::loop() {
    for (;;) {
        committed_batch batch;
        {
            std::unique_lock lock(queue_mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty())
                return;  // stopping, and everything queued was delivered
            batch = std::move(queue_.front());
            queue_.pop_front();
            queued_events_ -= batch.events.size();
        }
        std::lock_guard lock(subs_mutex_);
        for (auto& [id, h] : subs_) {
            try {
                h(batch);
            } catch (const std::exception& e) {
                spdlog::error("an event subscriber failed on a batch of {} events: {}", batch.events.size(),
                              e.what());
            }
        }
        delivered_++;
    }
}

}  // namespace relais::store
