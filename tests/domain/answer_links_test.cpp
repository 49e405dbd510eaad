// One-tap answers: a link answers its own proposal once, as its volunteer, until the proposal expires.
#include "domain/answer_links.hpp"

#include "domain/domain_fixture.hpp"

using namespace relais::domain_test;
using relais::error_kind;

TEST_CASE("answer links: accept once; then used; the event names the volunteer's account") {
    domain_db d;
    auto req = d.request();
    auto vol = d.volunteer();
    // Registration made the volunteer's account: the answer is recorded as theirs.
    const std::string account =
        d.db.execAndGet("SELECT id FROM users WHERE volunteer_id = '" + vol + "'").getString();
    auto mission = d.propose(req, vol, t0() + day);
    const auto token = issue_answer_link(d.db, mission, vol, t0() + day);
    CHECK(token.size() == 43);
    CHECK(d.count("SELECT COUNT(*) FROM answer_link WHERE token_hash = '" + token + "'") == 0);  // hashed

    auto v = view_answer_link(d.db, token, t0());
    CHECK(v.status == answer_link_view::state::open);
    CHECK(v.mission.id == mission);
    const auto m = answer_by_link(d.db, token, true, t0() + 60);
    CHECK(m.status == "accepted");
    CHECK(d.count("SELECT COUNT(*) FROM event WHERE entity_id = '" + mission +
                  "' AND action = 'accepted' AND actor = '" + account + "'") == 1);
    CHECK(view_answer_link(d.db, token, t0() + 120).status == answer_link_view::state::used);
    CHECK(refused(error_kind::conflict, [&] { answer_by_link(d.db, token, false, t0() + 120); }) != "");
    CHECK(d.mission_status(mission) == "accepted");
}

TEST_CASE("answer links: decline; expired; answered otherwise; unknown and malformed tokens") {
    domain_db d;
    auto req = d.request();
    auto vol = d.volunteer();
    auto mission = d.propose(req, vol, t0() + day);
    const auto token = issue_answer_link(d.db, mission, vol, t0() + hour);
    // Expired: refused, nothing changes.
    CHECK(view_answer_link(d.db, token, t0() + hour).status == answer_link_view::state::expired);
    CHECK(refused(error_kind::conflict, [&] { answer_by_link(d.db, token, true, t0() + hour); }) != "");
    CHECK(d.mission_status(mission) == "proposed");
    // Declined in time.
    CHECK(answer_by_link(d.db, token, false, t0() + 60).status == "declined");

    auto req2 = d.request();
    auto other = d.propose(req2, vol, t0() + 2 * day);
    const auto token2 = issue_answer_link(d.db, other, vol, t0() + day);
    cancel_mission(d.db, other, "coordinator", std::nullopt, t0(), coordinator());
    CHECK(view_answer_link(d.db, token2, t0()).status == answer_link_view::state::answered);
    CHECK(refused(error_kind::conflict, [&] { answer_by_link(d.db, token2, true, t0()); }) != "");

    for (const std::string& bad : {std::string(), std::string(43, 'A'), token.substr(1), token + "x",
                                   std::string("../../etc/passwd"), std::string(43, '\0')}) {
        CHECK(refused(error_kind::not_found, [&] { view_answer_link(d.db, bad, t0()); }) != "");
        CHECK(refused(error_kind::not_found, [&] { answer_by_link(d.db, bad, true, t0()); }) != "");
    }
}
