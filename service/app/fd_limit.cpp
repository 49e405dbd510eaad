#include "app/fd_limit.hpp"

#include "app/config.hpp"

#include <sys/resource.h>

namespace relais::app {

std::size_t fd_margin(const config& cfg) {
    return 64 + 3 * (static_cast<std::size_t>(cfg.readers) + 2);
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

bool fd_limit_enough(const fd_limit& limit, const config& cfg) {
    return limit.soft >= static_cast<std::uint64_t>(cfg.max_connections + fd_margin(cfg));
}

}  // namespace relais::app
