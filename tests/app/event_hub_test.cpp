// The live feed's hub: notices in order to every subscriber, a slow subscriber dropped (never a blocked
// writer), bounded subscribers, shutdown, what a committed event's notice holds and who receives it.
#include "api/event_hub.hpp"

#include <doctest/doctest.h>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <thread>
#include <vector>

using relais::api::event_hub;

namespace {

/// Everything waiting in a subscriber's queue, without blocking.
std::vector<std::string> drain(event_hub::channel& ch) {
    std::vector<std::string> out;
    while (ch.try_receive([&](boost::system::error_code ec, std::string s) {
        if (!ec)
            out.push_back(std::move(s));
    })) {
    }
    return out;
}

}  // namespace

TEST_CASE("every subscriber gets every notice, in order") {
    boost::asio::io_context ioc;
    event_hub hub(8, 10);
    auto a = hub.subscribe(ioc.get_executor(), {});
    auto b = hub.subscribe(ioc.get_executor(), {});
    REQUIRE(a);
    REQUIRE(b);
    hub.publish("1");
    hub.publish("2");
    hub.publish("3");
    CHECK(drain(*a) == std::vector<std::string>{"1", "2", "3"});
    CHECK(drain(*b) == std::vector<std::string>{"1", "2", "3"});
    CHECK(hub.subscribers() == 2);
    CHECK(hub.published() == 3);
}

TEST_CASE("a subscriber that does not keep up is dropped; the others and the writer carry on") {
    boost::asio::io_context ioc;
    event_hub hub(2, 10);
    auto slow = hub.subscribe(ioc.get_executor(), {});
    auto fast = hub.subscribe(ioc.get_executor(), {});
    hub.publish("1");
    hub.publish("2");
    CHECK(drain(*fast).size() == 2);
    hub.publish("3");  // slow's queue (2) is full: dropped
    CHECK(hub.dropped() == 1);
    CHECK(hub.subscribers() == 1);
    CHECK_FALSE(slow->is_open());
    CHECK(drain(*fast) == std::vector<std::string>{"3"});
    hub.publish("4");
    CHECK(drain(*fast) == std::vector<std::string>{"4"});
}

TEST_CASE("publishers on many threads never block on a subscriber that never reads") {
    boost::asio::io_context ioc;
    event_hub hub(4, 10);
    auto idle = hub.subscribe(ioc.get_executor(), {});
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
        writers.emplace_back([&] {
            for (int i = 0; i < 1000; ++i)
                hub.publish("x");
        });
    for (auto& w : writers)
        w.join();
    CHECK(hub.published() == 4000);
    CHECK(hub.dropped() == 1);
    CHECK(hub.subscribers() == 0);
}

TEST_CASE("the number of subscribers is bounded; unsubscribe frees a place and closes the channel") {
    boost::asio::io_context ioc;
    event_hub hub(4, 2);
    auto a = hub.subscribe(ioc.get_executor(), {});
    auto b = hub.subscribe(ioc.get_executor(), {});
    CHECK_FALSE(hub.subscribe(ioc.get_executor(), {}));
    hub.unsubscribe(a);
    CHECK_FALSE(a->is_open());
    hub.unsubscribe(a);  // idempotent
    CHECK(hub.subscribe(ioc.get_executor(), {}));
}

TEST_CASE("stop closes every subscription and refuses new ones") {
    boost::asio::io_context ioc;
    event_hub hub;
    auto a = hub.subscribe(ioc.get_executor(), {});
    hub.stop();
    CHECK_FALSE(a->is_open());
    CHECK(hub.subscribers() == 0);
    CHECK_FALSE(hub.subscribe(ioc.get_executor(), {}));
    hub.publish("after");  // harmless
}

namespace {

relais::store::committed_event mission_event(std::int64_t seq, const std::string& id,
                                             const std::string& volunteer, const std::string& to) {
    relais::store::committed_event e;
    e.seq = seq;
    e.actor = "user-1";
    e.entity = "mission";
    e.entity_id = id;
    e.action = to;
    e.from_status = "proposed";
    e.to_status = to;
    e.data = {{"request_id", "req-1"}, {"volunteer_id", volunteer}, {"category", "shopping"}};
    return e;
}

}  // namespace

TEST_CASE("an event's notice: entity, id, action, statuses, reason and ids; nothing else of its data") {
    auto e = mission_event(42, "mis-1", "vol-1", "declined");
    e.reason = "too_far";
    e.data["neighbourhood"] = "centre";
    auto v = boost::json::parse(relais::api::event_notice(e)).as_object();
    CHECK(v.at("type").as_string() == "event");
    CHECK(v.at("seq").to_number<std::int64_t>() == 42);
    CHECK(v.at("entity").as_string() == "mission");
    CHECK(v.at("id").as_string() == "mis-1");
    CHECK(v.at("action").as_string() == "declined");
    CHECK(v.at("status").as_string() == "declined");
    CHECK(v.at("from").as_string() == "proposed");
    CHECK(v.at("reason").as_string() == "too_far");
    CHECK(v.at("request_id").as_string() == "req-1");
    CHECK(v.at("volunteer_id").as_string() == "vol-1");
    CHECK_FALSE(v.contains("category"));
    CHECK_FALSE(v.contains("neighbourhood"));
    CHECK_FALSE(v.contains("actor"));
    CHECK(v.size() == 10);
}

TEST_CASE("staff see every event; a volunteer only their own missions' events") {
    boost::asio::io_context ioc;
    event_hub hub(16, 10);
    using aud = event_hub::audience;
    auto staff = hub.subscribe(ioc.get_executor(), {"s1", "u1", aud::staff, ""});
    auto vol1 = hub.subscribe(ioc.get_executor(), {"s2", "u2", aud::volunteer, "vol-1"});
    auto vol2 = hub.subscribe(ioc.get_executor(), {"s3", "u3", aud::volunteer, "vol-2"});
    auto nobody = hub.subscribe(ioc.get_executor(), {"s4", "u4", aud::volunteer, ""});
    relais::store::committed_batch batch;
    batch.events.push_back(mission_event(1, "mis-1", "vol-1", "accepted"));
    relais::store::committed_event request;
    request.seq = 2;
    request.entity = "request";
    request.entity_id = "req-1";
    request.action = "redispatch_flagged";
    request.data = {{"mission_id", "mis-2"}, {"volunteer_id", "vol-1"}};  // not a mission: staff only
    batch.events.push_back(request);
    batch.events.push_back(mission_event(3, "mis-2", "vol-2", "declined"));
    hub.publish(batch);

    auto ids = [](std::vector<std::string> notices) {
        std::vector<std::string> out;
        for (const auto& n : notices)
            out.emplace_back(boost::json::parse(n).at("id").as_string());
        return out;
    };
    CHECK(ids(drain(*staff)) == std::vector<std::string>{"mis-1", "req-1", "mis-2"});
    CHECK(ids(drain(*vol1)) == std::vector<std::string>{"mis-1"});
    CHECK(ids(drain(*vol2)) == std::vector<std::string>{"mis-2"});
    CHECK(drain(*nobody).empty());
    CHECK(hub.published() == 3);
}

TEST_CASE("after lost batches every subscriber is told to resync, then gets the events") {
    boost::asio::io_context ioc;
    event_hub hub(16, 10);
    auto staff = hub.subscribe(ioc.get_executor(), {});
    auto vol = hub.subscribe(ioc.get_executor(), {"s", "u", event_hub::audience::volunteer, "vol-9"});
    relais::store::committed_batch batch;
    batch.gap = true;
    batch.events.push_back(mission_event(7, "mis-7", "vol-1", "accepted"));
    hub.publish(batch);
    auto got = drain(*staff);
    REQUIRE(got.size() == 2);
    CHECK(boost::json::parse(got[0]).at("type").as_string() == "resync");
    CHECK(boost::json::parse(got[1]).at("id").as_string() == "mis-7");
    auto theirs = drain(*vol);
    REQUIRE(theirs.size() == 1);
    CHECK(boost::json::parse(theirs[0]).at("type").as_string() == "resync");
}

TEST_CASE("per-session and per-account caps; ending a session or an account closes its subscriptions") {
    boost::asio::io_context ioc;
    event_hub hub(4, 100);
    hub.set_caps(2, 3);
    const event_hub::owner s1{"session-1", "user-a", event_hub::audience::staff, ""},
        s2{"session-2", "user-a", event_hub::audience::staff, ""},
        other{"session-3", "user-b", event_hub::audience::staff, ""};
    auto a1 = hub.subscribe(ioc.get_executor(), s1);
    auto a2 = hub.subscribe(ioc.get_executor(), s1);
    REQUIRE(a1);
    REQUIRE(a2);
    CHECK(hub.admits(s1) == event_hub::refusal::session_cap);
    CHECK_FALSE(hub.subscribe(ioc.get_executor(), s1));  // a third for the same session
    auto b1 = hub.subscribe(ioc.get_executor(), s2);     // the same account's other session
    REQUIRE(b1);
    CHECK(hub.admits(s2) == event_hub::refusal::user_cap);  // the account holds 3
    CHECK_FALSE(hub.subscribe(ioc.get_executor(), s2));
    auto c1 = hub.subscribe(ioc.get_executor(), other);  // another coordinator still connects
    REQUIRE(c1);
    CHECK_FALSE(hub.admits(other));

    hub.unsubscribe(a2);  // gives its place back
    CHECK_FALSE(hub.admits(s1));

    // Logout: the session's subscriptions close, the account's others stay.
    CHECK(hub.end_session("session-1") == 1);
    CHECK_FALSE(a1->is_open());
    CHECK(b1->is_open());
    // A password change ends the account's other sessions: all but the one kept.
    auto a3 = hub.subscribe(ioc.get_executor(), s1);
    REQUIRE(a3);
    CHECK(hub.end_user("user-a", "session-2") == 1);
    CHECK_FALSE(a3->is_open());
    CHECK(b1->is_open());
    // A disabled account: all of them.
    CHECK(hub.end_user("user-a") == 1);
    CHECK_FALSE(b1->is_open());
    CHECK(c1->is_open());
    CHECK(hub.subscribers() == 1);
    // The counts followed: the account may subscribe again up to its caps.
    CHECK_FALSE(hub.admits(s1));
    CHECK(hub.end_session("") == 0);
    CHECK(hub.end_user("") == 0);
}

TEST_CASE("a dropped slow subscriber gives its session's place back") {
    boost::asio::io_context ioc;
    event_hub hub(1, 100);
    hub.set_caps(1, 0);
    const event_hub::owner who{"session-x", "user-x", event_hub::audience::staff, ""};
    auto slow = hub.subscribe(ioc.get_executor(), who);
    REQUIRE(slow);
    CHECK(hub.admits(who) == event_hub::refusal::session_cap);
    hub.publish("1");
    hub.publish("2");  // queue of 1 full: dropped
    CHECK(hub.dropped() == 1);
    CHECK_FALSE(hub.admits(who));
}
