#pragma once

#include "store/committed_event.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relais::api {

/// The live feed behind the consoles: the committed events of the domain (store::event_dispatcher) become
/// small JSON notices saying what changed ({"type":"event","entity":"mission","id":...,"action":"accepted",
/// "status":"accepted"}), and each subscriber (one WebSocket) receives those its owner may see, in commit
/// order, through its own bounded queue. Thread-safe. Publishing never blocks and never waits for a
/// subscriber: a subscriber whose queue is full is a slow client and is dropped (its channel is closed; the
/// console reconnects and re-fetches). Notices carry ids, statuses and codes only, never personal data.
/// Who sees what: coordinators and admins every event; a volunteer only the events of their own missions.
/// A subscription may name its owner (session and account): the hub then caps the subscriptions per session
/// and per account (one session must not take every slot), and closes an owner's subscriptions when the
/// session or the account ends (logout, password change, disabled account).
class event_hub {
  public:
    /// Whose events a subscription receives.
    enum class audience {
        staff,     ///< coordinators and admins: every event
        volunteer  ///< a volunteer: the events of missions whose volunteer is `volunteer_id`
    };

    /// Who holds a subscription: ids only (the session's token hash, the account id, the volunteer).
    struct owner {
        std::string session_id;
        std::string user_id;
        audience sees = audience::staff;
        std::string volunteer_id;  ///< for audience::volunteer
    };

    /// Why a subscription is refused.
    enum class refusal { stopped, full, session_cap, user_cap };

    /// One subscriber's queue. Receive with `async_receive`; a closed channel means "dropped or shutting
    /// down": the consumer ends its connection.
    using channel =
        boost::asio::experimental::concurrent_channel<void(boost::system::error_code, std::string)>;

    /// `queue_capacity` notices may wait per subscriber (a batch plan of hundreds of assignments is one
    /// burst of events); at most `max_subscribers` at once.
    explicit event_hub(std::size_t queue_capacity = 1024, std::size_t max_subscribers = 256)
        : capacity_(queue_capacity), max_subscribers_(max_subscribers) {}

    event_hub(const event_hub&) = delete;
    event_hub& operator=(const event_hub&) = delete;

    /// A new subscription for `who` whose completions run on `ex`, within the per-session and per-account
    /// caps; nullptr when refused (stopped, full, over a cap).
    std::shared_ptr<channel> subscribe(const boost::asio::any_io_executor& ex, const owner& who);

    /// Why a subscription for `who` would be refused now, or nullopt (the upgrade's early 429; the
    /// subscription itself checks again).
    std::optional<refusal> admits(const owner& who) const;

    /// Per-session and per-account caps (0 = no cap). Call before serving.
    void set_caps(std::size_t per_session, std::size_t per_user);

    /// Closes the subscriptions of session `session_id`; returns how many.
    std::size_t end_session(std::string_view session_id);

    /// Closes the subscriptions of account `user_id`, except those of session `keep_session`; how many.
    std::size_t end_user(std::string_view user_id, std::string_view keep_session = {});

    /// Removes a subscription (idempotent) and closes its channel.
    void unsubscribe(const std::shared_ptr<channel>& sub);

    /// Offers `notice` to every subscriber without waiting; full subscribers are dropped.
    void publish(const std::string& notice);

    /// Offers each event of a committed batch, as its notice, to the subscribers whose owner may see it, in
    /// order; after a gap (lost batches) first a {"type":"resync"} to everyone. Called by the event
    /// dispatcher's thread; never waits for a subscriber.
    void publish(const store::committed_batch& batch);

    /// Closes every subscription and refuses new ones (server shutdown).
    void stop();

    /// Current subscribers.
    std::size_t subscribers() const;
    /// Subscribers dropped because they did not keep up, since start.
    std::uint64_t dropped() const { return dropped_.load(); }
    /// Notices published since start (one per event or broadcast, whoever received it).
    std::uint64_t published() const { return published_.load(); }

  private:
    struct entry {
        std::shared_ptr<channel> ch;
        owner who;
    };

    std::optional<refusal> admits_locked(const owner& who) const;
    void forget_locked(const entry& e);
    template <class Pred>
    std::size_t end_if(Pred pred);

    const std::size_t capacity_;
    const std::size_t max_subscribers_;
    std::size_t per_session_ = 0;
    std::size_t per_user_ = 0;
    mutable std::mutex mutex_;
    std::vector<entry> subs_;
    std::unordered_map<std::string, std::size_t> by_session_, by_user_;
    bool stopped_ = false;
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> published_{0};
};

/// The live-feed notice of a committed event: {"type":"event","seq","entity","id","action"} with "status"
/// (the status after), "from", "reason" when the log has them, and the ids "request_id", "volunteer_id",
/// "support_id" of its data when present. Ids and codes only: the rest of the event's data stays out.
std::string event_notice(const store::committed_event& e);

/// True if a subscriber owned by `who` may see `e`.
bool may_see(const event_hub::owner& who, const store::committed_event& e);

}  // namespace relais::api
