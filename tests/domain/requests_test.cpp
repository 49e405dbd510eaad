// Requests, tracking codes and the dispatch queue.
#include "domain/domain_fixture.hpp"
#include "domain/ids.hpp"
#include "domain/validate.hpp"

#include <set>

using namespace relais::domain_test;
using relais::error_kind;

TEST_CASE("tracking codes: 4 groups of 4 Crockford characters, 80 bits, canonical form and hash") {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        auto code = new_tracking_code();
        REQUIRE(code.size() == 19);
        CHECK(code[4] == '-');
        CHECK(code[9] == '-');
        CHECK(code[14] == '-');
        auto canonical = normalize_tracking_code(code);
        REQUIRE(canonical);
        CHECK(canonical->size() == 16);
        // 16 characters of a 32-letter alphabet: 80 bits (>= 64 required). None of I, L, O, U.
        for (char c : *canonical)
            CHECK(std::string("ILOU").find(c) == std::string::npos);
        seen.insert(*canonical);
    }
    CHECK(seen.size() == 2000);
}

TEST_CASE("tracking codes: what a resident types is normalised (dashes, spaces, case, O/0, I/L/1)") {
    const std::string canonical = "K7QM3RTA9XWD2HPF";
    for (const char* typed : {"K7QM-3RTA-9XWD-2HPF", "k7qm-3rta-9xwd-2hpf", "K7QM 3RTA 9XWD 2HPF",
                              "k7qm3rta9xwd2hpf", " K7QM-3RTA-9XWD-2HPF ", "K7QM--3RTA-9XWD-2HPF"}) {
        const std::string where = typed;
        INFO(where);
        CHECK(normalize_tracking_code(typed) == canonical);
    }
    // Look-alike letters map to the digits the code uses.
    CHECK(normalize_tracking_code("OOOO-IIII-LLLL-oilx") == "000011111111011X");
    CHECK(normalize_tracking_code("o0o0-i1l1-0000-0000") == "0000111100000000");
    // Not a code: wrong length, letters outside the alphabet, punctuation, very long input.
    for (const char* bad : {"", "K7QM-3RTA-9XWD", "K7QM-3RTA-9XWD-2HPF-AAAA", "K7QM-3RTA-9XWD-2HPU",
                            "K7QM_3RTA_9XWD_2HPF", "K7QM-3RTA-9XWD-2HP!", "' OR 1=1 --"}) {
        const std::string where = bad;
        INFO(where);
        CHECK_FALSE(normalize_tracking_code(bad));
    }
    CHECK_FALSE(normalize_tracking_code(std::string(41, '-')));
    CHECK_FALSE(normalize_tracking_code(std::string("K7QM-3RTA-9XWD-2HP\xc3\xa9", 20)));

    // The hash: 64 hex characters, the same for every typing of a code, different for another code.
    auto h = tracking_hash(canonical);
    CHECK(h.size() == 64);
    CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(tracking_hash(*normalize_tracking_code("k7qm 3rta 9xwd 2hpf")) == h);
    CHECK(tracking_hash("K7QM3RTA9XWD2HPG") != h);
}

TEST_CASE("a request's tracking code is not stored; the resident sees status, outcome and next visit only") {
    domain_db d;
    auto req = d.request("weekly");
    const auto code = d.last_tracking_code;
    const auto canonical = *normalize_tracking_code(code);
    // Neither typing of the code is anywhere in the database.
    const auto all = d.snapshot();
    CHECK_FALSE(has(all, code));
    CHECK_FALSE(has(all, canonical));
    CHECK(d.count("SELECT COUNT(*) FROM request WHERE id = '" + req + "' AND tracking_hash = '" +
                  tracking_hash(canonical) + "'") == 1);

    const auto hash = tracking_hash(canonical);
    auto v = track_request(d.db, hash, t0());
    CHECK(v.status == "new");
    CHECK_FALSE(v.outcome);
    CHECK_FALSE(v.next_visit);

    auto vol = d.volunteer();
    auto m = d.propose(req, vol, t0() + 2 * day);
    CHECK_FALSE(track_request(d.db, hash, t0()).next_visit);  // a proposal is not a visit yet
    accept_mission(d.db, m, t0(), coordinator());
    v = track_request(d.db, hash, t0());
    CHECK(v.status == "matched");
    CHECK(v.next_visit == t0() + 2 * day);

    refused(error_kind::not_found, [&] { track_request(d.db, tracking_hash("0000000000000000"), t0()); });

    v = cancel_by_tracking(d.db, hash, t0() + 10);
    CHECK(v.status == "closed");
    CHECK(v.outcome == std::optional<std::string>("cancelled"));
    CHECK_FALSE(v.next_visit);
    CHECK(d.mission_status(m) == "cancelled");
    CHECK(load_mission(d.db, m).reason == std::optional<std::string>("resident_cancelled"));
    CHECK(d.events("request", req).back() == "closed:matched>closed:cancelled");
    auto actor = d.db.execAndGet("SELECT actor FROM event WHERE entity = 'request' AND entity_id = '" + req +
                                 "' ORDER BY seq DESC LIMIT 1");
    CHECK(actor.getString() == "resident");
    const auto before = d.snapshot();
    auto detail =
        refused(error_kind::conflict, [&] { d.job([&] { cancel_by_tracking(d.db, hash, t0() + 20); }); });
    CHECK(has(detail, "closed"));
    CHECK(d.snapshot() == before);
    refused(error_kind::not_found,
            [&] { cancel_by_tracking(d.db, tracking_hash("0000000000000000"), t0()); });
}

TEST_CASE("create_request: unknown codes are 422 naming each field, nothing written") {
    domain_db d;
    request_input in;
    resident_input r;
    r.first_name = "A";
    r.last_name = "B";
    r.phone = "+33611111111";
    r.address = "1 rue X";
    r.neighbourhood = "nowhere";
    in.resident = r;
    in.category = "teleportation";
    in.urgency = "today";
    in.recurrence = "once";
    in.channel = "phone";
    in.window_from = t0();
    in.window_until = t0() + day;
    in.partner_id = "prt_nope";
    const auto before = d.snapshot();
    try {
        d.job([&] { create_request(d.db, in, t0(), coordinator()); });
        FAIL("accepted");
    } catch (const relais::error& e) {
        CHECK(e.kind() == error_kind::validation);
        REQUIRE(e.fields.size() == 3);
        CHECK(e.fields[0].field == "category");
        CHECK(e.fields[1].field == "resident.neighbourhood");
        CHECK(e.fields[2].field == "partner_id");
    }
    CHECK(d.snapshot() == before);

    // A known resident (phone intake for someone already recorded).
    auto first = d.request();
    auto resident_id = load_request(d.db, first).resident_id;
    request_input again;
    again.resident_id = resident_id;
    again.category = "medicines";
    again.urgency = "today";
    again.recurrence = "once";
    again.channel = "phone";
    again.window_from = t0();
    again.window_until = t0() + day;
    auto created = create_request(d.db, again, t0(), coordinator());
    CHECK(created.resident_id == resident_id);
    CHECK(load_request(d.db, created.id).channel == "phone");
    again.resident_id = "res_nope";
    refused(error_kind::not_found, [&] { create_request(d.db, again, t0(), coordinator()); });
}

TEST_CASE("the dispatch queue: flagged first, then urgency, then age; stable cursor pagination") {
    domain_db d;
    auto make = [&](const std::string& urgency, std::int64_t at) {
        request_input in;
        resident_input r;
        r.first_name = "A";
        r.last_name = "B";
        r.phone = "+33611111111";
        r.address = "1 rue X";
        r.neighbourhood = "centre";
        in.resident = r;
        in.category = "shopping";
        in.urgency = urgency;
        in.recurrence = "once";
        in.channel = "web";
        in.window_from = t0();
        in.window_until = t0() + day;
        return create_request(d.db, in, at, public_actor()).id;
    };
    auto week_old = make("week", t0() - 5 * hour);
    auto today_new = make("today", t0() - hour);
    auto h48 = make("48h", t0() - 4 * hour);
    auto today_old = make("today", t0() - 3 * hour);
    auto flagged = make("week", t0() - 2 * hour);
    auto m = d.propose(flagged, d.volunteer(), t0() + day);
    decline_mission(d.db, m, "other", std::nullopt, t0(), coordinator());
    const std::vector<std::string> expected{flagged, today_old, today_new, h48, week_old};

    request_filter f;
    page_info page;
    auto all = list_requests(d.db, f, page);
    std::vector<std::string> ids;
    for (const auto& r : all)
        ids.push_back(r.id);
    CHECK(ids == expected);
    CHECK_FALSE(page.next_cursor);

    // Two at a time through the cursor gives the same order.
    std::vector<std::string> paged;
    f.limit = 2;
    for (int guard = 0; guard < 10; ++guard) {
        page_info p;
        for (const auto& r : list_requests(d.db, f, p))
            paged.push_back(r.id);
        if (!p.next_cursor)
            break;
        f.cursor = p.next_cursor;
    }
    CHECK(paged == expected);

    request_filter bad;
    bad.cursor = "1.2.x";
    refused(error_kind::bad_request, [&] { list_requests(d.db, bad, page); });
}

TEST_CASE("validation helpers: email normalisation (phones: phone_plan_test)") {
    CHECK(normalize_email("Ines.Morvan@Example.ORG") == "ines.morvan@example.org");
    for (const char* bad : {"", "a", "no-at.example.org", "two@@example.org", "a@b", "a b@example.org",
                            "<x>@example.org", "x@example."}) {
        const std::string where = bad;
        INFO(where);
        CHECK_FALSE(normalize_email(bad));
    }
}

TEST_CASE("time formats") {
    CHECK(parse_iso8601("2026-11-23T10:00:00Z") == 1795428000);
    CHECK(parse_iso8601("2026-11-23T11:00:00+01:00") == 1795428000);
    CHECK(parse_iso8601("2026-11-23T10:00:00.123Z") == 1795428000);
    CHECK_FALSE(parse_iso8601("2026-11-23T10:00:00"));   // no offset
    CHECK_FALSE(parse_iso8601("2026-02-30T10:00:00Z"));  // no such day
    CHECK_FALSE(parse_iso8601("2026-11-23T25:00:00Z"));
    CHECK_FALSE(parse_iso8601("tomorrow"));
    CHECK(format_iso8601(1795428000) == "2026-11-23T10:00:00Z");
    CHECK(weekday_utc(*parse_iso8601("2026-11-23T10:00:00Z")) == 0);  // a Monday
    CHECK(weekday_utc(*parse_iso8601("2026-11-29T23:59:59Z")) == 6);
    CHECK(parse_hhmm("09:30") == 570);
    CHECK(parse_hhmm("24:00") == 1440);
    CHECK_FALSE(parse_hhmm("24:01"));
    CHECK_FALSE(parse_hhmm("9:30"));
}
