#pragma once

#include <string>

namespace relais::store {

class store;

/// The storage gauges and the commit batch histogram of `db`, in Prometheus text format (appended to the
/// request metrics by GET /metrics).
std::string render_metrics(const store& db);

}  // namespace relais::store
