// Black-box tests of every caller's rate limit (issue 12): signed-in callers are limited too, per role and
// class of call; the limits hold under concurrency; IPv6 clients count by their /64; the defaults let a
// desk work; health probes are not limited.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <atomic>
#include <thread>
#include <vector>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

/// The status of `n` calls of `call` made one after another.
template <class Call>
std::vector<unsigned> statuses(int n, Call call) {
    std::vector<unsigned> out;
    for (int i = 0; i < n; ++i)
        out.push_back(call().status);
    return out;
}

}  // namespace

TEST_CASE(
    "every caller has a rate limit: signed-in callers too, per role and class of call, 429 + Retry-After") {
    test_city city(
        {"--rate-limits",
         "staff.form=3/60,volunteer.read=5/60,anonymous.read=4/60,anonymous.form=off,volunteer.form=off"});
    // The coordinator's phone intakes (form class): three, then refused with a wait.
    for (int i = 0; i < 3; ++i)
        CHECK(city.coordinator()
                  .post_json("/api/v1/requests", minimal_request("intake " + std::to_string(i)))
                  .status == 201);
    auto refused = city.coordinator().post_json("/api/v1/requests", minimal_request("one too many"));
    check_problem(refused, 429);
    CHECK(std::stoi(refused.header("Retry-After")) >= 1);
    CHECK(problem_detail(refused).find("Too many") != std::string::npos);
    // Its reads are another class, with the desk's own budget.
    CHECK(city.coordinator().get("/api/v1/requests").status == 200);

    // A volunteer's reads: five, then refused; another volunteer has a budget of their own.
    auto a = city.new_volunteer("rl-a");
    auto b = city.new_volunteer("rl-b");
    REQUIRE(a.client);
    REQUIRE(b.client);
    const auto a_statuses = statuses(6, [&] { return a.client->get("/api/v1/me"); });
    CHECK(a_statuses == std::vector<unsigned>{200, 200, 200, 200, 200, 429});
    CHECK(b.client->get("/api/v1/me").status == 200);

    // Anonymous reads: four from this address; health probes are never limited.
    auto anon = city.anonymous();
    CHECK(statuses(5, [&] { return anon->get("/api/v1/programme"); }) ==
          std::vector<unsigned>{200, 200, 200, 200, 429});
    for (int i = 0; i < 10; ++i)
        CHECK(anon->get("/healthz").status == 200);
}

TEST_CASE("a rate limit holds under concurrency: 60 simultaneous look-ups, exactly the limit get through") {
    test_city city({"--rate-limits", "anonymous.tracking=10/600"});
    constexpr int callers = 60;
    std::atomic<int> limited{0}, through{0}, failed{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < callers; ++i)
        threads.emplace_back([&] {
            http_client c(city.port());
            while (!go.load())
                std::this_thread::yield();
            try {
                const auto res = c.get("/api/v1/track/ABCD-EFGH");
                (res.status == 429 ? limited : through)++;
            } catch (const std::exception&) {
                failed++;
            }
        });
    go = true;
    for (auto& t : threads)
        t.join();
    CHECK(failed == 0);
    CHECK(through == 10);
    CHECK(limited == callers - 10);
}

TEST_CASE("per-address limits count an IPv6 client by its /64") {
    test_city city({"--behind-proxy", "--rate-limits", "anonymous.tracking=3/600"});
    auto anon = city.anonymous();
    auto from = [&](const std::string& address) {
        return anon->get("/api/v1/track/ABCD-EFGH", {{"X-Forwarded-For", address}}).status;
    };
    CHECK(from("2001:db8:1:2::1") != 429);
    CHECK(from("2001:db8:1:2::2") != 429);
    CHECK(from("2001:db8:1:2:ffff:ffff:ffff:fffe") != 429);
    CHECK(from("2001:db8:1:2::99") == 429);  // another address of the same /64: the same budget
    CHECK(from("2001:db8:1:3::1") != 429);   // the next /64 is someone else
    CHECK(from("203.0.113.7") != 429);
}

TEST_CASE("the default limits let a desk work: a morning's burst of reads and intakes is never refused") {
    test_city city({"--rate-limits", "anonymous.form=30/600"});  // the defaults (this override is one)
    int refused = 0;
    for (int i = 0; i < 100; ++i) {
        refused += city.coordinator()
                       .post_json("/api/v1/requests", minimal_request("desk " + std::to_string(i)))
                       .status == 429;
        for (int j = 0; j < 4; ++j)
            refused += city.coordinator().get("/api/v1/requests?status=new").status == 429;
    }
    CHECK(refused == 0);
}
