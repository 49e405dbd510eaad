#include "core/thread_name.hpp"

#include <pthread.h>

#include <cstring>

namespace relais::core {

void name_this_thread(const char* name) noexcept {
    char cut[16] = {};  // the kernel's limit, with the terminating zero
    std::strncpy(cut, name, sizeof cut - 1);
    ::pthread_setname_np(::pthread_self(), cut);  // a name is a convenience: a failure changes nothing
}

}  // namespace relais::core
