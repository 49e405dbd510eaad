// Address completion (issue 16): the request forms (the public one and the coordinators' phone intake) ask
// for the addresses matching what is being typed, among those a city imported from the Base Adresse
// Nationale (`relais import addresses`). What a resident types is personal data: it travels in the body of a
// POST, never in an address, so it reaches neither access logs nor browser histories; it is not logged.
#include "api/body_reader.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "domain/address_search.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

json::value match_json(const domain::address_match& m) {
    const auto& a = m.address;
    return json::object{
        {"label", m.label},
        {"number", domain::door_number(a)},
        {"street", a.street},
        {"postcode", a.postcode},
        {"city", a.city},
        {"location", json::object{{"lat", a.lat}, {"lon", a.lon}}},
        {"neighbourhood", m.neighbourhood ? json::value(*m.neighbourhood) : json::value(nullptr)}};
}

awaitable_response search_addresses(const data_access& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    const auto q = r.text("q", {3, 200});
    const int limit = static_cast<int>(r.integer("limit", 1, 20, false).value_or(8));
    r.done();
    auto job = [q = *q, limit](SQLite::Database& db) {
        json::array items;
        for (const auto& m : domain::search_addresses(db, q, limit))
            items.push_back(match_json(m));
        return json::value(json::object{{"items", std::move(items)}});
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

}  // namespace

void add_address_routes(wire::route_table& t, const data_access& s) {
    // Public: the resident's form completes addresses too. Its calls count against the caller's write limit
    // (anonymous: 60 a minute per client address), not the forms' (30 in 10 minutes per route), which a
    // person typing a few addresses would exhaust.
    t.add({verb::post, "/api/v1/addresses/search", {pub}, "AddressSearch", plain, bind(s, search_addresses)});
}

}  // namespace relais::api
