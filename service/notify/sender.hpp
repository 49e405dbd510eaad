#pragma once

#include "notify/push_client.hpp"
#include "notify/sms_provider.hpp"
#include "notify/smtp_mailer.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace relais::core {
class clock;
}
namespace relais::store {
class store;
}

namespace relais::notify {

struct sender_settings {
    smtp_settings smtp;                    ///< email (url empty: off)
    sms_settings sms;                      ///< text messages (provider empty: off)
    push_settings push;                    ///< web push (no VAPID key: off)
    std::string from_name;                 ///< the display name of the sender (the programme's name)
    std::chrono::milliseconds idle{2000};  ///< how often the outbox is looked at when nothing wakes it
    int batch = 50;                        ///< messages read per round
    /// The sender thread's nice value (0: the others' priority): background work, behind the requests.
    int nice = 19;
    /// After a temporary failure (server down, 4xx) a channel rests: `first_rest`, then twice as long after
    /// each new failure, at most `longest_rest`; a message sent on it ends the rest. Each message still has
    /// its own back-off (outbox.hpp: retry_delay).
    std::chrono::milliseconds first_rest{5000};
    std::chrono::milliseconds longest_rest{300000};
    /// While the requests saturate the server, the messages that are not urgent (urgent_kind: a receipt, a
    /// validation, a reserve call, the digest...) yield to them: they wait until the surge is over, or until
    /// they have been due for `routine_patience`, and then go one round of them (`batch`) per `routine_pace`
    /// at most; the urgent ones go at once. None is lost: they wait in the outbox. Saturated: `saturated()`
    /// says so; empty: the writer's queue holds at least `saturated_depth` jobs (requests waiting for a
    /// commit) when a round begins, the sender's own marks being all committed by then, or its group commits
    /// since the last round took that many jobs each on average, the sender's own left out. It stays so for
    /// `saturated_hold` after the last sign of it.
    std::function<bool()> saturated;
    std::size_t saturated_depth = 4;  ///< 0: never saturated
    std::chrono::milliseconds saturated_hold{1000};
    std::chrono::seconds routine_patience{300};
    std::chrono::milliseconds routine_pace{1000};
    /// Receipts owed by the requests' commits (notify::expand_owed_receipts): run through the writer to write
    /// up to the given number of them out as messages, when the server is not saturated (up to
    /// `owed_per_job` a job), else once they have been owed for `routine_patience` (a round, `batch`, per
    /// `routine_pace`); reading when the oldest was recorded. Empty: none are looked for.
    std::function<int(SQLite::Database&, std::int64_t now, int limit)> expand_owed;
    std::function<std::optional<std::int64_t>(SQLite::Database&)> oldest_owed;
    int owed_per_job = 500;
    /// Run through the writer about once a minute (programme time): what is due at a time of day rather
    /// than on a change (the coordinators' morning digest). Empty: nothing.
    std::function<void(SQLite::Database&, std::int64_t now)> daily;
};

/// A sign that the requests saturate the server (sender_settings::saturated_depth, `threshold`; 0: never):
/// the writer's queue holds `depth` >= `threshold` jobs now, or its `commits` since the last look took
/// `threshold` jobs each on average, not counting the sender's `own` among their `jobs`.
bool saturation_sign(std::size_t threshold, std::size_t depth, std::uint64_t commits, std::uint64_t jobs,
                     std::uint64_t own);

/// Delivers the outbox, on a thread of its own (never an I/O thread, never the writer): reads the due
/// messages through the store's readers, sends each through its channel (blocking calls, on this thread),
/// and records the outcome through the writer (sent; retried later with back-off; failed). It wakes when a
/// commit may have queued something (wake()) and otherwise every `idle`.
///
/// Delivery is at least once, as close to once as SMTP allows: a message is marked sent in a commit after
/// its server accepted it, so a crash between the two sends it again after the restart, with the same
/// Message-ID (receiving systems recognise it). Each is marked as soon as it is accepted: a text in a writer
/// job the sender waits for; an email or a push in one it posts without waiting, which the writer folds into
/// its next group commit (no commit of its own under load), the round waiting for them all at its end. A
/// crash (kill -9) thus resends at most the message in hand. Only when the writer's queue is full are marks
/// kept and written by groups (up to record_every, never more than record_within after the first of them).
/// A message is never lost: it stays queued until sent or failed.
class sender {
  public:
    sender(store::store& db, core::clock& clk, sender_settings s);
    ~sender();
    sender(const sender&) = delete;
    sender& operator=(const sender&) = delete;

    void start();
    /// Finishes the message in hand, then stops. Idempotent.
    void stop();
    /// Looks at the outbox at once (thread-safe; cheap when called often).
    void wake();

    std::uint64_t sent() const noexcept { return sent_.load(); }
    std::uint64_t failed_attempts() const noexcept { return failed_attempts_.load(); }

    /// See the class comment: when the writer's queue is full, how many sent emails or pushes, or how long,
    /// before they are marked sent.
    static constexpr std::size_t record_every = 32;
    static constexpr std::chrono::milliseconds record_within{200};
    /// While routine messages are held, how soon the queue is read again (for urgent ones): at most this
    /// late.
    static constexpr std::chrono::milliseconds held_pause{50};

  private:
    struct sent_note {
        std::int64_t seq = 0;  ///< the message's row
        std::int64_t at = 0;
        std::string provider_id;
    };

    boost::asio::awaitable<void> run();
    /// True while `channel` rests after a failure (resting_).
    bool resting(const std::string& channel) const;
    /// Posts the mark of one message sent to the writer without waiting; false if its queue is full.
    bool post_record(const sent_note& n);
    /// Marks `notes` sent, in one writer job; empties it.
    boost::asio::awaitable<void> record(std::vector<sent_note>& notes);
    /// Sends what is due; returns how many went out. `held`: routine messages were left for later (the
    /// server saturated), so the sender looks again soon, not only when woken.
    boost::asio::awaitable<int> round(bool& held);
    /// Samples the saturation (sender_settings::saturated); true while it lasts (`saturated_hold` after its
    /// last sign).
    bool saturated_now(std::chrono::steady_clock::time_point now);
    /// Pushes `payload` to every device of volunteer `volunteer_id`: sent if one took it; the devices whose
    /// push service says they are gone are forgotten.
    boost::asio::awaitable<send_outcome> push_to(const std::string& volunteer_id, const std::string& kind,
                                                 const std::string& payload);

    store::store& db_;
    core::clock& clk_;
    sender_settings s_;
    std::unique_ptr<smtp_mailer> mailer_;
    std::unique_ptr<sms_provider> texter_;
    std::unique_ptr<push_client> pusher_;
    boost::asio::io_context ioc_;
    boost::asio::steady_timer timer_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> woken_{false};
    std::atomic<std::uint64_t> sent_{0}, failed_attempts_{0};
    std::int64_t next_daily_ = 0;  ///< programme time of the next `daily` run (this thread only)
    struct rest {
        std::chrono::steady_clock::time_point until;
        std::chrono::milliseconds pause{0};
    };
    std::map<std::string, rest> resting_;  ///< channels resting after a failure (this thread only)
    // Saturation (this thread only): until when it counts as saturated, when routine messages may go next,
    // and when the log last said they yield.
    std::chrono::steady_clock::time_point saturated_until_{}, next_routine_at_{}, told_yield_at_{};
    /// The writer's commits and jobs, and the sender's own jobs, at the last look (saturated_now).
    std::uint64_t seen_commits_ = 0, seen_jobs_ = 0, seen_own_ = 0;
    /// Jobs the sender gave the writer (only this thread counts them; read by saturated_now).
    std::atomic<std::uint64_t> own_jobs_{0};
    std::thread thread_;
};

}  // namespace relais::notify
