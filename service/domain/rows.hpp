#pragma once

#include "domain/volunteers.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

// Reading rows of the domain's SELECTs: nullable columns, and keyset pages ordered by seq.

namespace relais::domain {

/// Column `i` of the current row as text, or nullopt when it is NULL.
inline std::optional<std::string> column_text(SQLite::Statement& q, int i) {
    if (q.getColumn(i).isNull())
        return std::nullopt;
    return q.getColumn(i).getString();
}

/// Column `i` of the current row as an integer, or nullopt when it is NULL.
inline std::optional<std::int64_t> column_int(SQLite::Statement& q, int i) {
    if (q.getColumn(i).isNull())
        return std::nullopt;
    return q.getColumn(i).getInt64();
}

/// The rows of `q`, which selects at most `limit` + 1 rows ordered by their `seq` column (after the
/// cursor), each read by `read(q)`: the first `limit` of them, and when there is one more, the seq of the
/// last one returned in page.next_cursor.
template <class Read>
auto read_seq_page(SQLite::Statement& q, int limit, page_info& page, Read read) {
    std::vector<std::decay_t<decltype(read(q))>> out;
    std::int64_t last = 0;
    while (q.executeStep()) {
        if (static_cast<int>(out.size()) == limit) {
            page.next_cursor = std::to_string(last);
            break;
        }
        out.push_back(read(q));
        last = q.getColumn("seq").getInt64();
    }
    return out;
}

}  // namespace relais::domain
