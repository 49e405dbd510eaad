// The coordinators' queue is served from a cache between commits (api::read_cache): every change to a
// request or a resident must show on the very next read.
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace relais::api_test;
namespace json = boost::json;

namespace {
std::vector<std::string> queue_ids(test_city& city, const std::string& target) {
    std::vector<std::string> ids;
    const auto page = city.staff_get(target);
    for (const auto& item : page.at("items").as_array())
        ids.emplace_back(item.at("id").as_string());
    return ids;
}
bool has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}
}  // namespace

TEST_CASE("queue cache: new, cancelled and changed requests show on the next read, pages stay apart") {
    test_city city;
    const std::string target = "/api/v1/requests?status=new";
    auto first = city.public_request(request_body());
    auto before = queue_ids(city, target);
    CHECK(has(before, first.id));
    CHECK(queue_ids(city, target) == before);  // the same answer again (from the cache)

    auto second = city.public_request(request_body("once", "books"));
    auto after = queue_ids(city, target);
    CHECK(has(after, second.id));
    CHECK(after.size() == before.size() + 1);

    // Another filter or page size is another entry, with its own answer.
    CHECK(queue_ids(city, target + "&limit=1").size() == 1);
    CHECK(queue_ids(city, target).size() == after.size());

    // The resident cancels with the tracking code: gone from the new queue at once.
    auto anon = city.anonymous();
    auto cancel = anon->post_json("/api/v1/track/" + second.tracking_code + "/cancel", json::object{});
    REQUIRE(cancel.status == 200);
    CHECK_FALSE(has(queue_ids(city, target), second.id));
    CHECK(has(queue_ids(city, "/api/v1/requests?status=closed"), second.id));
}
