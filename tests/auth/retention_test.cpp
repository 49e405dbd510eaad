// The retention rule at the domain level (issue 4), with "now" as a parameter: who is erased and when
// exactly, what stays (ids, statuses, event log), and that a second run finds nothing.
#include "domain/privacy.hpp"
#include "domain/programme.hpp"

#include "domain/domain_fixture.hpp"

using namespace relais::domain_test;

namespace {

/// The event log as text, row by row (seq order).
std::vector<std::string> event_rows(SQLite::Database& db) {
    SQLite::Statement q(db,
                        "SELECT seq, at, actor, entity, entity_id, action, COALESCE(from_status,''), "
                        "COALESCE(to_status,''), COALESCE(reason,''), data FROM event ORDER BY seq");
    std::vector<std::string> out;
    while (q.executeStep()) {
        std::string row;
        for (int i = 0; i < q.getColumnCount(); ++i)
            row += q.getColumn(i).getString() + "|";
        out.push_back(row);
    }
    return out;
}

std::string resident_of(domain_db& d, const std::string& request_id) {
    return load_request(d.db, request_id).resident_id;
}

bool erased(domain_db& d, const std::string& resident_id) {
    return load_resident(d.db, resident_id).erased_at.has_value();
}

/// A new request (by phone, for tomorrow) from a resident already known, filed at `at`.
std::string ask_again(domain_db& d, const std::string& resident_id, std::int64_t at) {
    request_input again;
    again.resident_id = resident_id;
    again.category = "shopping";
    again.urgency = "week";
    again.recurrence = "once";
    again.channel = "phone";
    again.window_from = t0();
    again.window_until = t0() + day;
    return create_request(d.db, again, at, coordinator()).id;
}

}  // namespace

TEST_CASE("retention: a resident is erased once their last request closed more than `days` ago") {
    domain_db d;
    const auto old_req = d.request();
    close_request(d.db, old_req, "fulfilled", std::nullopt, t0() - 90 * day, coordinator());
    const auto old_res = resident_of(d, old_req);

    // Exactly `days` ago is not "more than": kept; one second later it goes.
    auto r = apply_retention(d.db, t0(), 90);
    CHECK(r.residents == 0);
    CHECK_FALSE(erased(d, old_res));
    r = apply_retention(d.db, t0() + 1, 90);
    CHECK(r.residents == 1);
    CHECK(erased(d, old_res));
    CHECK(apply_retention(d.db, t0() + 1, 90).residents == 0);  // nothing twice
}

TEST_CASE("retention: open requests, and a recent closing among several, keep the resident") {
    domain_db d;
    const auto open_req = d.request();  // filed 2 days before t0, never closed
    const auto open_res = resident_of(d, open_req);
    const auto first = d.request();
    const auto res = resident_of(d, first);
    close_request(d.db, first, "fulfilled", std::nullopt, t0() - 400 * day, coordinator());
    // The same resident asked again later; that request closed recently.
    const auto second = ask_again(d, res, t0() - 20 * day);
    close_request(d.db, second, "fulfilled", std::nullopt, t0() - 10 * day, coordinator());

    CHECK(apply_retention(d.db, t0() + 3650 * day, 30).residents == 1);  // far future: only the closed one
    CHECK_FALSE(erased(d, open_res));
    CHECK(erased(d, res));

    domain_db d2;
    const auto r1 = d2.request();
    const auto rid = resident_of(d2, r1);
    close_request(d2.db, r1, "fulfilled", std::nullopt, t0() - 400 * day, coordinator());
    close_request(d2.db, ask_again(d2, rid, t0() - 20 * day), "fulfilled", std::nullopt, t0() - 10 * day,
                  coordinator());
    CHECK(apply_retention(d2.db, t0(), 30).residents == 0);  // the last closing counts
    CHECK_FALSE(erased(d2, rid));
}

TEST_CASE("retention: candidates found earlier (on a reader) are re-checked one by one when erased") {
    domain_db d;
    const auto stays = d.request();
    close_request(d.db, stays, "fulfilled", std::nullopt, t0() - 400 * day, coordinator());
    const auto goes = d.request();
    close_request(d.db, goes, "fulfilled", std::nullopt, t0() - 400 * day, coordinator());
    const auto vol = d.volunteer("withdrawn");  // withdrawn 28 days before t0
    const auto back = d.volunteer("withdrawn");
    const auto found = find_retention_candidates(d.db, t0(), 27);
    CHECK(found.residents.size() == 2);
    CHECK(found.volunteers.size() == 2);
    CHECK_FALSE(erased(d, resident_of(d, goes)));  // finding erases nothing

    // Meanwhile one resident asked again, and one volunteer came back: both kept.
    ask_again(d, resident_of(d, stays), t0());
    d.db.exec("UPDATE volunteer SET status = 'active', withdrawn_at = NULL WHERE id = '" + back + "'");
    auto candidates = found;
    candidates.residents.push_back("res_unknown");  // gone since, or never there: nothing happens
    const auto r = apply_retention(d.db, t0(), candidates, 27);
    CHECK(r.residents == 1);
    CHECK(r.volunteers == 1);
    CHECK(erased(d, resident_of(d, goes)));
    CHECK_FALSE(erased(d, resident_of(d, stays)));
    CHECK(load_volunteer(d.db, vol).erased_at.has_value());
    CHECK_FALSE(load_volunteer(d.db, back).erased_at.has_value());
    CHECK(apply_retention(d.db, t0(), found, 27).residents == 0);  // the same list again: nothing twice
}

TEST_CASE("retention: withdrawn volunteers after `days`; the programme's retention_days by default") {
    domain_db d;
    const auto gone = d.volunteer("withdrawn");  // withdrawn 28 days before t0
    const auto active = d.volunteer();
    CHECK(apply_retention(d.db, t0(), 28).volunteers == 0);
    CHECK(apply_retention(d.db, t0(), 27).volunteers == 1);
    CHECK(load_volunteer(d.db, gone).erased_at.has_value());
    CHECK_FALSE(load_volunteer(d.db, active).erased_at.has_value());

    domain_db d2;
    const auto v = d2.volunteer("withdrawn");
    d2.db.exec("UPDATE programme SET retention_days = 10");
    CHECK(apply_retention(d2.db, t0()).volunteers == 1);  // 28 days > 10
    CHECK(load_volunteer(d2.db, v).erased_at.has_value());
}

TEST_CASE("retention erases every trace of the person, keeps ids, statuses, counts and the event log") {
    domain_db d;
    const auto req = d.request();
    const auto vol = d.volunteer();
    const auto m = d.propose(req, vol, t0() - 5 * day, t0() - 6 * day);
    accept_mission(d.db, m, t0() - 6 * day, coordinator());
    mission_report rep;
    rep.duration_minutes = 30;
    rep.outcome = "good";
    rep.note = std::string("Zephyrine va mieux, 12 rue Secretement Cachee");
    rep.welfare_concern = true;
    complete_mission(d.db, m, rep, t0() - 5 * day + hour, coordinator());
    REQUIRE(load_request(d.db, req).status == "closed");  // a one-off request closes with its mission
    // Another resident's request, closed by a coordinator with a free-text reason.
    const auto other = d.request();
    close_request(d.db, other, "cancelled", std::string("Zephyrine remerciee"), t0() - 4 * day,
                  coordinator());
    const auto res = resident_of(d, req);
    const auto other_res = resident_of(d, other);
    const auto before = event_rows(d.db);
    const auto requests = d.count("SELECT COUNT(*) FROM request");
    const auto missions = d.count("SELECT COUNT(*) FROM mission");

    auto r = apply_retention(d.db, t0(), 3);
    CHECK(r.residents == 2);
    const auto snap = d.snapshot();
    for (const char* p : {planted::resident_first, planted::resident_last, planted::resident_phone,
                          planted::resident_email, planted::resident_address, "Zephyrine", "Secretement"})
        CHECK_MESSAGE(!has(snap, p), "still in the database: " << p);
    CHECK(d.count("SELECT COUNT(*) FROM request") == requests);
    CHECK(d.count("SELECT COUNT(*) FROM mission") == missions);
    const auto rec = load_request(d.db, req);
    CHECK(rec.status == "closed");
    CHECK(rec.category == "shopping");
    CHECK(load_mission(d.db, m).status == "done");
    const auto after = event_rows(d.db);
    REQUIRE(after.size() == before.size() + 2);  // one "erased" event per resident, nothing rewritten
    for (std::size_t i = 0; i < before.size(); ++i)
        CHECK(after[i] == before[i]);
    const std::string added = after[before.size()] + "\n" + after.back();
    CHECK(has(added, "|resident|" + res + "|erased|"));
    CHECK(has(added, "|resident|" + other_res + "|erased|"));
    CHECK(has(after.back(), "|retention|"));
    CHECK(has(after.back(), "|system|"));
}
