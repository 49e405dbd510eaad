// The open-file limit: raised to the hard limit at start, never lowered, and compared with what
// --max-connections needs.
#include "core/fd_limit.hpp"

#include <doctest/doctest.h>

#include <sys/resource.h>

using namespace relais::core;

TEST_CASE("the soft open-file limit is raised to the hard one, and judged against --max-connections") {
    rlimit before{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &before) == 0);
    const auto now = raise_fd_limit();
    CHECK(now.soft == now.hard);
    CHECK((before.rlim_cur == RLIM_INFINITY || now.soft >= before.rlim_cur));

    const std::size_t readers = 4;
    CHECK(fd_margin(readers) >= 64);
    CHECK(fd_limit_enough({100 + fd_margin(readers), 100000}, 100, readers));
    CHECK_FALSE(fd_limit_enough({100 + fd_margin(readers) - 1, 100000}, 100, readers));
    CHECK_FALSE(fd_limit_enough({64, 64}, 100, readers));
}
