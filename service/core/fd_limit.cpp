#include "core/fd_limit.hpp"

#include <sys/resource.h>

namespace relais::core {

std::size_t fd_margin(std::size_t readers) {
    return 64 + 3 * (readers + 2);
}

namespace {

std::uint64_t as_u64(rlim_t v) {
    return v == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(v);
}

}  // namespace

fd_limit current_fd_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return {UINT64_MAX, UINT64_MAX};
    return {as_u64(rl.rlim_cur), as_u64(rl.rlim_max)};
}

fd_limit raise_fd_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return {};
    if (rl.rlim_cur != RLIM_INFINITY && (rl.rlim_max == RLIM_INFINITY || rl.rlim_cur < rl.rlim_max)) {
        rlimit raised = rl;
        raised.rlim_cur = rl.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            rl = raised;
    }
    return {as_u64(rl.rlim_cur), as_u64(rl.rlim_max)};
}

bool fd_limit_enough(const fd_limit& limit, std::size_t max_connections, std::size_t readers) {
    return limit.soft >= static_cast<std::uint64_t>(max_connections + fd_margin(readers));
}

}  // namespace relais::core
