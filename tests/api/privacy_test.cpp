// Black-box tests of the protection of residents' and volunteers' personal data (issue 4): what a volunteer
// sees of a resident and when, the audit log of every read, the rights of access (export) and erasure, and
// the retention rule (API route and `relais retention` command). Databases are also opened read-only with
// SQLiteCpp to prove that erased values are gone from every row of every table.
#include "api/support/fixtures.hpp"
#include "domain/events.hpp"
#include "domain/requests.hpp"
#include "domain/volunteers.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"
#include "support/demo_map.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include <sys/wait.h>

#include <fstream>
#include <sstream>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

constexpr std::int64_t day = 86400;

/// A string as a JSON value, to compare with what a response holds.
json::value jv(const std::string& s) {
    return json::value(s);
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

/// A resident with personal data unlikely to appear anywhere by chance.
struct person {
    std::string first, last, phone, email, address, details;
};

const person josette{"Josette",
                     "Kerhervezic",
                     "+33299415263",
                     "josette.k@example.org",
                     "14 allee des Tilleuls, 35700 Rennes",
                     "Courses du mardi, code porte 4512B"};
const person marcel{"Marcelin",
                    "Legoffic",
                    "+33299778891",
                    "marcelin.l@example.org",
                    "9 place de la Motte-Picquet, 35000 Rennes",
                    "Appeler le mardi, il entend mal"};
const person yvonne{"Yvonnick",
                    "Tanguyerez",
                    "+33299132435",
                    "yvonnick.t@example.org",
                    "2 impasse du Gros Chene, 35200 Rennes",
                    "Ordonnance a la pharmacie du Colombier"};

json::object request_for(const person& p, const std::string& category) {
    auto b = request_body("once", category);
    auto& r = b["resident"].as_object();
    r["first_name"] = p.first;
    r["last_name"] = p.last;
    r["phone"] = p.phone;
    r["email"] = p.email;
    r["address"] = p.address;
    b["details"] = p.details;
    return b;
}

std::vector<std::string> values_of(const person& p) {
    return {p.first, p.last, p.phone, p.email, p.address, p.details};
}

/// Every "table.column" of the database at `path` (opened read-only) holding one of `needles` in a text cell.
/// "<file>: <needle>" for each needle found in the raw bytes of the database, its write-ahead log or its
/// shared-memory index, as an attacker who copies the files of a running server would find them.
std::vector<std::string> files_holding(const std::string& db_path, const std::vector<std::string>& needles) {
    std::vector<std::string> hits;
    for (const std::string suffix : {"", "-wal", "-shm"}) {
        std::ifstream in(db_path + suffix, std::ios::binary);
        if (!in)
            continue;
        std::stringstream bytes;
        bytes << in.rdbuf();
        const std::string raw = bytes.str();
        for (const auto& n : needles)
            if (raw.find(n) != std::string::npos)
                hits.push_back("relais.db" + suffix + ": " + n);
    }
    return hits;
}

std::vector<std::string> rows_holding(const std::string& path, const std::vector<std::string>& needles) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    std::vector<std::string> tables;
    SQLite::Statement t(db,
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    while (t.executeStep())
        tables.push_back(t.getColumn(0).getString());
    std::vector<std::string> hits;
    for (const auto& table : tables) {
        SQLite::Statement q(db, "SELECT * FROM \"" + table + "\"");
        while (q.executeStep())
            for (int c = 0; c < q.getColumnCount(); ++c) {
                if (!q.getColumn(c).isText())
                    continue;
                const std::string cell = q.getColumn(c).getString();
                for (const auto& n : needles)
                    if (contains(cell, n))
                        hits.push_back(table + "." + q.getColumnName(c) + " holds '" + n + "'");
            }
    }
    return hits;
}

/// The audit entries about `subject_id` (oldest first), as the admin reads them.
json::array audit_of(test_city& city, const std::string& subject_id) {
    auto res = city.admin().get("/api/v1/audit?limit=200&subject_id=" + subject_id);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    return res.json().at("items").as_array();
}

std::size_t audit_count(test_city& city, const std::string& subject_id, const std::string& user_id,
                        const std::string& action, const std::string& route) {
    std::size_t n = 0;
    for (const auto& e : audit_of(city, subject_id))
        if (e.at("user_id").as_string() == user_id && e.at("action").as_string() == action &&
            e.at("route").as_string() == route)
            ++n;
    return n;
}

std::string user_id_of(http_client& c) {
    return std::string(c.get_json("/api/v1/me").at("user").at("id").as_string());
}

std::string resident_of(test_city& city, const std::string& request_id) {
    return std::string(city.staff_get("/api/v1/requests/" + request_id).at("resident_id").as_string());
}

/// A volunteer's GET of one of their missions (REQUIREs 200).
json::object mission_as(http_client& c, const std::string& id) {
    auto res = c.get("/api/v1/missions/" + id);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    return res.json().as_object();
}

/// Every event of the log, as the coordinator reads it (follows the cursor).
json::array all_events(test_city& city) {
    json::array out;
    std::string cursor;
    for (int guard = 0; guard < 100; ++guard) {
        auto page = city.staff_get("/api/v1/events?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor));
        for (const auto& e : page.at("items").as_array())
            out.push_back(e);
        if (page.at("next_cursor").is_null())
            break;
        cursor = std::string(page.at("next_cursor").as_string());
    }
    return out;
}

const json::object volunteer_changes{{"max_missions_per_week", 14}};

}  // namespace

TEST_CASE(
    "a volunteer sees a resident's first name and phone only for a mission they accepted; the address "
    "only for home visits; another volunteer gets 404; each read is audited") {
    test_city city;
    auto a = city.new_volunteer("vis-a", true, volunteer_changes);
    auto b = city.new_volunteer("vis-b", true, volunteer_changes);
    const auto a_user = user_id_of(*a.client);
    const auto now = now_s();

    const auto home = city.public_request(request_for(josette, "shopping")).id;      // home visit
    const auto call = city.public_request(request_for(marcel, "friendly_call")).id;  // not a home visit
    const auto home_resident = resident_of(city, home);
    const auto call_resident = resident_of(city, call);
    const auto mh = city.propose(home, a.id, now + day, now + day + 3600);
    const auto mc = city.propose(call, a.id, now + day + 7200, now + day + 10800);

    SUBCASE("flow") {
        // A proposal: category, neighbourhood, time slot and details, nothing about the person.
        auto proposal = mission_as(*a.client, mh);
        CHECK(proposal.at("status") == "proposed");
        CHECK(proposal.at("resident").is_null());
        CHECK(proposal.at("category") == "shopping");
        CHECK(proposal.at("neighbourhood") == "maurepas");
        CHECK(proposal.at("details") == jv(josette.details));
        CHECK_FALSE(proposal.contains("resident_id"));
        const auto proposal_text = json::serialize(proposal);
        for (const auto& v : {josette.first, josette.last, josette.phone, josette.email, josette.address})
            CHECK_FALSE(contains(proposal_text, v));
        auto mine = a.client->get("/api/v1/me/missions");
        REQUIRE(mine.status == 200);
        for (const auto& v : {josette.first, josette.phone, josette.address, marcel.first, marcel.phone})
            CHECK_FALSE(contains(mine.body, v));
        CHECK(audit_count(city, home_resident, a_user, "read", "GET /api/v1/missions/{id}") == 0);

        // Another volunteer: the mission does not exist for them, whatever they try.
        CHECK(b.client->get("/api/v1/missions/" + mh).status == 404);
        CHECK(b.client->post_json("/api/v1/missions/" + mh + "/accept", json::object{}).status == 404);
        CHECK(
            b.client
                ->post_json("/api/v1/missions/" + mh + "/decline", json::object{{"reason", "not_available"}})
                .status == 404);
        CHECK_FALSE(contains(b.client->get("/api/v1/me/missions").body, mh));
        CHECK(mission_as(*a.client, mh).at("status") == "proposed");  // B changed nothing

        // Accepted: first name and phone; the address because shopping is a home visit. Never the rest.
        auto acc = a.client->post_json("/api/v1/missions/" + mh + "/accept", json::object{});
        INFO(acc.describe());
        REQUIRE(acc.status == 200);
        auto accepted = acc.json().as_object();
        REQUIRE(accepted.at("resident").is_object());
        const auto& r = accepted.at("resident").as_object();
        CHECK(r.at("first_name") == jv(josette.first));
        CHECK(r.at("phone") == jv(josette.phone));
        CHECK(r.at("address") == jv(josette.address));
        CHECK(r.at("needs").is_object());  // what helps to help (issue 15), with the contact only
        CHECK(r.size() == 5);              // first name, phone, address, needs, location: nothing more
        CHECK_FALSE(contains(acc.body, josette.last));
        CHECK_FALSE(contains(acc.body, josette.email));
        CHECK(audit_count(city, home_resident, a_user, "read", "POST /api/v1/missions/{id}/accept") == 1);

        auto again = mission_as(*a.client, mh);
        CHECK(again.at("resident").at("phone") == jv(josette.phone));
        CHECK(audit_count(city, home_resident, a_user, "read", "GET /api/v1/missions/{id}") == 1);
        mission_as(*a.client, mh);
        CHECK(audit_count(city, home_resident, a_user, "read", "GET /api/v1/missions/{id}") == 2);
        auto list = a.client->get("/api/v1/me/missions");
        CHECK(contains(list.body, josette.phone));
        CHECK(audit_count(city, home_resident, a_user, "read", "GET /api/v1/me/missions") == 1);
        // Marcelin's proposal is still only a proposal in that list, and was not audited.
        CHECK_FALSE(contains(list.body, marcel.phone));
        CHECK(audit_count(city, call_resident, a_user, "read", "GET /api/v1/me/missions") == 0);
        // Another volunteer still sees nothing.
        CHECK(b.client->get("/api/v1/missions/" + mh).status == 404);

        // A friendly call: first name and phone, no address.
        auto acc2 = a.client->post_json("/api/v1/missions/" + mc + "/accept", json::object{});
        REQUIRE(acc2.status == 200);
        auto r2 = acc2.json().at("resident");
        CHECK(r2.at("first_name") == jv(marcel.first));
        CHECK(r2.at("phone") == jv(marcel.phone));
        CHECK(r2.at("address").is_null());
        CHECK_FALSE(contains(acc2.body, marcel.address));

        // Dropping it ends the visibility at once; a cancelled mission shows nothing either.
        auto dropped = a.client->post_json("/api/v1/missions/" + mh + "/drop",
                                           json::object{{"reason", "no_longer_available"}});
        INFO(dropped.describe());
        REQUIRE(dropped.status == 200);
        CHECK(dropped.json().at("resident").is_null());
        CHECK(mission_as(*a.client, mh).at("resident").is_null());
        auto cancelled = city.coordinator().post_json("/api/v1/missions/" + mc + "/cancel",
                                                      json::object{{"reason", "resident_cancelled"}});
        INFO(cancelled.describe());
        REQUIRE(cancelled.status == 200);
        CHECK(mission_as(*a.client, mc).at("resident").is_null());
        const auto reads_before = audit_of(city, call_resident).size();
        mission_as(*a.client, mc);
        CHECK(audit_of(city, call_resident).size() == reads_before);  // nothing shown, nothing audited
    }

    SUBCASE("a mission that ended 6 days ago still shows the contact; it is audited") {
        const auto past = city.public_request(request_for(yvonne, "medicines")).id;
        const auto past_resident = resident_of(city, past);
        const auto start = now - 6 * day;
        const auto mp = city.propose(past, a.id, start, start + 3600);
        REQUIRE(a.client->post_json("/api/v1/missions/" + mp + "/accept", json::object{}).status == 200);
        auto done =
            a.client->post_json("/api/v1/missions/" + mp + "/complete",
                                json::object{{"report", {{"duration_minutes", 45}, {"outcome", "good"}}}});
        INFO(done.describe());
        REQUIRE(done.status == 200);
        auto seen = mission_as(*a.client, mp);
        CHECK(seen.at("status") == "done");
        REQUIRE(seen.at("resident").is_object());
        CHECK(seen.at("resident").at("phone") == jv(yvonne.phone));
        CHECK(seen.at("resident").at("address") == jv(yvonne.address));  // medicines: a home visit
        CHECK(audit_count(city, past_resident, a_user, "read", "GET /api/v1/missions/{id}") == 1);
        CHECK(b.client->get("/api/v1/missions/" + mp).status == 404);
    }
}

TEST_CASE(
    "staff see a mission's resident contact (the welfare alert needs it), address included; one audited "
    "read per resident and answer; null once erased") {
    test_city city;
    auto a = city.new_volunteer("staff-view", true, volunteer_changes);
    const auto now = now_s();
    const auto call = city.public_request(request_for(marcel, "friendly_call")).id;  // not a home visit
    const auto resident = resident_of(city, call);
    const auto coord = user_id_of(city.coordinator());
    const auto m = city.propose(call, a.id, now + day, now + day + 3600);

    auto seen = city.staff_get("/api/v1/missions/" + m);
    REQUIRE(seen.at("resident").is_object());
    CHECK(seen.at("resident").at("first_name") == jv(marcel.first));
    CHECK(seen.at("resident").at("phone") == jv(marcel.phone));
    CHECK(seen.at("resident").at("address") == jv(marcel.address));  // staff: even for a call
    CHECK(seen.at("resident").as_object().size() == 5);              // + needs, location
    CHECK(audit_count(city, resident, coord, "read", "GET /api/v1/missions/{id}") == 1);
    auto list = city.staff_get("/api/v1/missions?request_id=" + call);
    CHECK(list.at("items").at(0).at("resident").at("phone") == jv(marcel.phone));
    CHECK(audit_count(city, resident, coord, "read", "GET /api/v1/missions") == 1);
    // The request's page shows the resident and their missions: one read of that resident, not two.
    auto page = city.staff_get("/api/v1/requests/" + call);
    CHECK(page.at("missions").at(0).at("resident").at("phone") == jv(marcel.phone));
    CHECK(audit_count(city, resident, coord, "read", "GET /api/v1/requests/{id}") == 2);  // resident_of's too

    REQUIRE(city.coordinator()
                .post_json("/api/v1/residents/" + resident + "/erase", json::object{{"reason", "request"}})
                .status == 200);
    const auto reads_before = audit_of(city, resident).size();
    auto after = city.staff_get("/api/v1/missions/" + m);
    CHECK(after.at("resident").is_null());
    CHECK(audit_of(city, resident).size() == reads_before);  // nothing shown, nothing audited
}

TEST_CASE("staff reads of a resident are audited: request, resident, list of residents, update") {
    test_city city;
    const auto req = city.public_request(request_for(josette, "shopping")).id;
    const auto resident = resident_of(city, req);  // one read (GET /api/v1/requests/{id}) by the coordinator
    const auto coord = user_id_of(city.coordinator());
    CHECK(audit_count(city, resident, coord, "read", "GET /api/v1/requests/{id}") == 1);
    city.staff_get("/api/v1/residents/" + resident);
    CHECK(audit_count(city, resident, coord, "read", "GET /api/v1/residents/{id}") == 1);
    city.staff_get("/api/v1/residents");
    CHECK(audit_count(city, resident, coord, "read", "GET /api/v1/residents") == 1);
    auto patched = city.coordinator().send_json("PATCH", "/api/v1/residents/" + resident,
                                                json::object{{"phone", "02 99 00 00 01"}});
    INFO(patched.describe());
    REQUIRE(patched.status == 200);
    CHECK(audit_count(city, resident, coord, "update", "PATCH /api/v1/residents/{id}") == 1);
    // The audit log cannot be changed through the API: no route but GET exists for it.
    CHECK(city.admin().post_json("/api/v1/audit", json::object{}).status == 405);
    CHECK(city.admin().request("DELETE", "/api/v1/audit").status == 405);
}

TEST_CASE("staff reads of a volunteer's personal data are audited: the list and one volunteer") {
    test_city city;
    auto a = city.new_volunteer("audit-vol");
    const auto coord = user_id_of(city.coordinator());
    city.staff_get("/api/v1/volunteers/" + a.id);
    CHECK(audit_count(city, a.id, coord, "read", "GET /api/v1/volunteers/{id}") == 1);
    auto list = city.staff_get("/api/v1/volunteers");
    REQUIRE(contains(json::serialize(list), a.email));
    CHECK(audit_count(city, a.id, coord, "read", "GET /api/v1/volunteers") == 1);
    // Filtered out of a list: not read, not audited.
    city.staff_get("/api/v1/volunteers?status=withdrawn");
    CHECK(audit_count(city, a.id, coord, "read", "GET /api/v1/volunteers") == 1);
}

TEST_CASE("export: everything held on a resident or a volunteer, no secrets, audited") {
    test_city city;
    auto a = city.new_volunteer("export-a", true, volunteer_changes);
    const auto created = city.public_request(request_for(josette, "shopping"));
    const auto resident = resident_of(city, created.id);
    const auto now = now_s();
    const auto m = city.propose(created.id, a.id, now + day, now + day + 3600);
    REQUIRE(a.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);

    auto res = city.coordinator().get("/api/v1/residents/" + resident + "/export");
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(contains(res.header("Content-Disposition"), "attachment"));
    auto body = res.json().as_object();
    CHECK(body.at("resident").at("id") == jv(resident));
    for (const auto& v : values_of(josette))
        CHECK_MESSAGE(contains(res.body, v), "the export lacks " << v);
    REQUIRE(body.at("requests").as_array().size() == 1);
    CHECK(body.at("requests").as_array()[0].at("id") == jv(created.id));
    CHECK(body.at("missions").as_array().size() == 1);
    CHECK(body.at("supports").as_array().size() == 1);
    CHECK(body.contains("audit"));
    CHECK(body.contains("exported_at"));
    // No secrets: neither the tracking code nor its hash, nor any password hash.
    CHECK_FALSE(contains(res.body, "tracking_hash"));
    CHECK_FALSE(contains(res.body, created.tracking_code));
    CHECK_FALSE(contains(res.body, "password"));
    CHECK_FALSE(contains(res.body, "$argon2"));
    const auto coord = user_id_of(city.coordinator());
    CHECK(audit_count(city, resident, coord, "export", "GET /api/v1/residents/{id}/export") == 1);

    auto vres = city.coordinator().get("/api/v1/volunteers/" + a.id + "/export");
    INFO(vres.describe());
    REQUIRE(vres.status == 200);
    auto vbody = vres.json().as_object();
    CHECK(vbody.at("volunteer").at("id") == jv(a.id));
    CHECK(contains(vres.body, a.email));
    CHECK(vbody.at("accounts").as_array().size() == 1);
    CHECK(vbody.at("missions").as_array().size() == 1);
    CHECK_FALSE(contains(vres.body, "password_hash"));
    CHECK_FALSE(contains(vres.body, "$argon2"));
    CHECK_FALSE(contains(vres.body, a.password));
    CHECK(audit_count(city, a.id, coord, "export", "GET /api/v1/volunteers/{id}/export") == 1);

    check_problem(city.coordinator().get("/api/v1/residents/res_doesnotexist00/export"), 404);
}

TEST_CASE(
    "erasure of a resident: personal data gone from responses and from every row; counts and event log "
    "kept; audited; a second erasure is 409") {
    test_city city;
    auto a = city.new_volunteer("erase-a", true, volunteer_changes);
    const auto created = city.public_request(request_for(josette, "shopping"));
    const auto other = city.public_request(request_for(marcel, "friendly_call"));  // must be untouched
    const auto resident = resident_of(city, created.id);
    const auto now = now_s();
    const auto start = now - 2 * day;
    const auto m = city.propose(created.id, a.id, start, start + 3600);
    REQUIRE(a.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    const std::string report_note = "Josette m'a parle de sa fille a Brest";
    auto done =
        a.client->post_json("/api/v1/missions/" + m + "/complete", json::object{{"report",
                                                                                 {{"duration_minutes", 40},
                                                                                  {"outcome", "good"},
                                                                                  {"welfare_concern", true},
                                                                                  {"note", report_note}}}});
    INFO(done.describe());
    REQUIRE(done.status == 200);
    REQUIRE(mission_as(*a.client, m).at("resident").is_object());
    // The coordinator's note on the welfare concern is about her too: erased with the rest.
    const std::string ack_note = "Rappel de Josette fait, voisine prevenue";
    REQUIRE(city.coordinator()
                .post_json("/api/v1/missions/" + m + "/acknowledge-welfare", json::object{{"note", ack_note}})
                .status == 200);
    auto needles = values_of(josette);
    needles.push_back(report_note);
    needles.push_back(ack_note);
    REQUIRE_FALSE(rows_holding(city.db_path(), needles).empty());  // the scan does find them before
    REQUIRE_FALSE(files_holding(city.db_path(), needles).empty());

    const auto requests_before = city.staff_count("/api/v1/requests");
    const auto missions_before = city.staff_count("/api/v1/missions");
    const auto events_before = all_events(city);

    auto erased = city.coordinator().post_json("/api/v1/residents/" + resident + "/erase",
                                               json::object{{"reason", "request"}});
    INFO(erased.describe());
    REQUIRE(erased.status == 200);

    // Gone from the API...
    auto r = city.staff_get("/api/v1/residents/" + resident).as_object();
    CHECK(r.at("erased") == true);
    const auto r_text = json::serialize(r);
    for (const auto& v : needles)
        CHECK_FALSE(contains(r_text, v));
    auto req = city.staff_get("/api/v1/requests/" + created.id);
    for (const auto& v : needles)
        CHECK_FALSE(contains(json::serialize(req), v));
    CHECK(req.at("category") == "shopping");  // what statistics need stays
    CHECK(req.at("neighbourhood") == "maurepas");
    CHECK(mission_as(*a.client, m).at("resident").is_null());
    auto exported = city.coordinator().get("/api/v1/residents/" + resident + "/export");
    REQUIRE(exported.status == 200);
    for (const auto& v : needles)
        CHECK_FALSE(contains(exported.body, v));
    // ...from the bytes of the files of the running server (the log was emptied, freed cells zeroed)...
    for (const auto& hit : files_holding(city.db_path(), needles))
        FAIL_CHECK(hit);
    // ...and from every row of the database file.
    for (const auto& hit : rows_holding(city.db_path(), needles))
        FAIL_CHECK(hit);
    // The other resident is untouched.
    CHECK(city.staff_get("/api/v1/residents/" + resident_of(city, other.id)).at("phone") == jv(marcel.phone));

    // Counts kept; the event log only grew (nothing rewritten), with the erasure in it.
    CHECK(city.staff_count("/api/v1/requests") == requests_before);
    CHECK(city.staff_count("/api/v1/missions") == missions_before);
    const auto events_after = all_events(city);
    REQUIRE(events_after.size() > events_before.size());
    for (std::size_t i = 0; i < events_before.size(); ++i)
        CHECK(events_after[i] == events_before[i]);
    bool erasure_event = false;
    for (std::size_t i = events_before.size(); i < events_after.size(); ++i)
        erasure_event |= events_after[i].at("entity") == "resident" &&
                         events_after[i].at("entity_id") == jv(resident) &&
                         events_after[i].at("action") == "erased";
    CHECK(erasure_event);
    const auto coord = user_id_of(city.coordinator());
    CHECK(audit_count(city, resident, coord, "erase", "POST /api/v1/residents/{id}/erase") == 1);

    check_problem(city.coordinator().post_json("/api/v1/residents/" + resident + "/erase", json::object{}),
                  409);
    // The tracking code no longer reaches anything personal either.
    auto tracked = city.anonymous()->get("/api/v1/track/" + created.tracking_code);
    for (const auto& v : needles)
        CHECK_FALSE(contains(tracked.body, v));
}

TEST_CASE(
    "erasure of a resident with an open request and an accepted mission: the request is closed, the "
    "mission cancelled, the volunteer no longer sees the contact") {
    test_city city;
    auto a = city.new_volunteer("erase-live", true, volunteer_changes);
    const auto created = city.public_request(request_for(marcel, "friendly_call"));
    const auto resident = resident_of(city, created.id);
    const auto now = now_s();
    const auto m = city.propose(created.id, a.id, now + day, now + day + 3600);
    REQUIRE(a.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    REQUIRE(mission_as(*a.client, m).at("resident").at("phone") == jv(marcel.phone));

    auto erased = city.coordinator().post_json("/api/v1/residents/" + resident + "/erase", json::object{});
    INFO(erased.describe());
    REQUIRE(erased.status == 200);
    auto seen = mission_as(*a.client, m);
    CHECK(seen.at("status") == "cancelled");
    CHECK(seen.at("resident").is_null());
    CHECK(city.staff_get("/api/v1/requests/" + created.id).at("status") == "closed");
    for (const auto& hit : rows_holding(city.db_path(), values_of(marcel)))
        FAIL_CHECK(hit);
}

TEST_CASE("erasure of a volunteer: personal data gone, account disabled and signed out, audited") {
    test_city city;
    auto a = city.new_volunteer("erase-vol", true, volunteer_changes);
    const std::string phone = "+33698765432";
    auto patched = city.coordinator().send_json("PATCH", "/api/v1/volunteers/" + a.id,
                                                json::object{{"phone", phone}, {"last_name", "Quemeneurec"}});
    INFO(patched.describe());
    REQUIRE(patched.status == 200);
    REQUIRE(a.client->get("/api/v1/me").status == 200);
    REQUIRE_FALSE(files_holding(city.db_path(), {"Quemeneurec", phone}).empty());

    auto erased = city.coordinator().post_json("/api/v1/volunteers/" + a.id + "/erase", json::object{});
    INFO(erased.describe());
    REQUIRE(erased.status == 200);
    CHECK(a.client->get("/api/v1/me").status == 401);
    CHECK(city.anonymous()
              ->post_json("/api/v1/auth/login", json::object{{"email", a.email}, {"password", a.password}})
              .status == 401);
    auto v = city.staff_get("/api/v1/volunteers/" + a.id);
    CHECK(v.at("status") == "withdrawn");
    CHECK(v.at("erased") == true);
    const std::vector<std::string> needles{"Vol-erase-vol", "Quemeneurec", phone, a.email};
    for (const auto& n : needles)
        CHECK_FALSE(contains(json::serialize(v), n));
    for (const auto& hit : files_holding(city.db_path(), needles))
        FAIL_CHECK(hit);
    for (const auto& hit : rows_holding(city.db_path(), needles))
        FAIL_CHECK(hit);
    const auto coord = user_id_of(city.coordinator());
    CHECK(audit_count(city, a.id, coord, "erase", "POST /api/v1/volunteers/{id}/erase") == 1);
    check_problem(city.coordinator().post_json("/api/v1/volunteers/" + a.id + "/erase", json::object{}), 409);
}

TEST_CASE("retention through the API: nothing recent is erased, even with the shortest period") {
    test_city city;
    const auto created = city.public_request(request_for(josette, "shopping"));
    const auto resident = resident_of(city, created.id);
    auto closed = city.coordinator().post_json("/api/v1/requests/" + created.id + "/close",
                                               json::object{{"outcome", "cancelled"}});
    REQUIRE(closed.status == 200);
    auto a = city.new_volunteer("ret-a");
    REQUIRE(city.coordinator()
                .post_json("/api/v1/volunteers/" + a.id + "/withdraw", json::object{{"reason", "moved"}})
                .status == 200);
    auto set = city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"retention_days", 1}});
    INFO(set.describe());
    REQUIRE(set.status == 200);
    CHECK(set.json().at("retention_days") == 1);

    auto run = city.admin().post_json("/api/v1/retention/run", json::object{});
    INFO(run.describe());
    REQUIRE(run.status == 200);
    CHECK(run.json().at("residents_erased") == 0);
    CHECK(run.json().at("volunteers_erased") == 0);
    CHECK(city.staff_get("/api/v1/residents/" + resident).at("phone") == jv(josette.phone));
    CHECK(city.staff_get("/api/v1/volunteers/" + a.id).at("erased") == false);
    CHECK(city.server().wait_for_log("retention run on request: 0 residents and 0 volunteers erased", 5s));
}

namespace {

/// A database whose history is old: Josette's request closed 300 days ago, Marcelin's (open) filed 400 days
/// ago, Yvonnick's closed 10 days ago; a volunteer withdrawn 200 days ago and one still active.
struct old_history {
    std::string josette_resident, marcel_resident, yvonne_resident, withdrawn_volunteer, active_volunteer;
};

old_history write_old_history(const std::string& path) {
    namespace d = relais::domain;
    const auto level = spdlog::get_level();
    spdlog::set_level(
        spdlog::level::warn);  // the migrations' progress lines would only clutter the test output
    relais::testing::migrate_with_demo_map(path);
    spdlog::set_level(level);
    auto db = relais::store::open_writer(path, relais::store::sync_mode::normal);
    const auto now = now_s();
    const d::actor who{"usr_coordinator", "coordinator"};
    old_history h;
    auto file = [&](const person& p, std::int64_t at) {
        d::request_input in;
        d::resident_input r;
        r.first_name = p.first;
        r.last_name = p.last;
        r.phone = p.phone;
        r.email = p.email;
        r.address = p.address;
        r.neighbourhood = "centre";
        in.resident = r;
        in.category = "shopping";
        in.details = p.details;
        in.urgency = "week";
        in.recurrence = "once";
        in.channel = "phone";
        in.window_from = at;
        in.window_until = at + 10 * day;
        return d::create_request(db, in, at, who);
    };
    auto j = file(josette, now - 400 * day);
    d::close_request(db, j.id, "fulfilled", std::nullopt, now - 300 * day, who);
    h.josette_resident = j.resident_id;
    h.marcel_resident = file(marcel, now - 400 * day).resident_id;
    auto y = file(yvonne, now - 20 * day);
    d::close_request(db, y.id, "fulfilled", std::nullopt, now - 10 * day, who);
    h.yvonne_resident = y.resident_id;
    auto volunteer = [&](const std::string& tag) {
        d::volunteer_input in;
        in.first_name = "Gwenaelig-" + tag;
        in.last_name = "Morvanic";
        in.email = tag + "@old.test";
        in.phone = "06 11 22 33 4" + tag.substr(0, 1);
        in.neighbourhood = "centre";
        in.skills = {"shopping"};
        in.languages = {"fr"};
        in.max_missions_per_week = 2;
        auto id =
            d::register_volunteer(db, in, "$argon2id$not-a-real-hash", now - 400 * day, d::public_actor());
        d::activate_volunteer(db, id, now - 399 * day, who);
        return id;
    };
    h.withdrawn_volunteer = volunteer("1w");
    d::withdraw_volunteer(db, h.withdrawn_volunteer, "moved", std::nullopt, now - 200 * day, who);
    h.active_volunteer = volunteer("2a");
    return h;
}

struct command_output {
    int code = -1;
    std::string out, err;
};

command_output relais_command(const std::string& args) {
    relais::testing::temp_dir tmp;
    const std::string cmd = std::string("'") + RELAIS_BINARY + "' " + args + " > '" + tmp.file("out") +
                            "' 2> '" + tmp.file("err") + "' < /dev/null";
    const int rc = std::system(cmd.c_str());
    auto text = [](const std::string& p) {
        std::ifstream in(p);
        std::ostringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, text(tmp.file("out")), text(tmp.file("err"))};
}

}  // namespace

TEST_CASE(
    "retention run by the admin erases residents closed longer ago than retention_days, and volunteers "
    "withdrawn that long; open requests and recent ones are kept") {
    relais::testing::temp_dir dir;
    const auto h = write_old_history(dir.file("relais.db"));
    REQUIRE(relais_user_add(dir.file("relais.db"), "admin", admin_email, admin_password).code == 0);
    server_options opts;
    opts.dir = dir.path();
    server_process server(opts);
    http_client admin(server.port());
    auto login = admin.post_json("/api/v1/auth/login",
                                 json::object{{"email", admin_email}, {"password", admin_password}});
    REQUIRE(login.status == 200);
    admin.set_csrf(std::string(login.json().at("csrf_token").as_string()));

    const auto requests_before = admin.get_json("/api/v1/requests?limit=200").at("items").as_array().size();
    auto run = admin.post_json("/api/v1/retention/run", json::object{});
    INFO(run.describe());
    REQUIRE(run.status == 200);
    CHECK(run.json().at("residents_erased") == 1);  // Josette (default retention: 180 days)
    CHECK(run.json().at("volunteers_erased") == 1);
    CHECK(admin.get_json("/api/v1/residents/" + h.josette_resident).at("erased") == true);
    CHECK(admin.get_json("/api/v1/residents/" + h.marcel_resident).at("phone") ==
          jv(marcel.phone));  // open request
    CHECK(admin.get_json("/api/v1/residents/" + h.yvonne_resident).at("phone") ==
          jv(yvonne.phone));  // 10 days
    CHECK(admin.get_json("/api/v1/volunteers/" + h.withdrawn_volunteer).at("erased") == true);
    CHECK(admin.get_json("/api/v1/volunteers/" + h.active_volunteer).at("erased") == false);
    CHECK(admin.get_json("/api/v1/requests?limit=200").at("items").as_array().size() == requests_before);
    auto needles = values_of(josette);
    needles.push_back("Gwenaelig-1w");
    needles.push_back("1w@old.test");
    for (const auto& hit : rows_holding(dir.file("relais.db"), needles))
        FAIL_CHECK(hit);
    CHECK(admin.post_json("/api/v1/retention/run", json::object{}).json().at("residents_erased") == 0);
    // The log says how many, never who (waiting for the last run's line: the log is written asynchronously).
    REQUIRE(server.wait_for_log("retention run on request: 0 residents and 0 volunteers erased", 5s));
    const auto log = server.log();
    CHECK(contains(log, "retention run on request: 1 residents and 1 volunteers erased"));
    for (const auto& n : needles)
        CHECK_FALSE(contains(log, n));
}

TEST_CASE("relais retention: erases on demand, prints the counts, checks its arguments") {
    relais::testing::temp_dir dir;
    const std::string db = dir.file("relais.db");
    const auto h = write_old_history(db);

    auto keep_all = relais_command("retention --db '" + db + "' --days 3650");
    INFO(keep_all.err);
    REQUIRE(keep_all.code == 0);
    CHECK(keep_all.out == "residents erased: 0\nvolunteers erased: 0\nmessages deleted: 0\n");

    auto shorter =
        relais_command("retention --db '" + db + "' --days 5");  // Yvonnick's closed 10 days ago too
    INFO(shorter.err);
    REQUIRE(shorter.code == 0);
    CHECK(shorter.out == "residents erased: 2\nvolunteers erased: 1\nmessages deleted: 0\n");
    CHECK(contains(shorter.err, "2 residents and 1 volunteers erased"));
    auto needles = values_of(josette);
    for (const auto& v : values_of(yvonne))
        needles.push_back(v);
    for (const auto& hit : rows_holding(db, needles))
        FAIL_CHECK(hit);
    CHECK(rows_holding(db, {marcel.phone, "Gwenaelig-2a"}).size() ==
          2);  // open request, active volunteer kept
    for (const auto& n : needles)
        CHECK_FALSE(contains(shorter.out + shorter.err, n));

    auto again = relais_command("retention --db '" + db + "'");
    REQUIRE(again.code == 0);
    CHECK(again.out == "residents erased: 0\nvolunteers erased: 0\nmessages deleted: 0\n");

    CHECK(relais_command("retention").code == 64);
    CHECK(relais_command("retention --db '" + db + "' --days -1").code == 64);
    CHECK(relais_command("retention --db '" + db + "' --days soon").code == 64);
    CHECK(relais_command("retention --db '" + db + "' --bogus 1").code == 64);
    auto missing = relais_command("retention --db '" + dir.file("nope.db") + "'");
    CHECK(missing.code == 1);
    CHECK_FALSE(std::filesystem::exists(dir.file("nope.db")));
    (void)h;
}
