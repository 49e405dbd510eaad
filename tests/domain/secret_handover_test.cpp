#include "domain/secret_handover.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <thread>

using namespace relais::domain;

namespace {
// The handover belongs to the thread that asked for it: each case runs on its own thread, as the writer.
template <typename F>
void on_own_thread(F f) {
    std::thread t(f);
    t.join();
}
}  // namespace

TEST_CASE("secret handover: a connection that did not ask for it keeps nothing") {
    on_own_thread([] {
        SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
        keep_secret(db, "tracking_code", "req_1", "ABCD-EFGH");
        CHECK_FALSE(take_secret(db, "tracking_code", "req_1").has_value());
    });
}

TEST_CASE("secret handover: taken once, by kind and id, in the order left; dropped before the commit") {
    on_own_thread([] {
        SQLite::Database writer(":memory:", SQLite::OPEN_READWRITE);
        SQLite::Database other(":memory:", SQLite::OPEN_READWRITE);
        hand_over_secrets(writer);
        keep_secret(writer, "tracking_code", "req_1", "ABCD-EFGH");
        keep_secret(writer, "sign_in_code", "usr_1", "123456 first");
        keep_secret(writer, "sign_in_code", "usr_1", "654321 second");
        keep_secret(other, "tracking_code", "req_2", "ZZZZ");  // another connection of the thread: not served

        CHECK_FALSE(take_secret(writer, "sign_in_code", "req_1").has_value());  // another kind
        CHECK_FALSE(take_secret(other, "tracking_code", "req_1").has_value());
        CHECK_FALSE(take_secret(writer, "tracking_code", "req_2").has_value());
        CHECK(take_secret(writer, "tracking_code", "req_1") == std::optional<std::string>("ABCD-EFGH"));
        CHECK_FALSE(take_secret(writer, "tracking_code", "req_1").has_value());  // single use
        CHECK(take_secret(writer, "sign_in_code", "usr_1") == std::optional<std::string>("123456 first"));
        // Given back (the planner plans again): taken again, in the same order.
        give_back_secrets(writer);
        CHECK(take_secret(writer, "tracking_code", "req_1") == std::optional<std::string>("ABCD-EFGH"));
        CHECK(take_secret(writer, "sign_in_code", "usr_1") == std::optional<std::string>("123456 first"));

        drop_secrets(writer);  // the second code's event did not come: it goes with the commit
        CHECK_FALSE(take_secret(writer, "sign_in_code", "usr_1").has_value());
        keep_secret(writer, "password_link", "usr_2", "token");
        CHECK(take_secret(writer, "password_link", "usr_2") == std::optional<std::string>("token"));

        // Another thread (a reader's, an I/O thread's) never sees the writer's secrets.
        keep_secret(writer, "tracking_code", "req_3", "WXYZ");
        std::optional<std::string> elsewhere = std::string("not run");
        std::thread([&] { elsewhere = take_secret(writer, "tracking_code", "req_3"); }).join();
        CHECK_FALSE(elsewhere.has_value());
        CHECK(take_secret(writer, "tracking_code", "req_3") == std::optional<std::string>("WXYZ"));
    });
}
