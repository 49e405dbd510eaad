// The mission state machine and the dispatch invariants, on a real (temporary) database through the domain
// functions: every legal and illegal transition, the overlap and weekly-maximum invariants, re-dispatch after
// a decline, a dropout or an expiry, one-off and weekly completion.
#include "domain/domain_fixture.hpp"
#include "domain/partners.hpp"

#include <map>

using namespace relais::domain_test;
using relais::error_kind;

namespace {

const std::vector<std::string> all_statuses{"proposed", "accepted",  "declined", "done",
                                            "missed",   "cancelled", "dropped",  "expired"};

const mission_report good_report{45, "good", false, std::nullopt};

/// Puts a fresh mission (its own request and volunteer, slot [t0-1h, t0)) into `status`.
std::string mission_in(domain_db& d, const std::string& status) {
    auto req = d.request();
    auto vol = d.volunteer();
    auto id = d.propose(req, vol, t0() - hour);
    auto& db = d.db;
    const auto who = coordinator();
    if (status == "proposed")
        return id;
    if (status == "declined")
        decline_mission(db, id, "not_available", std::nullopt, t0(), who);
    else if (status == "cancelled")
        cancel_mission(db, id, "coordinator", std::nullopt, t0(), who);
    else if (status == "expired")
        REQUIRE(expire_proposals(db, t0() + 2 * day) == 1);
    else {
        accept_mission(db, id, t0(), who);
        if (status == "done")
            complete_mission(db, id, good_report, t0(), who);
        else if (status == "missed")
            mark_missed(db, id, std::nullopt, t0(), who);
        else if (status == "dropped")
            drop_mission(db, id, "health", std::nullopt, t0(), who);
    }
    REQUIRE(d.mission_status(id) == status);
    return id;
}

struct operation {
    const char* name;
    const char* target;
    std::function<void(SQLite::Database&, const std::string&)> run;
};

const std::vector<operation>& operations() {
    static const std::vector<operation> ops{
        {"accept", "accepted",
         [](SQLite::Database& db, const std::string& id) {
             accept_mission(db, id, t0() + 60, coordinator());
         }},
        {"decline", "declined",
         [](SQLite::Database& db, const std::string& id) {
             decline_mission(db, id, "too_far", std::nullopt, t0() + 60, coordinator());
         }},
        {"complete", "done",
         [](SQLite::Database& db, const std::string& id) {
             complete_mission(db, id, good_report, t0() + 60, coordinator());
         }},
        {"drop", "dropped",
         [](SQLite::Database& db, const std::string& id) {
             drop_mission(db, id, "emergency", std::nullopt, t0() + 60, coordinator());
         }},
        {"cancel", "cancelled",
         [](SQLite::Database& db, const std::string& id) {
             cancel_mission(db, id, "resident_cancelled", std::nullopt, t0() + 60, coordinator());
         }},
        {"missed", "missed",
         [](SQLite::Database& db, const std::string& id) {
             mark_missed(db, id, std::nullopt, t0() + 60, coordinator());
         }},
    };
    return ops;
}

}  // namespace

TEST_CASE("mission transitions: the table of legal moves") {
    const std::map<std::string, std::vector<std::string>> legal{
        {"proposed", {"accepted", "declined", "cancelled", "expired"}},
        {"accepted", {"done", "missed", "cancelled", "dropped"}},
    };
    for (const auto& from : all_statuses)
        for (const auto& to : all_statuses) {
            const std::string where = from + " -> " + to;
            INFO(where);
            auto it = legal.find(from);
            const bool expected =
                it != legal.end() && std::find(it->second.begin(), it->second.end(), to) != it->second.end();
            CHECK(mission_transition_allowed(from, to) == expected);
        }
}

TEST_CASE("mission transitions: every operation from every status, legal ones apply, illegal ones are 409") {
    for (const auto& from : all_statuses) {
        for (const auto& op : operations()) {
            const std::string where = "from " + from + " operation " + op.name;
            INFO(where);
            domain_db d;
            auto id = mission_in(d, from);
            const bool legal = mission_transition_allowed(from, op.target);
            const auto before = d.snapshot();
            if (legal) {
                d.job([&] { op.run(d.db, id); });
                CHECK(d.mission_status(id) == op.target);
                // The change is in the event log with its from and to.
                auto ev = d.events("mission", id);
                REQUIRE_FALSE(ev.empty());
                CHECK(has(ev.back(), std::string(":") + from + ">" + op.target + ":"));
            } else {
                auto detail = refused(error_kind::conflict, [&] { d.job([&] { op.run(d.db, id); }); });
                // The refusal names the current status.
                CHECK_MESSAGE(has(detail, "The mission is " + from), detail);
                CHECK(d.mission_status(id) == from);
                CHECK(d.snapshot() == before);
            }
        }
    }
}

TEST_CASE("expiry: only unanswered proposals past their deadline expire, and count as a refusal") {
    domain_db d;
    auto req = d.request();
    auto vol = d.volunteer();
    auto late = d.propose(req, vol, t0() + 3 * day);
    auto m = load_mission(d.db, late);
    REQUIRE(m.expires_at);
    CHECK(*m.expires_at == t0() + 1440 * 60);  // the programme's default proposal lifetime

    // Nothing expires before the deadline.
    CHECK(expire_proposals(d.db, *m.expires_at - 1) == 0);
    CHECK(d.mission_status(late) == "proposed");
    // An accept after the deadline is refused even before the expiry job ran.
    auto detail =
        refused(error_kind::conflict, [&] { accept_mission(d.db, late, *m.expires_at + 1, coordinator()); });
    CHECK(has(detail, "expired"));

    // Accepted missions and other statuses are untouched by the expiry job.
    auto req2 = d.request();
    auto vol2 = d.volunteer();
    auto accepted = d.propose(req2, vol2, t0() + 4 * day);
    accept_mission(d.db, accepted, t0() + 10, coordinator());

    CHECK(expire_proposals(d.db, *m.expires_at) == 1);
    CHECK(d.mission_status(late) == "expired");
    CHECK(load_mission(d.db, late).reason == std::optional<std::string>("no_answer"));
    CHECK(d.mission_status(accepted) == "accepted");
    auto r = load_request(d.db, req);
    CHECK(r.status == "new");
    CHECK(r.redispatch);
    CHECK(r.redispatch_count == 1);
    CHECK(expire_proposals(d.db, *m.expires_at + day) == 0);  // idempotent

    // The volunteer who let it expire is not asked again for that request; another one is.
    detail = refused(error_kind::conflict, [&] { d.propose(req, vol, t0() + 5 * day, *m.expires_at + 10); });
    CHECK(has(detail, "expired"));
    auto other = d.volunteer();
    CHECK_NOTHROW(d.propose(req, other, t0() + 5 * day, *m.expires_at + 10));
    CHECK_FALSE(load_request(d.db, req).redispatch);  // a new proposal clears the flag
}

TEST_CASE("a volunteer who declined, dropped or let a proposal expire is not asked again for that request") {
    for (const std::string how : {"declined", "dropped", "expired"}) {
        INFO(how);
        domain_db d;
        auto req = d.request();
        auto vol = d.volunteer();
        auto id = d.propose(req, vol, t0() + 2 * day);
        std::int64_t now = t0();
        if (how == "declined") {
            decline_mission(d.db, id, "not_comfortable", std::nullopt, now, coordinator());
        } else if (how == "dropped") {
            accept_mission(d.db, id, now, coordinator());
            drop_mission(d.db, id, "no_longer_available", std::nullopt, now, coordinator());
        } else {
            now = t0() + day + 1;
            REQUIRE(expire_proposals(d.db, now) == 1);
        }
        const auto before = d.snapshot();
        auto detail =
            refused(error_kind::conflict, [&] { d.job([&] { d.propose(req, vol, t0() + 3 * day, now); }); });
        CHECK(has(detail, how));
        CHECK(d.snapshot() == before);
        // The volunteer is still free for other requests.
        CHECK_NOTHROW(d.propose(d.request(), vol, t0() + 3 * day, now));
    }
}

TEST_CASE("decline: the request returns to the top of the queue, flagged") {
    domain_db d;
    auto older = d.request();
    auto req = d.request();
    auto vol = d.volunteer();
    auto id = d.propose(req, vol, t0() + day);
    CHECK(load_request(d.db, req).first_proposed_at == t0());
    decline_mission(d.db, id, "too_far", std::string("trop loin"), t0() + 10, coordinator());
    auto m = load_mission(d.db, id);
    CHECK(m.reason == std::optional<std::string>("too_far"));
    CHECK(m.note == std::optional<std::string>("trop loin"));
    CHECK(m.answered_at == t0() + 10);
    auto r = load_request(d.db, req);
    CHECK(r.status == "new");
    CHECK(r.redispatch);
    CHECK(r.redispatch_count == 1);
    // The dispatch queue lists the flagged request first, before an older unflagged one of the same urgency.
    page_info page;
    request_filter f;
    f.status = "new";
    auto queue = list_requests(d.db, f, page);
    REQUIRE(queue.size() == 2);
    CHECK(queue[0].id == req);
    CHECK(queue[1].id == older);
    CHECK(d.events("request", req).back() == "redispatch_flagged:new>new:declined");
}

TEST_CASE("one-off request: accept creates the support, completion closes the request as fulfilled") {
    domain_db d;
    auto req = d.request("once");
    auto vol = d.volunteer();
    auto id = d.propose(req, vol, t0() - hour);
    CHECK_FALSE(active_support(d.db, req));
    accept_mission(d.db, id, t0(), coordinator());
    auto s = active_support(d.db, req);
    REQUIRE(s);
    CHECK(s->volunteer_id == vol);
    CHECK(load_mission(d.db, id).support_id == s->id);
    CHECK(load_request(d.db, req).status == "matched");

    complete_mission(d.db, id, {50, "difficult", true, std::string("Elle semblait tres seule")}, t0() + 60,
                     coordinator());
    auto m = load_mission(d.db, id);
    CHECK(m.status == "done");
    REQUIRE(m.report);
    CHECK(m.report->duration_minutes == 50);
    CHECK(m.report->outcome == "difficult");
    CHECK(m.report->welfare_concern);
    CHECK(m.ended_at == t0() + 60);
    auto r = load_request(d.db, req);
    CHECK(r.status == "closed");
    CHECK(r.outcome == std::optional<std::string>("fulfilled"));
    CHECK(r.closed_at == t0() + 60);
    CHECK_FALSE(r.redispatch);
    CHECK_FALSE(active_support(d.db, req));
    CHECK(load_support(d.db, s->id).status == "ended");
    // No next mission for a one-off need.
    CHECK(d.count("SELECT COUNT(*) FROM mission WHERE request_id = '" + req + "'") == 1);

    // The welfare concern is open until a coordinator acknowledges it, once.
    mission_filter wf;
    wf.welfare_open = true;
    page_info page;
    CHECK(list_missions(d.db, wf, page).size() == 1);
    acknowledge_welfare(d.db, id, std::nullopt, t0() + 120, coordinator());
    CHECK(load_mission(d.db, id).welfare_ack_at == t0() + 120);
    CHECK(list_missions(d.db, wf, page).empty());
    auto detail = refused(error_kind::conflict,
                          [&] { acknowledge_welfare(d.db, id, std::nullopt, t0() + 130, coordinator()); });
    CHECK(has(detail, "already"));
    // A report without a concern cannot be acknowledged.
    auto plain = mission_in(d, "done");
    refused(error_kind::conflict,
            [&] { acknowledge_welfare(d.db, plain, std::nullopt, t0() + 130, coordinator()); });
    // A closed request takes no new proposal.
    detail = refused(error_kind::conflict, [&] { d.propose(req, d.volunteer(), t0() + day); });
    CHECK(has(detail, "closed"));
}

TEST_CASE("a mission cannot be completed before it starts") {
    domain_db d;
    auto id = d.propose(d.request(), d.volunteer(), t0() + day);
    accept_mission(d.db, id, t0(), coordinator());
    auto detail =
        refused(error_kind::conflict, [&] { complete_mission(d.db, id, good_report, t0(), coordinator()); });
    CHECK(has(detail, "not started"));
    CHECK(d.mission_status(id) == "accepted");
    CHECK_NOTHROW(complete_mission(d.db, id, good_report, t0() + day, coordinator()));
}

TEST_CASE("weekly support: completion proposes next week's mission to the same volunteer, same support") {
    domain_db d;
    auto req = d.request("weekly", "friendly_call");
    auto vol = d.volunteer();
    auto first = d.propose(req, vol, t0() - 2 * hour);
    accept_mission(d.db, first, t0(), coordinator());
    auto s = active_support(d.db, req);
    REQUIRE(s);

    std::string previous = first;
    for (int week = 1; week <= 3; ++week) {
        const std::string where = "week " + std::to_string(week);
        INFO(where);
        const std::int64_t now = t0() + (week - 1) * 7 * day;
        complete_mission(d.db, previous, good_report, now, coordinator());
        auto r = load_request(d.db, req);
        CHECK(r.status == "matched");  // the support goes on
        mission_filter f;
        f.request_id = req;
        f.status = "proposed";
        page_info page;
        auto next = list_missions(d.db, f, page);
        REQUIRE(next.size() == 1);
        CHECK(next[0].volunteer_id == vol);
        CHECK(next[0].support_id == s->id);
        CHECK(next[0].starts_at == load_mission(d.db, previous).starts_at + 7 * day);
        CHECK(next[0].ends_at == load_mission(d.db, previous).ends_at + 7 * day);
        // Proposed by the system, in the log.
        auto proposer = d.db.execAndGet("SELECT actor FROM event WHERE entity = 'mission' AND entity_id = '" +
                                        next[0].id + "' AND action = 'proposed'");
        CHECK(proposer.getString() == "system");
        accept_mission(d.db, next[0].id, now + 60, coordinator());
        previous = next[0].id;
    }
    CHECK(active_support(d.db, req)->id == s->id);
    CHECK(d.count("SELECT COUNT(*) FROM support WHERE request_id = '" + req + "'") == 1);
    CHECK(d.count("SELECT COUNT(*) FROM mission WHERE request_id = '" + req + "' AND status = 'done'") == 3);
}

TEST_CASE("weekly support: when next week cannot be proposed, the request is flagged instead") {
    domain_db d;
    auto req = d.request("weekly", "friendly_call");
    auto vol = d.volunteer("active", 1);  // one mission a week at most
    auto first = d.propose(req, vol, t0() - 2 * hour);
    accept_mission(d.db, first, t0(), coordinator());
    // Next week is already full for this volunteer (another request).
    auto busy = d.propose(d.request(), vol, t0() + 7 * day + 4 * hour);
    REQUIRE(d.mission_status(busy) == "proposed");
    complete_mission(d.db, first, good_report, t0(), coordinator());
    CHECK(d.mission_status(first) == "done");
    CHECK(d.count("SELECT COUNT(*) FROM mission WHERE request_id = '" + req + "'") == 1);
    auto r = load_request(d.db, req);
    CHECK(r.redispatch);
    CHECK(r.status == "matched");
}

TEST_CASE("weekly support: cancelling one visit calls off that week only; the next is proposed") {
    domain_db d;
    auto req = d.request("weekly", "walk");
    auto vol = d.volunteer();
    auto first = d.propose(req, vol, t0() + 2 * day);
    accept_mission(d.db, first, t0(), coordinator());
    auto s = active_support(d.db, req);
    REQUIRE(s);
    // The resident is away that week: the coordinator cancels the visit.
    cancel_mission(d.db, first, "resident_cancelled", std::nullopt, t0() + hour, coordinator());
    CHECK(d.mission_status(first) == "cancelled");
    mission_filter f;
    f.request_id = req;
    f.status = "proposed";
    page_info page;
    auto next = list_missions(d.db, f, page);
    REQUIRE(next.size() == 1);
    CHECK(next[0].volunteer_id == vol);
    CHECK(next[0].support_id == s->id);
    CHECK(next[0].starts_at == load_mission(d.db, first).starts_at + 7 * day);
    auto r = load_request(d.db, req);
    CHECK(r.status == "matched");
    CHECK_FALSE(r.redispatch);
    CHECK(active_support(d.db, req)->id == s->id);

    // Cancelling an unanswered proposal of the chain moves it on a week again; nothing is duplicated.
    cancel_mission(d.db, next[0].id, "coordinator", std::nullopt, t0() + 2 * hour, coordinator());
    auto after = list_missions(d.db, f, page);
    REQUIRE(after.size() == 1);
    CHECK(after[0].starts_at == next[0].starts_at + 7 * day);

    // A one-off request's cancelled mission proposes nothing.
    auto once = d.request("once");
    auto m = d.propose(once, d.volunteer(), t0() + day);
    cancel_mission(d.db, m, "coordinator", std::nullopt, t0() + hour, coordinator());
    CHECK(d.count("SELECT COUNT(*) FROM mission WHERE request_id = '" + once + "'") == 1);
}

TEST_CASE(
    "weekly support: when the week after a cancelled visit cannot be proposed, the request is flagged") {
    domain_db d;
    auto req = d.request("weekly", "friendly_call");
    auto vol = d.volunteer("active", 1);  // one mission a week at most
    auto first = d.propose(req, vol, t0() + 2 * day);
    accept_mission(d.db, first, t0(), coordinator());
    auto busy = d.propose(d.request(), vol, t0() + 9 * day + 4 * hour);  // that next week is full
    REQUIRE(d.mission_status(busy) == "proposed");
    cancel_mission(d.db, first, "resident_cancelled", std::nullopt, t0() + hour, coordinator());
    CHECK(d.count("SELECT COUNT(*) FROM mission WHERE request_id = '" + req + "' AND status = 'proposed'") ==
          0);
    auto r = load_request(d.db, req);
    CHECK(r.redispatch);
    CHECK(d.events("request", req).back() == "redispatch_flagged:matched>matched:no_candidate");
}

TEST_CASE("dropout of a one-off accepted mission: support ended, request back to new and flagged") {
    domain_db d;
    auto req = d.request("once");
    auto vol = d.volunteer();
    auto id = d.propose(req, vol, t0() + day);
    accept_mission(d.db, id, t0(), coordinator());
    auto s = active_support(d.db, req);
    REQUIRE(s);
    drop_mission(d.db, id, "health", std::string("malade"), t0() + 60, coordinator());
    CHECK(d.mission_status(id) == "dropped");
    CHECK(load_mission(d.db, id).reason == std::optional<std::string>("health"));
    auto r = load_request(d.db, req);
    CHECK(r.status == "new");
    CHECK(r.redispatch);
    CHECK(r.redispatch_count == 1);
    CHECK(load_support(d.db, s->id).status == "ended");
    CHECK_FALSE(active_support(d.db, req));
    CHECK(d.events("request", req) == std::vector<std::string>{"created:>new:", "matched:new>matched:",
                                                               "redispatch_flagged:matched>matched:dropped",
                                                               "reopened:matched>new:"});
    CHECK(d.events("support", s->id) ==
          std::vector<std::string>{"created:>active:", "ended:active>ended:dropped"});
    // Another volunteer takes over with a new support.
    auto other = d.volunteer();
    auto again = d.propose(req, other, t0() + day);
    accept_mission(d.db, again, t0() + 120, coordinator());
    auto s2 = active_support(d.db, req);
    REQUIRE(s2);
    CHECK(s2->id != s->id);
    CHECK(s2->volunteer_id == other);
}

TEST_CASE("dropout of one week of a weekly support: the support stays, the request is flagged") {
    domain_db d;
    auto req = d.request("weekly", "walk");
    auto vol = d.volunteer();
    auto id = d.propose(req, vol, t0() + day);
    accept_mission(d.db, id, t0(), coordinator());
    auto s = active_support(d.db, req);
    drop_mission(d.db, id, "emergency", std::nullopt, t0() + 60, coordinator());
    CHECK(active_support(d.db, req)->id == s->id);
    auto r = load_request(d.db, req);
    CHECK(r.status == "matched");
    CHECK(r.redispatch);
}

TEST_CASE("overlap invariant: a volunteer never holds two live missions whose slots overlap") {
    domain_db d;
    auto vol = d.volunteer();
    const auto at = t0() + day;  // [at, at + 1h)
    auto a = d.propose(d.request(), vol, at);
    for (std::int64_t start : {at, at - 30 * 60, at + 30 * 60, at + 59 * 60, at - 59 * 60}) {
        const std::string where = "start offset " + std::to_string(start - at);
        INFO(where);
        const auto before = d.snapshot();
        auto detail =
            refused(error_kind::conflict, [&] { d.job([&] { d.propose(d.request(), vol, start); }); });
        // The request created for the attempt is rolled back with it.
        CHECK(has(detail, "overlapping"));
        CHECK(d.snapshot() == before);
    }
    // A slot that touches without overlapping is fine; so is a longer one around it once `a` is declined.
    CHECK_NOTHROW(d.propose(d.request(), vol, at + hour));
    CHECK_NOTHROW(d.propose(d.request(), vol, at - hour));
    auto accepted_req = d.request();
    auto b = d.propose(accepted_req, vol, at + 3 * hour);
    accept_mission(d.db, b, t0(), coordinator());
    refused(error_kind::conflict, [&] {
        propose_mission(d.db, d.request(), vol, at + 2 * hour + 1, at + 5 * hour, t0(), coordinator());
    });
    decline_mission(d.db, a, "not_available", std::nullopt, t0(), coordinator());
    CHECK_NOTHROW(propose_mission(d.db, d.request(), vol, at, at + 30 * 60, t0(), coordinator()));
    // Invariant over the whole table.
    CHECK(d.count("SELECT COUNT(*) FROM mission a JOIN mission b ON a.volunteer_id = b.volunteer_id AND a.id "
                  "< b.id "
                  "AND a.status IN ('proposed','accepted') AND b.status IN ('proposed','accepted') "
                  "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at") == 0);
}

TEST_CASE("weekly maximum: proposed, accepted and done missions of the week count; the next week is free") {
    domain_db d;
    auto vol = d.volunteer("active", 2);
    // t0 is a Monday: Monday and Sunday are the same week, the following Monday is the next one.
    auto monday = d.propose(d.request(), vol, t0() + 2 * hour);
    auto sunday = d.propose(d.request(), vol, t0() + 6 * day + 2 * hour);
    accept_mission(d.db, monday, t0(), coordinator());
    auto detail = refused(error_kind::conflict, [&] { d.propose(d.request(), vol, t0() + 3 * day); });
    CHECK(has(detail, "maximum of 2"));
    CHECK_NOTHROW(d.propose(d.request(), vol, t0() + 7 * day + 2 * hour));
    // A declined mission frees its place in the week.
    decline_mission(d.db, sunday, "not_available", std::nullopt, t0(), coordinator());
    CHECK_NOTHROW(d.propose(d.request(), vol, t0() + 3 * day));
}

TEST_CASE(
    "proposal rules: active volunteers only, one live mission per one-off request, support's volunteer") {
    domain_db d;
    for (const std::string status : {"registered", "paused", "withdrawn"}) {
        auto v = d.volunteer(status);
        auto detail = refused(error_kind::conflict, [&] { d.propose(d.request(), v, t0() + day); });
        CHECK(has(detail, "The volunteer is " + status));
    }
    refused(error_kind::not_found, [&] { d.propose("req_nope", d.volunteer(), t0() + day); });
    refused(error_kind::not_found, [&] { d.propose(d.request(), "vol_nope", t0() + day); });
    refused(error_kind::validation, [&] {
        propose_mission(d.db, d.request(), d.volunteer(), t0() + day, t0() + day, t0(), coordinator());
    });
    refused(error_kind::validation, [&] {
        propose_mission(d.db, d.request(), d.volunteer(), t0() + day, t0() + day + 13 * hour, t0(),
                        coordinator());
    });
    // Up to 7 days in the past (a mission recorded late), not more.
    CHECK_NOTHROW(d.propose(d.request(), d.volunteer(), t0() - 7 * day));
    refused(error_kind::validation, [&] { d.propose(d.request(), d.volunteer(), t0() - 7 * day - 1); });

    // A one-off request has one live mission at a time, whatever the slot.
    auto once = d.request("once");
    d.propose(once, d.volunteer(), t0() + day);
    auto detail = refused(error_kind::conflict, [&] { d.propose(once, d.volunteer(), t0() + 3 * day); });
    CHECK(has(detail, "already has"));

    // A request with a support goes to its volunteer or its stand-in only.
    auto weekly = d.request("weekly");
    auto main_vol = d.volunteer();
    auto standin = d.volunteer();
    auto m = d.propose(weekly, main_vol, t0() + day);
    accept_mission(d.db, m, t0(), coordinator());
    auto s = active_support(d.db, weekly);
    detail = refused(error_kind::conflict, [&] { d.propose(weekly, d.volunteer(), t0() + 2 * day); });
    CHECK(has(detail, "support in place"));
    set_standin(d.db, s->id, standin, t0(), coordinator());
    CHECK_NOTHROW(d.propose(weekly, standin, t0() + 2 * day));
    CHECK_NOTHROW(d.propose(weekly, main_vol, t0() + 3 * day));
}

TEST_CASE(
    "close_request cancels live missions and ends the support; a closed request cannot be closed again") {
    domain_db d;
    auto req = d.request("weekly");
    auto vol = d.volunteer();
    auto accepted = d.propose(req, vol, t0() + day);
    accept_mission(d.db, accepted, t0(), coordinator());
    auto proposed = d.propose(req, vol, t0() + 8 * day);
    auto done_req = d.request("weekly");
    auto s = active_support(d.db, req);
    close_request(d.db, req, "unfulfillable", std::string("plus de besoin"), t0() + 10, coordinator());
    CHECK(d.mission_status(accepted) == "cancelled");
    CHECK(d.mission_status(proposed) == "cancelled");
    CHECK(load_mission(d.db, accepted).reason == std::optional<std::string>("request_closed"));
    CHECK(load_support(d.db, s->id).status == "ended");
    auto r = load_request(d.db, req);
    CHECK(r.status == "closed");
    CHECK(r.outcome == std::optional<std::string>("unfulfillable"));
    CHECK(r.close_reason == std::optional<std::string>("plus de besoin"));
    const auto before = d.snapshot();
    auto detail = refused(error_kind::conflict, [&] {
        d.job([&] { close_request(d.db, req, "fulfilled", std::nullopt, t0() + 20, coordinator()); });
    });
    CHECK(has(detail, "The request is closed"));
    CHECK(d.snapshot() == before);
    // The volunteer's slots are free again.
    CHECK_NOTHROW(d.propose(done_req, vol, t0() + day));
}

TEST_CASE("stand-in rules and support end/handover") {
    domain_db d;
    auto req = d.request("weekly");
    auto vol = d.volunteer();
    auto m = d.propose(req, vol, t0() + day);
    accept_mission(d.db, m, t0(), coordinator());
    auto s = *active_support(d.db, req);
    refused(error_kind::conflict, [&] { set_standin(d.db, s.id, vol, t0(), coordinator()); });
    refused(error_kind::conflict,
            [&] { set_standin(d.db, s.id, d.volunteer("paused"), t0(), coordinator()); });
    refused(error_kind::not_found,
            [&] { set_standin(d.db, s.id, std::string("vol_nope"), t0(), coordinator()); });
    auto standin = d.volunteer();
    set_standin(d.db, s.id, standin, t0(), coordinator());
    CHECK(load_support(d.db, s.id).standin_volunteer_id == standin);
    set_standin(d.db, s.id, std::nullopt, t0(), coordinator());
    CHECK_FALSE(load_support(d.db, s.id).standin_volunteer_id);

    refused(error_kind::validation,
            [&] { handover_support(d.db, s.id, "prt_nope", std::nullopt, t0(), coordinator()); });
    // Handed over to a partner at the end of the programme: recorded, no longer active.
    auto req2 = d.request("weekly");
    auto m2 = d.propose(req2, d.volunteer(), t0() + day);
    accept_mission(d.db, m2, t0(), coordinator());
    auto s2 = *active_support(d.db, req2);
    auto partner = create_partner(d.db, "Banque alimentaire", "food_bank", std::nullopt, std::nullopt, t0(),
                                  coordinator());
    handover_support(d.db, s2.id, partner, std::string("suivi par l'association"), t0() + 5, coordinator());
    auto handed = load_support(d.db, s2.id);
    CHECK(handed.status == "handed_over");
    CHECK(handed.partner_id == partner);
    CHECK(handed.ended_at == t0() + 5);
    CHECK(d.events("support", s2.id).back() == "handed_over:active>handed_over:handover");
    refused(error_kind::conflict,
            [&] { handover_support(d.db, s2.id, partner, std::nullopt, t0(), coordinator()); });

    end_support(d.db, s.id, "coordinator", t0() + 10, coordinator());
    auto detail =
        refused(error_kind::conflict, [&] { end_support(d.db, s.id, "again", t0() + 20, coordinator()); });
    CHECK(has(detail, "The support is ended"));
    refused(error_kind::conflict, [&] { set_standin(d.db, s.id, standin, t0(), coordinator()); });
    refused(error_kind::not_found, [&] { load_support(d.db, "sup_nope"); });
}

TEST_CASE(
    "weekly request: once a support is in place, another volunteer's earlier proposal cannot be accepted") {
    domain_db d;
    auto req = d.request("weekly");
    auto a = d.volunteer();
    auto b = d.volunteer();
    auto ma = d.propose(req, a, t0() + day);
    auto mb = d.propose(req, b, t0() + 8 * day);  // proposed before any support existed
    accept_mission(d.db, ma, t0(), coordinator());
    auto s = active_support(d.db, req);
    REQUIRE(s);
    const auto before = d.snapshot();
    auto detail = refused(relais::error_kind::conflict,
                          [&] { d.job([&] { accept_mission(d.db, mb, t0(), coordinator()); }); });
    CHECK(has(detail, "support"));
    CHECK(d.snapshot() == before);
    CHECK(d.mission_status(mb) == "proposed");
    // Once b is the stand-in, the proposal can be accepted and joins the same support.
    set_standin(d.db, s->id, b, t0(), coordinator());
    accept_mission(d.db, mb, t0(), coordinator());
    CHECK(load_mission(d.db, mb).support_id == s->id);
}

TEST_CASE("weekly support: when next week is already planned, completion neither duplicates nor flags it") {
    domain_db d;
    auto req = d.request("weekly", "friendly_call");
    auto vol = d.volunteer();
    auto first = d.propose(req, vol, t0() - 2 * hour);
    accept_mission(d.db, first, t0(), coordinator());
    auto planned = d.propose(req, vol, t0() - 2 * hour + 7 * day);  // the coordinator planned week 2 already
    complete_mission(d.db, first, good_report, t0(), coordinator());
    CHECK(d.count("SELECT COUNT(*) FROM mission WHERE request_id = '" + req + "' AND status = 'proposed'") ==
          1);
    CHECK(d.mission_status(planned) == "proposed");
    CHECK_FALSE(load_request(d.db, req).redispatch);
}
