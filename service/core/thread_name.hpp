#pragma once

namespace relais::core {

/// Names the calling thread (Linux: at most 15 characters, longer ones are cut), so that `top -H`, `ps -L`,
/// perf and /proc/PID/task/TID/comm tell the writer, the readers, the sender... apart.
void name_this_thread(const char* name) noexcept;

}  // namespace relais::core
