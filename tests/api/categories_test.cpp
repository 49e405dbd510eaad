// Issue 15, "Categories": each kind of help has a sentence for residents and one for volunteers, in each
// language, edited by the admin; a new kind can be added.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <string>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

json::object category(test_city& city, const std::string& code) {
    const auto page = city.staff_get("/api/v1/categories");
    for (const auto& c : page.at("items").as_array())
        if (c.at("code") == json::value(code))
            return c.as_object();
    FAIL("no category ", code);
    return {};
}

}  // namespace

TEST_CASE("categories: a sentence for volunteers beside the residents' one, edited by the admin") {
    test_city city;
    // The demo's kinds come with both sentences.
    const auto shopping = category(city, "shopping");
    CHECK(shopping.at("description_fr") == "Quelqu'un fait vos courses et vous les apporte.");
    CHECK(shopping.at("volunteer_description_fr") == "Faire les courses d'un habitant et les lui apporter.");
    CHECK(shopping.at("volunteer_description_en") == "Do a resident's shopping and bring it to them.");

    auto& admin = city.admin();
    auto patched =
        admin.send_json("PATCH", "/api/v1/categories/shopping",
                        json::object{{"volunteer_description_fr", "Faire les courses d'une voisine."}});
    INFO(patched.describe());
    REQUIRE(patched.status == 200);
    CHECK(category(city, "shopping").at("volunteer_description_fr") == "Faire les courses d'une voisine.");
    CHECK(category(city, "shopping").at("description_fr") ==
          "Quelqu'un fait vos courses et vous les apporte.");
    // Checked like the other texts; only the admin edits them.
    check_problem(admin.send_json("PATCH", "/api/v1/categories/shopping",
                                  json::object{{"volunteer_description_en", std::string(301, 'x')}}),
                  422);
    check_problem(city.coordinator().send_json("PATCH", "/api/v1/categories/shopping",
                                               json::object{{"volunteer_description_fr", "x"}}),
                  403);

    auto created =
        admin.post_json("/api/v1/categories", json::object{{"code", "gardening"},
                                                           {"label_fr", "Jardinage"},
                                                           {"label_en", "Gardening"},
                                                           {"description_fr", "On vous aide au jardin."},
                                                           {"volunteer_description_fr", "Aider au jardin."},
                                                           {"home_visit", true},
                                                           {"active", true}});
    INFO(created.describe());
    REQUIRE(created.status == 201);
    const auto g = category(city, "gardening");
    CHECK(g.at("volunteer_description_fr") == "Aider au jardin.");
    CHECK(g.at("volunteer_description_en") == "");
    CHECK(g.at("home_visit") == true);
}
