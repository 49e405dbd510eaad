#pragma once

#include "store/committed_event.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace relais::store {

/// Hands the events of each successful group commit to in-process subscribers, in commit order, on a thread
/// of its own: the writer only queues the batch and goes on with the next commit, whatever the subscribers
/// do. The queue is bounded (in events): if the subscribers fall that far behind, a batch is dropped rather
/// than holding up writes or growing without bound, and the next delivered batch says so (`gap`), so a
/// subscriber that keeps state re-reads it from the database (the log itself is complete).
///
/// Subscribers: the live feed (api::event_hub), the matching index (match::engine), and later the
/// notification outbox. A subscriber that must not miss anything across a restart or a gap (the outbox)
/// keeps its position in the log (`committed_event::seq`) and reads from the `event` table after a gap.
class event_dispatcher {
  public:
    /// Called on the dispatcher thread, one batch at a time, in commit order. Must not block for long
    /// (post slow work elsewhere) and must not subscribe or unsubscribe. An exception is logged and the
    /// other subscribers still get the batch.
    using handler = std::function<void(const committed_batch&)>;

    /// At most `capacity` events wait for the subscribers.
    explicit event_dispatcher(std::size_t capacity = 65536);
    ~event_dispatcher();

    event_dispatcher(const event_dispatcher&) = delete;
    event_dispatcher& operator=(const event_dispatcher&) = delete;

    /// Adds a subscriber; it gets the batches committed from now on. Returns its id for `unsubscribe`.
    std::uint64_t subscribe(handler h);

    /// Removes a subscriber; once this returns, its handler is not running and will not run again.
    void unsubscribe(std::uint64_t id);

    /// Queues the events of a commit that succeeded (the writer thread); never blocks. Empty: nothing.
    void publish(std::vector<committed_event> events);

    /// A commit's events could not be read: the next delivered batch says `gap`.
    void report_gap();

    /// Delivers what is queued, then stops the thread; later publishes are dropped. Idempotent.
    void stop();

    /// Batches handed to the subscribers, and dropped because the queue was full, since start.
    std::uint64_t delivered() const noexcept { return delivered_.load(); }
    std::uint64_t dropped() const noexcept { return dropped_.load(); }

  private:
    void loop();

    const std::size_t capacity_;
    std::mutex queue_mutex_;
    std::condition_variable wake_;
    std::deque<committed_batch> queue_;
    std::size_t queued_events_ = 0;
    bool lost_ = false;  ///< a batch was dropped since the last one queued
    bool stopping_ = false;

    std::mutex subs_mutex_;  ///< held while handlers run, so unsubscribe waits for a running one
    std::vector<std::pair<std::uint64_t, handler>> subs_;
    std::uint64_t next_id_ = 1;

    std::atomic<std::uint64_t> delivered_{0}, dropped_{0};
    std::thread thread_;
};

}  // namespace relais::store
