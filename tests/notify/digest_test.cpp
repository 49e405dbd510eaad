// The coordinators' morning digest counts each open request once, at the stage the console's queue shows.
#include "notify/digest.hpp"

#include "domain/domain_fixture.hpp"
#include "domain/queue_state.hpp"

using namespace relais::domain_test;
namespace notify = relais::notify;

TEST_CASE("digest: new, no candidate and flagged are the queue's stages; a proposal out is none of them") {
    domain_db d;
    auto vol = d.volunteer();
    auto other = d.volunteer();
    const auto now = t0();

    d.request();  // new: nobody proposed yet
    auto waiting = d.request();
    d.propose(waiting, vol, now + day);  // a proposal out, unanswered: not "new"
    auto flagged = d.request();
    decline_mission(d.db, d.propose(flagged, vol, now + 2 * day), "not_available", std::nullopt, now,
                    coordinator());  // to propose to another volunteer
    auto again = d.request();
    decline_mission(d.db, d.propose(again, vol, now + 3 * day), "not_available", std::nullopt, now,
                    coordinator());
    d.propose(again, other, now + 4 * day);  // flagged, then proposed again: waits for that answer
    auto nobody = d.request();
    mark_no_candidate(d.db, load_request(d.db, nobody), now);
    auto scheduled = d.request();
    accept_mission(d.db, d.propose(scheduled, other, now + 5 * day), now, coordinator());

    auto c = notify::count_desk(d.db, now + 12 * hour);
    CHECK(c.new_requests == 1);
    CHECK(c.no_candidate == 1);
    CHECK(c.flagged == 1);
    CHECK(c.awaiting_validation == 0);
    // The proposals out (of `waiting` and `again`) whose deadline is before tonight.
    const auto deadline = d.count("SELECT MIN(expires_at) FROM mission WHERE status = 'proposed'");
    CHECK(notify::count_desk(d.db, deadline).expiring_today == 0);
    CHECK(notify::count_desk(d.db, deadline + 1).expiring_today >= 1);
    CHECK(notify::count_desk(d.db, now + 30 * day).expiring_today == 2);

    // A volunteer waiting for validation.
    d.volunteer("registered");
    c = notify::count_desk(d.db, now);
    CHECK(c.awaiting_validation == 1);
    CHECK(c.new_requests + c.no_candidate + c.flagged == 3);
}
