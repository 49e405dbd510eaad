// Partners and collective missions: sign-ups bounded by capacity.
#include "domain/domain_fixture.hpp"
#include "domain/partners.hpp"

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

    auto after_a = signup_collective(d.db, id, a, t0(), {"usr_a", "volunteer"});
    CHECK(after_a.signed_up == 1);
    CHECK(after_a.mine);
    auto detail = refused(error_kind::conflict, [&] { signup_collective(d.db, id, a, t0(), {"usr_a", "volunteer"}); });
    CHECK(has(detail, "already"));
    CHECK(signup_collective(d.db, id, b, t0(), {"usr_b", "volunteer"}).signed_up == 2);
    const auto before = d.snapshot();
    detail = refused(error_kind::conflict, [&] {
        d.job([&] { signup_collective(d.db, id, c, t0(), {"usr_c", "volunteer"}); });
    });
    CHECK(has(detail, "full"));
    CHECK(d.snapshot() == before);

    // A place freed is a place taken again.
    CHECK(cancel_signup(d.db, id, a, t0(), {"usr_a", "volunteer"}).signed_up == 1);
    refused(error_kind::conflict, [&] { cancel_signup(d.db, id, a, t0(), {"usr_a", "volunteer"}); });
    CHECK(signup_collective(d.db, id, c, t0(), {"usr_c", "volunteer"}).signed_up == 2);
    refused(error_kind::conflict, [&] { signup_collective(d.db, id, a, t0(), {"usr_a", "volunteer"}); });
    CHECK(d.count("SELECT COUNT(*) FROM collective_signup WHERE collective_id = '" + id +
                  "' AND cancelled_at IS NULL") == 2);
}

TEST_CASE("collective missions: who may sign up, and when") {
    domain_db d;
    auto partner = create_partner(d.db, "Maison de quartier", "youth_centre", std::nullopt, std::nullopt, t0(),
                                  coordinator());
    collective_input in;
    in.partner_id = partner;
    in.title = "Soutien scolaire collectif";
    in.starts_at = t0() + day;
    in.ends_at = t0() + day + hour;
    in.capacity = 5;
    auto id = create_collective(d.db, in, t0(), coordinator());
    for (const std::string status : {"registered", "paused", "withdrawn"}) {
        auto v = d.volunteer(status);
        auto detail = refused(error_kind::conflict, [&] { signup_collective(d.db, id, v, t0(), coordinator()); });
        CHECK(has(detail, status));
    }
    // Over: refused.
    auto v = d.volunteer();
    refused(error_kind::conflict, [&] { signup_collective(d.db, id, v, t0() + 2 * day, coordinator()); });
    // Cancelled: refused, and cannot be cancelled twice.
    cancel_collective(d.db, id, t0(), coordinator());
    CHECK(load_collective(d.db, id).status == "cancelled");
    auto detail = refused(error_kind::conflict, [&] { signup_collective(d.db, id, v, t0(), coordinator()); });
    CHECK(has(detail, "cancelled"));
    refused(error_kind::conflict, [&] { cancel_collective(d.db, id, t0(), coordinator()); });
    refused(error_kind::not_found, [&] { signup_collective(d.db, "col_nope", v, t0(), coordinator()); });

    // Creation checks.
    in.ends_at = in.starts_at;
    refused(error_kind::validation, [&] { create_collective(d.db, in, t0(), coordinator()); });
    in.starts_at = t0() - 3 * hour;
    in.ends_at = t0() - 2 * hour;
    refused(error_kind::validation, [&] { create_collective(d.db, in, t0(), coordinator()); });
    in.partner_id = "prt_nope";
    refused(error_kind::not_found, [&] { create_collective(d.db, in, t0(), coordinator()); });
}
