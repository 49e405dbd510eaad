#include "http/call_limits.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace relais::http;
using relais::auth::principal;
using relais::auth::role;
using namespace std::chrono_literals;

TEST_CASE("call limits: defaults per caller kind; the desk's are far above an anonymous address's") {
    auto l = call_limits::defaults({30, 600s});
    CHECK(l.of(caller_kind::anonymous, call_class::form).count == 30);
    CHECK(l.of(caller_kind::anonymous, call_class::form).window == 600s);
    CHECK(l.of(caller_kind::anonymous, call_class::tracking).count == 30);
    for (auto c : {call_class::form, call_class::tracking, call_class::write, call_class::read}) {
        CHECK(l.of(caller_kind::staff, c).count > 0);
        CHECK(l.of(caller_kind::staff, c).count >= l.of(caller_kind::volunteer, c).count);
        CHECK(l.of(caller_kind::volunteer, c).count > 0);
        CHECK(l.of(caller_kind::partner, c).count > 0);
    }
    CHECK(l.of(caller_kind::staff, call_class::read).count >= 1000);  // a live console all day
}

TEST_CASE("call limits: overrides, wildcards, off") {
    auto l = call_limits::defaults({30, 600s});
    l.apply_overrides(" staff.write=5/10 , volunteer.*=7/70,anonymous.read=off");
    CHECK(l.of(caller_kind::staff, call_class::write).count == 5);
    CHECK(l.of(caller_kind::staff, call_class::write).window == 10s);
    CHECK(l.of(caller_kind::volunteer, call_class::form).count == 7);
    CHECK(l.of(caller_kind::volunteer, call_class::read).window == 70s);
    CHECK(l.of(caller_kind::anonymous, call_class::read).count == 0);
    CHECK(l.of(caller_kind::anonymous, call_class::form).count == 30);  // untouched
    l.apply_overrides("off");
    CHECK(l.of(caller_kind::staff, call_class::read).count == 0);
    CHECK(l.of(caller_kind::anonymous, call_class::form).count == 0);
    l.apply_overrides("");  // nothing to change
}

TEST_CASE("call limits: a faulty override is refused, naming the item") {
    auto l = call_limits::defaults({30, 600s});
    for (const char* bad :
         {"staff", "staff.write", "boss.write=1/1", "staff.everything=1/1", "staff.write=1",
          "staff.write=x/60", "staff.write=1/0", "staff.write=1/100000", "staff.write=-1/60"}) {
        INFO(bad);
        try {
            l.apply_overrides(bad);
            FAIL("accepted");
        } catch (const std::invalid_argument& e) {
            CHECK(std::string(e.what()).find(bad) != std::string::npos);
        }
    }
}

TEST_CASE("call limits: caller kinds of roles") {
    CHECK(caller_kind_of(std::nullopt) == caller_kind::anonymous);
    principal p;
    p.r = role::admin;
    CHECK(caller_kind_of(p) == caller_kind::staff);
    p.r = role::coordinator;
    CHECK(caller_kind_of(p) == caller_kind::staff);
    p.r = role::partner;
    CHECK(caller_kind_of(p) == caller_kind::partner);
    p.r = role::volunteer;
    CHECK(caller_kind_of(p) == caller_kind::volunteer);
}
