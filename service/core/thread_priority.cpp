#include "core/thread_priority.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace relais::core {

namespace {

id_t this_thread_id() noexcept {
    return static_cast<id_t>(::syscall(SYS_gettid));
}

}  // namespace

bool lower_this_thread_priority(int nice) noexcept {
    if (nice < 1 || nice > 19)
        return false;
    // On Linux, PRIO_PROCESS with a thread's id sets that thread's nice value alone (setpriority(2), BUGS).
    return ::setpriority(PRIO_PROCESS, this_thread_id(), nice) == 0;
}

int this_thread_nice() noexcept {
    return ::getpriority(PRIO_PROCESS, this_thread_id());
}

}  // namespace relais::core
