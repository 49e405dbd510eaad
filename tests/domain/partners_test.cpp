// Partners and collective missions: sign-ups bounded by capacity.
#include "domain/partners.hpp"
#include "domain/domain_fixture.hpp"
#include "stats/collective_summary.hpp"

using namespace relais::domain_test;
using relais::error_kind;

TEST_CASE("collective missions fill up to capacity, then refuse with 409") {
    domain_db d;
    auto partner = create_partner(d.db, "Centre de depistage", "health", std::nullopt, std::nullopt, t0(),
                                  coordinator());
    collective_input in;
    in.partner_id = partner;
    in.title = "Information sante";
    in.place = "Place de la Mairie";
    in.neighbourhood = "centre";
    in.starts_at = t0() + day;
    in.ends_at = t0() + day + 3 * hour;
    in.capacity = 2;
    auto id = create_collective(d.db, in, t0(), coordinator());
    auto a = d.volunteer();
    auto b = d.volunteer();
    auto c = d.volunteer();

    auto after_a = signup_collective(d.db, id, a, false, t0(), {"usr_a", "volunteer"});
    CHECK(after_a.signed_up == 1);
    CHECK(after_a.mine);
    auto detail = refused(error_kind::conflict, [&] {
        signup_collective(d.db, id, a, false, t0(), {"usr_a", "volunteer"});
    });
    CHECK(has(detail, "already"));
    CHECK(signup_collective(d.db, id, b, false, t0(), {"usr_b", "volunteer"}).signed_up == 2);
    const auto before = d.snapshot();
    detail = refused(error_kind::conflict, [&] {
        d.job([&] { signup_collective(d.db, id, c, false, t0(), {"usr_c", "volunteer"}); });
    });
    CHECK(has(detail, "full"));
    CHECK(d.snapshot() == before);

    // A place freed is a place taken again.
    CHECK(cancel_signup(d.db, id, a, t0(), {"usr_a", "volunteer"}).signed_up == 1);
    refused(error_kind::conflict, [&] { cancel_signup(d.db, id, a, t0(), {"usr_a", "volunteer"}); });
    CHECK(signup_collective(d.db, id, c, false, t0(), {"usr_c", "volunteer"}).signed_up == 2);
    refused(error_kind::conflict, [&] {
        signup_collective(d.db, id, a, false, t0(), {"usr_a", "volunteer"});
    });
    CHECK(d.count("SELECT COUNT(*) FROM collective_signup WHERE collective_id = '" + id +
                  "' AND cancelled_at IS NULL") == 2);
}

TEST_CASE("collective missions: who may sign up, and when") {
    domain_db d;
    auto partner = create_partner(d.db, "Maison de quartier", "youth_centre", std::nullopt, std::nullopt,
                                  t0(), coordinator());
    collective_input in;
    in.partner_id = partner;
    in.title = "Soutien scolaire collectif";
    in.starts_at = t0() + day;
    in.ends_at = t0() + day + hour;
    in.capacity = 5;
    auto id = create_collective(d.db, in, t0(), coordinator());
    for (const std::string status : {"registered", "paused", "withdrawn"}) {
        auto v = d.volunteer(status);
        auto detail = refused(error_kind::conflict,
                              [&] { signup_collective(d.db, id, v, false, t0(), coordinator()); });
        CHECK(has(detail, status));
    }
    // Over: refused.
    auto v = d.volunteer();
    refused(error_kind::conflict,
            [&] { signup_collective(d.db, id, v, false, t0() + 2 * day, coordinator()); });
    // Cancelled: refused, and cannot be cancelled twice.
    cancel_collective(d.db, id, t0(), coordinator());
    CHECK(load_collective(d.db, id).status == "cancelled");
    auto detail =
        refused(error_kind::conflict, [&] { signup_collective(d.db, id, v, false, t0(), coordinator()); });
    CHECK(has(detail, "cancelled"));
    refused(error_kind::conflict, [&] { cancel_collective(d.db, id, t0(), coordinator()); });
    refused(error_kind::not_found,
            [&] { signup_collective(d.db, "col_nope", v, false, t0(), coordinator()); });

    // Creation checks.
    in.ends_at = in.starts_at;
    refused(error_kind::validation, [&] { create_collective(d.db, in, t0(), coordinator()); });
    in.starts_at = t0() - 3 * hour;
    in.ends_at = t0() - 2 * hour;
    refused(error_kind::validation, [&] { create_collective(d.db, in, t0(), coordinator()); });
    in.partner_id = "prt_nope";
    refused(error_kind::not_found, [&] { create_collective(d.db, in, t0(), coordinator()); });
}

TEST_CASE("collective missions run by the city: who signed up, who came, and the bilan's counts") {
    domain_db d;
    collective_input in;  // no partner: the city runs it
    in.title = "Distribution de colis";
    in.starts_at = t0() + day;
    in.ends_at = t0() + day + 2 * hour;
    in.capacity = 3;
    const auto id = create_collective(d.db, in, t0(), coordinator());
    auto c = load_collective(d.db, id);
    CHECK_FALSE(c.partner_id.has_value());
    CHECK_FALSE(c.organiser_name.empty());  // the programme's name
    const auto a = d.volunteer(), b = d.volunteer(), x = d.volunteer();
    signup_collective(d.db, id, a, true, t0(), {"usr_a", "volunteer"});
    signup_collective(d.db, id, b, false, t0() + 1, {"usr_b", "volunteer"});
    auto held = list_signups(d.db, id);
    REQUIRE(held.size() == 2);
    CHECK(held[0].volunteer_id == a);
    CHECK(held[0].share_phone);
    CHECK_FALSE(held[1].share_phone);
    CHECK_FALSE(held[0].attended.has_value());

    // Not before it begins; never for someone holding no place; all marks or none.
    auto detail = refused(error_kind::conflict, [&] {
        record_attendance(d.db, id, {{a, true}}, t0(), coordinator());
    });
    CHECK(has(detail, "not started"));
    const auto before = d.snapshot();
    refused(error_kind::validation, [&] {
        d.job([&] { record_attendance(d.db, id, {{a, true}, {x, true}}, t0() + day, coordinator()); });
    });
    CHECK(d.snapshot() == before);
    record_attendance(d.db, id, {{a, true}, {b, false}}, t0() + day + hour, coordinator());
    held = list_signups(d.db, id);
    CHECK(held[0].attended == std::optional<bool>(true));
    CHECK(held[1].attended == std::optional<bool>(false));
    CHECK(load_collective(d.db, id).attended == 1);
    // Signing up again after giving up a place starts afresh (no attendance carried over).
    cancel_signup(d.db, id, b, t0() + day + hour, {"usr_b", "volunteer"});
    CHECK(list_signups(d.db, id).size() == 1);

    // The bilan: a partner's activity beside the city's, and a cancelled one.
    const auto partner =
        create_partner(d.db, "Asso", "association", std::nullopt, std::nullopt, t0(), coordinator());
    in.partner_id = partner;
    in.capacity = 5;
    const auto other = create_collective(d.db, in, t0(), coordinator());
    signup_collective(d.db, other, a, false, t0(), {"usr_a", "volunteer"});
    signup_collective(d.db, other, x, false, t0(), {"usr_x", "volunteer"});
    record_attendance(d.db, other, {{a, true}, {x, true}}, t0() + day, coordinator());
    const auto dropped = create_collective(d.db, in, t0(), coordinator());
    cancel_collective(d.db, dropped, t0(), coordinator());
    const auto rows = relais::stats::collective_summary(d.db, {t0(), t0() + 7 * day});
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].organiser_id == "city");
    CHECK(rows[0] == relais::stats::collective_row{"city", rows[0].organiser, 1, 0, 3, 1, 1, 0, 1});
    CHECK(rows[1] == relais::stats::collective_row{partner, "Asso", 1, 1, 5, 2, 2, 0, 2});
    // The total counts a volunteer who came to both once.
    CHECK(rows[2] == relais::stats::collective_row{"all", "", 2, 1, 8, 3, 3, 0, 2});
    // Outside the period: nothing.
    CHECK(relais::stats::collective_summary(d.db, {t0() + 2 * day, t0() + 7 * day}).empty());
}

TEST_CASE("a partner's details change field by field; one event names the fields, not their values") {
    domain_db d;
    const auto id =
        create_partner(d.db, "Maison des familles", "association", std::string("accueil@mdf.test"),
                       std::string("+33299001122"), t0(), coordinator(), "fr");
    CHECK(load_partner(d.db, id).message_language == "fr");
    partner_changes c;
    c.message_language = "en";
    c.contact_phone = std::optional<std::string>();  // cleared
    c.name = "Maison des familles";                  // as it was: not a change
    update_partner(d.db, id, c, t0() + 60, coordinator());
    const auto p = load_partner(d.db, id);
    CHECK(p.message_language == "en");
    CHECK_FALSE(p.contact_phone);
    CHECK(p.contact_email == std::optional<std::string>("accueil@mdf.test"));
    CHECK(p.name == "Maison des familles");
    CHECK(d.count("SELECT COUNT(*) FROM event WHERE entity = 'partner' AND action = 'updated'") == 1);
    CHECK(d.count("SELECT COUNT(*) FROM event WHERE entity = 'partner' AND action = 'updated' AND data LIKE "
                  "'%message_language%' AND data LIKE '%contact_phone%' AND data NOT LIKE '%name%' AND data "
                  "NOT LIKE '%+33%'") == 1);
    update_partner(d.db, id, c, t0() + 120, coordinator());  // nothing differs now
    CHECK(d.count("SELECT COUNT(*) FROM event WHERE entity = 'partner' AND action = 'updated'") == 1);
    refused(error_kind::not_found, [&] { update_partner(d.db, "prt_nobody", c, t0(), coordinator()); });
}
