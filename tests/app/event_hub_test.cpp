// The live feed's hub: notices in order to every subscriber, a slow subscriber dropped (never a blocked
// writer), bounded subscribers, shutdown, and which requests produce a notice.
#include "app/event_hub.hpp"

#include <doctest/doctest.h>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <thread>
#include <vector>

using relais::app::event_hub;

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
    auto a = hub.subscribe(ioc.get_executor());
    auto b = hub.subscribe(ioc.get_executor());
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
    auto slow = hub.subscribe(ioc.get_executor());
    auto fast = hub.subscribe(ioc.get_executor());
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
    auto idle = hub.subscribe(ioc.get_executor());
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
    auto a = hub.subscribe(ioc.get_executor());
    auto b = hub.subscribe(ioc.get_executor());
    CHECK_FALSE(hub.subscribe(ioc.get_executor()));
    hub.unsubscribe(a);
    CHECK_FALSE(a->is_open());
    hub.unsubscribe(a);  // idempotent
    CHECK(hub.subscribe(ioc.get_executor()));
}

TEST_CASE("stop closes every subscription and refuses new ones") {
    boost::asio::io_context ioc;
    event_hub hub;
    auto a = hub.subscribe(ioc.get_executor());
    hub.stop();
    CHECK_FALSE(a->is_open());
    CHECK(hub.subscribers() == 0);
    CHECK_FALSE(hub.subscribe(ioc.get_executor()));
    hub.publish("after");  // harmless
}

TEST_CASE("which answered requests change the dispatch queue") {
    using relais::app::changes_dispatch_queue;
    CHECK(changes_dispatch_queue("POST", "/api/v1/requests", 201));
    CHECK(changes_dispatch_queue("POST", "/api/v1/missions/{id}/accept", 200));
    CHECK(changes_dispatch_queue("POST", "/api/v1/volunteers", 201));
    CHECK(changes_dispatch_queue("PATCH", "/api/v1/supports/{id}", 200));
    CHECK(changes_dispatch_queue("POST", "/api/v1/track/{tracking_code}/cancel", 200));
    CHECK(changes_dispatch_queue("POST", "/demande", 200));
    CHECK(changes_dispatch_queue("POST", "/suivi/annuler", 200));
    CHECK_FALSE(changes_dispatch_queue("POST", "/demande", 422));          // the form again, nothing created
    CHECK_FALSE(changes_dispatch_queue("POST", "/api/v1/missions", 409));  // refused
    CHECK_FALSE(changes_dispatch_queue("GET", "/api/v1/requests", 200));   // reads change nothing
    CHECK_FALSE(changes_dispatch_queue("POST", "/suivi", 200));            // a lookup
    CHECK_FALSE(changes_dispatch_queue("POST", "/api/v1/auth/login", 200));
}

TEST_CASE("a notice names the route template only") {
    auto v = boost::json::parse(relais::app::change_notice("/api/v1/missions/{id}/accept"));
    CHECK(v.as_object().size() == 2);
    CHECK(v.at("type").as_string() == "changed");
    CHECK(v.at("route").as_string() == "/api/v1/missions/{id}/accept");
}

TEST_CASE("per-session and per-account caps; ending a session or an account closes its subscriptions") {
    boost::asio::io_context ioc;
    event_hub hub(4, 100);
    hub.set_caps(2, 3);
    const event_hub::owner s1{"session-1", "user-a"}, s2{"session-2", "user-a"}, other{"session-3", "user-b"};
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
    const event_hub::owner who{"session-x", "user-x"};
    auto slow = hub.subscribe(ioc.get_executor(), who);
    REQUIRE(slow);
    CHECK(hub.admits(who) == event_hub::refusal::session_cap);
    hub.publish("1");
    hub.publish("2");  // queue of 1 full: dropped
    CHECK(hub.dropped() == 1);
    CHECK_FALSE(hub.admits(who));
}
