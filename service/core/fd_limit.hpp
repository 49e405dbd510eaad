#pragma once

#include <cstddef>
#include <cstdint>

namespace relais::core {

/// The open-file limit (RLIMIT_NOFILE) of the process.
struct fd_limit {
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
};

/// File descriptors the server needs beside its connections: the database (writer, readers and checkpointer,
/// each with its -wal and -shm), the listener, epoll and event descriptors, the log, the web root's files
/// being read: a generous fixed margin plus three per database connection.
std::size_t fd_margin(std::size_t readers);

/// Raises the soft open-file limit to the hard one (a service manager often starts services at 1024 soft
/// while allowing far more) and returns the limit now in force. Never lowers it.
fd_limit raise_fd_limit();

/// The limit in force now (it may change while running: prlimit).
fd_limit current_fd_limit();

/// True if `limit` leaves room for `max_connections` connections and the margin.
bool fd_limit_enough(const fd_limit& limit, std::size_t max_connections, std::size_t readers);

}  // namespace relais::core
