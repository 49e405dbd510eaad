#include "core/thread_priority.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

namespace core = relais::core;

TEST_CASE("thread priority: a thread lowers its own priority, the others keep theirs") {
    const int mine = core::this_thread_nice();
    const int target = std::min(19, std::max(5, mine + 1));  // lower than ours, whatever ours is
    int lowered = -100, refused_zero = -100, refused_twenty = -100;
    bool zero = true, twenty = true, five = false;
    std::thread t([&] {
        zero = core::lower_this_thread_priority(0);
        refused_zero = core::this_thread_nice();
        twenty = core::lower_this_thread_priority(20);
        refused_twenty = core::this_thread_nice();
        five = core::lower_this_thread_priority(target);
        lowered = core::this_thread_nice();
    });
    t.join();
    CHECK_FALSE(zero);
    CHECK_FALSE(twenty);
    CHECK(refused_zero == mine);  // nothing changed by a value out of range
    CHECK(refused_twenty == mine);
    CHECK(five);
    CHECK(lowered == target);
    CHECK(core::this_thread_nice() == mine);
}
