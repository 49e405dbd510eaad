#pragma once

#include "api/handler_support.hpp"
#include "domain/csv_table.hpp"
#include "domain/phone_plan.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <vector>

// The console's CSV imports (a list of volunteers, the register of vulnerable residents): the same shape of
// route for each. The body is {csv, dry_run}; the file's text has LF line ends (the pages send it so) and is
// at most 64 KiB (the body limit: the command line takes any size).
namespace relais::api {

/// What an import made of the text: the answer's fields, or the faults (then nothing is kept).
struct csv_import_outcome {
    boost::json::object body;
    std::vector<domain::import_fault> faults;
};

using csv_importer =
    std::function<csv_import_outcome(SQLite::Database&, const std::string& csv, const domain::phone_plan&,
                                     std::int64_t now, const domain::actor&)>;

/// Runs `import` in a write job (a dry run inside a savepoint it rolls back: the same checks, nothing kept);
/// answers 422 listing each fault as `csv`: "line N: field: problem", else 200 with the importer's fields and
/// `dry_run`.
awaitable_response csv_import(const data_access& s, request_context& ctx, csv_importer import);

}  // namespace relais::api
