#include "notify/sender.hpp"

#include "core/clock.hpp"
#include "core/thread_name.hpp"
#include "core/thread_priority.hpp"
#include "notify/html_body.hpp"
#include "notify/outbox.hpp"
#include "notify/push_subscriptions.hpp"
#include "store/store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace relais::notify {

namespace asio = boost::asio;

sender::sender(store::store& db, core::clock& clk, sender_settings s)
    : db_(db), clk_(clk), s_(std::move(s)), timer_(ioc_) {
    if (!s_.smtp.url.empty())
        mailer_ = std::make_unique<smtp_mailer>(s_.smtp);
    if (!s_.sms.provider.empty())
        texter_ = make_sms_provider(s_.sms);
    if (!s_.push.vapid_private_key.empty())
        pusher_ = std::make_unique<push_client>(s_.push);
}

sender::~sender() {
    stop();
}

void sender::start() {
    asio::co_spawn(ioc_, run(), [](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                spdlog::error("the outbox sender stopped on an error: {}", ex.what());
            }
        }
    });
    thread_ = std::thread([this] {
        core::name_this_thread("relais-sender");
        // Sending is never urgent to the millisecond; answering a person is: under full load the requests'
        // threads come first (issue 14: POSTs with notifications on at >= 90% of the rate without). With
        // time to spare (nearly always) the sender gets all it needs; under load it still gets its share.
        if (s_.nice > 0 && !core::lower_this_thread_priority(s_.nice))
            spdlog::warn("the outbox sender could not lower its priority: it runs at the others'");
        ioc_.run();
    });
}

void sender::stop() {
    if (stopping_.exchange(true))
        return;
    asio::post(ioc_, [this] { timer_.cancel(); });
    if (thread_.joinable())
        thread_.join();
}

void sender::wake() {
    if (woken_.exchange(true))
        return;  // a wake-up is already on its way
    asio::post(ioc_, [this] { timer_.cancel(); });
}

asio::awaitable<void> sender::run() {
    while (!stopping_) {
        woken_ = false;
        int done = 0;
        bool held = false;
        try {
            done = co_await round(held);
        } catch (const std::exception& e) {
            // The database was busy or stopping: try again at the next round.
            spdlog::warn("outbox round failed: {}", e.what());
        }
        if (stopping_)
            break;
        if (held) {
            // Routine messages wait for the surge to pass: look again in a moment for urgent ones (a wake-up
            // per commit would read the queue hundreds of times a second), and for the routine's next turn.
            asio::steady_timer pause(ioc_, held_pause);
            boost::system::error_code ec;
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (done > 0 || woken_)
            continue;  // there may be more due
        timer_.expires_after(s_.idle);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

bool saturation_sign(std::size_t threshold, std::size_t depth, std::uint64_t commits, std::uint64_t jobs,
                     std::uint64_t own) {
    if (threshold == 0)
        return false;
    const std::uint64_t others = jobs - std::min(jobs, own);
    return depth >= threshold || (commits > 0 && others >= commits * threshold);
}

bool sender::saturated_now(std::chrono::steady_clock::time_point now) {
    bool sign = false;
    if (s_.saturated) {
        sign = s_.saturated();
    } else if (s_.saturated_depth > 0) {
        // The writer's queue now, or its group commits since the last look: in a surge each commit takes
        // many jobs at once, and the queue may be nearly empty at the instant the writer has just taken them
        // all. The sender's own jobs (its marks, its writes) are not the requests': they do not count.
        const std::uint64_t commits = db_.stats().commits.load(), jobs = db_.stats().jobs.load();
        const std::uint64_t own = own_jobs_.load();
        sign = saturation_sign(s_.saturated_depth, db_.write_queue_depth(), commits - seen_commits_,
                               jobs - seen_jobs_, own - seen_own_);
        seen_commits_ = commits;
        seen_jobs_ = jobs;
        seen_own_ = own;
    }
    if (sign)
        saturated_until_ = now + s_.saturated_hold;
    return now < saturated_until_;
}

asio::awaitable<int> sender::round(bool& held) {
    const std::int64_t now = clk_.now_s();
    if (s_.daily && (now >= next_daily_ || now < next_daily_ - 120)) {  // (a test clock may go back)
        next_daily_ = now + 60;
        auto daily = [f = s_.daily, now](SQLite::Database& db) { f(db, now); };
        ++own_jobs_;
        co_await db_.write(std::move(daily));
    }
    const int limit = s_.batch;
    std::vector<std::string> skip;  // channels resting after a failure: their messages wait, the others go
    for (const auto& entry : resting_)
        if (resting(entry.first))
            skip.push_back(entry.first);
    // (GCC 12: a lambda temporary inside a co_await expression is destroyed twice; name it first.)
    const auto started = std::chrono::steady_clock::now();
    const bool saturated = saturated_now(started);
    // Saturated, the routine lane waits: only what has been due for the patience goes, one round per pace;
    // the sender looks again every held_pause for urgent ones rather than at each commit's wake-up.
    held = saturated;
    if (held && started - told_yield_at_ >= std::chrono::minutes(1)) {
        told_yield_at_ = started;
        spdlog::info(
            "the requests saturate the server: routine messages wait (up to {} s; urgent ones go at "
            "once)",
            s_.routine_patience.count());
    }
    const bool routine = !saturated || started >= next_routine_at_;
    const std::int64_t routine_due_by = saturated ? now - s_.routine_patience.count() : now;
    struct found {
        std::vector<queued_message> due;
        std::optional<std::int64_t> owed_since;  ///< the oldest receipt owed
    };
    auto read_due = [now, limit, skip, routine, routine_due_by,
                     oldest = s_.oldest_owed](SQLite::Database& db) {
        return found{due_messages(db, now, limit, skip, routine, routine_due_by),
                     oldest ? oldest(db) : std::nullopt};
    };
    // Only what is on disk: never a message for a change a crash of the machine could still undo.
    auto [due, owed_since] = co_await db_.read_durable(std::move(read_due));
    const bool routine_went =
        std::any_of(due.begin(), due.end(), [](const queued_message& m) { return !m.urgent; });
    // The receipts the requests' commits owe are written out as messages (routine ones) by a job of their
    // own: at once with time to spare, and while saturated as the routine lane goes, once owed that long.
    if (owed_since && s_.expand_owed && routine && (!saturated || *owed_since <= routine_due_by)) {
        auto expand = [f = s_.expand_owed, now,
                       n = saturated ? s_.batch : s_.owed_per_job](SQLite::Database& db) { f(db, now, n); };
        ++own_jobs_;
        co_await db_.write(std::move(expand));
        woken_ = true;  // read again at once: they are due (and still in this routine turn)
    }
    if (saturated && routine && routine_went)
        next_routine_at_ = started + s_.routine_pace;  // their round while saturated
    int done = 0;
    std::vector<sent_note> unrecorded;  // sent, not yet marked sent in the outbox (nor posted to be)
    bool posted = false;                // a mark was posted to the writer (post_record) in this round
    auto oldest_unrecorded = std::chrono::steady_clock::now();
    for (auto& m : due) {
        if (stopping_)
            break;
        if (resting(m.channel))
            continue;  // it failed earlier in this round
        send_outcome out;
        std::string provider_id;
        if (m.channel == "sms" && texter_) {
            auto r = texter_->send(m.address, m.text);
            out = std::move(r.outcome);
            provider_id = std::move(r.provider_id);
        } else if (m.channel == "push" && pusher_) {
            out = co_await push_to(m.address, m.kind, m.text);
        } else if (m.channel == "email" && mailer_) {
            mail e;
            e.from_name = s_.from_name;
            e.to = m.address;
            e.subject = m.subject;
            e.text = m.text;
            // Built here, on the sender's thread, not in the commit that queued it.
            e.html = m.html.empty() ? html_body(m.text, m.links) : m.html;
            e.list_unsubscribe = m.unsubscribe_url;
            e.date = clk_.now_s();
            const auto at = s_.smtp.from.rfind('@');
            e.message_id =
                m.id + "@" + (at == std::string::npos ? "relais.invalid" : s_.smtp.from.substr(at + 1));
            out = mailer_->send(std::move(e));
        } else {
            out = {send_outcome::kind::temporary, "the " + m.channel + " channel is not configured"};
        }
        const std::int64_t when = clk_.now_s();
        const std::string id = m.id;
        if (out.result == send_outcome::kind::sent) {
            resting_.erase(m.channel);  // the server is back: no more resting
            ++sent_;
            sent_note note{m.seq, when, std::move(provider_id)};
            // Marked sent at once, so that a crash (kill -9) between the server's "250 OK" and the mark
            // sends again at most the message in hand, not a group. A text is awaited: its delivery report
            // may come back within milliseconds and finds it by the provider's id. An email or a push is
            // handed to the writer without waiting (it joins the requests' next group commit; no commit of
            // its own under load, no wait for the sender); the round waits for them all before it reads the
            // queue again. If the writer's queue is full, it waits with the others of the round.
            if (m.channel != "sms" && post_record(note)) {
                posted = true;
            } else {
                if (unrecorded.empty())
                    oldest_unrecorded = std::chrono::steady_clock::now();
                unrecorded.push_back(std::move(note));
                if (m.channel == "sms" || unrecorded.size() >= record_every ||
                    std::chrono::steady_clock::now() - oldest_unrecorded >= record_within)
                    co_await record(unrecorded);
            }
        } else {
            ++failed_attempts_;
            const bool permanent = out.result == send_outcome::kind::permanent;
            const std::string reason = out.reason;
            auto job = [id, when, permanent, reason](SQLite::Database& db) {
                if (permanent)
                    record_failure(db, id, when, reason);
                else
                    record_temporary_failure(db, id, when, reason);
            };
            ++own_jobs_;
            co_await db_.write(std::move(job));
            // The message's kind and id only: never its address or its text.
            spdlog::warn("message {} ({}) not delivered: {}", id, m.kind, reason);
            if (!permanent) {
                // The server is down or refuses for now: its other messages wait until it has rested, so
                // that an outage costs one attempt (one connection, one log line, one write) per rest, not
                // one per wake-up (every commit wakes the sender).
                auto& rest = resting_[m.channel];
                rest.pause =
                    rest.pause.count() == 0 ? s_.first_rest : std::min(rest.pause * 2, s_.longest_rest);
                rest.until = std::chrono::steady_clock::now() + rest.pause;
                spdlog::warn("the {} channel rests {} ms before its next attempt", m.channel,
                             rest.pause.count());
            }
            continue;
        }
        ++done;
    }
    if (!unrecorded.empty()) {
        co_await record(unrecorded);  // after the posted ones in the writer's queue: it waits for them too
    } else if (posted) {
        // The writer runs its queue in order: once this empty job is committed, every mark posted before
        // it is, and the next read of the queue cannot see those messages as still to send.
        auto after_the_marks = [](SQLite::Database&) {};
        ++own_jobs_;
        co_await db_.write(std::move(after_the_marks));
    }
    co_return done;
}

bool sender::resting(const std::string& channel) const {
    const auto r = resting_.find(channel);
    return r != resting_.end() && std::chrono::steady_clock::now() < r->second.until;
}

bool sender::post_record(const sent_note& n) {
    if (!db_.post_write([n](SQLite::Database& db) { record_sent(db, n.seq, n.at, n.provider_id); }))
        return false;
    ++own_jobs_;
    return true;
}

asio::awaitable<void> sender::record(std::vector<sent_note>& notes) {
    auto job = [notes = std::move(notes)](SQLite::Database& db) {
        for (const auto& n : notes)
            record_sent(db, n.seq, n.at, n.provider_id);
    };
    notes.clear();
    ++own_jobs_;
    co_await db_.write(std::move(job));
}

asio::awaitable<send_outcome> sender::push_to(const std::string& volunteer_id, const std::string& kind,
                                              const std::string& payload) {
    auto read = [volunteer_id](SQLite::Database& db) { return subscriptions_of(db, volunteer_id); };
    const auto devices = co_await db_.read(std::move(read));
    push_message pm;
    pm.payload = payload;
    // A proposal waits for an answer: wake the phone; the rest can wait for its next wake-up.
    pm.urgency = kind == "proposal" || kind == "sign_in_code" ? push_urgency::high : push_urgency::normal;
    send_outcome out{send_outcome::kind::permanent, "no device accepts notifications any more"};
    std::vector<std::string> gone;
    bool sent = false;
    for (const auto& d : devices) {
        const push_outcome r = pusher_->send(d.sub, pm);
        if (r.result == push_outcome::kind::sent)
            sent = true;
        else if (r.result == push_outcome::kind::gone)
            gone.push_back(d.id);
        else if (r.result == push_outcome::kind::temporary || out.result != send_outcome::kind::temporary)
            out = r.as_send_outcome();  // a device that may come back outweighs one that refused
    }
    if (!gone.empty()) {
        auto forget = [gone](SQLite::Database& db) {
            for (const auto& id : gone)
                forget_subscription(db, id);
        };
        ++own_jobs_;
        co_await db_.write(std::move(forget));
    }
    if (sent)
        co_return send_outcome{};
    co_return out;
}

}  // namespace relais::notify
