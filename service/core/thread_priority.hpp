#pragma once

namespace relais::core {

/// Gives the calling thread a lower CPU priority (a nice value, 1 to 19; Linux schedules threads apart). For
/// background work that must never slow the answers people wait for (the outbox's sender): it still gets all
/// the time the machine has spare, and a share when it has none. Returns false (and changes nothing) when the
/// system refuses.
bool lower_this_thread_priority(int nice) noexcept;

/// The calling thread's nice value.
int this_thread_nice() noexcept;

}  // namespace relais::core
