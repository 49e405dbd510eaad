#include "api/csv_import.hpp"

#include "api/body_reader.hpp"
#include "core/error.hpp"

#include <boost/json.hpp>

namespace relais::api {

awaitable_response csv_import(const data_access& s, request_context& ctx, csv_importer import) {
    body_reader r(ctx.json_body());
    auto csv = r.text("csv", {1, 64 * 1024, true});
    const bool dry_run = r.boolean("dry_run", false).value_or(false);
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    const std::string region = s.phones.region();
    auto job = [csv = *csv, dry_run, now, who, region, import](SQLite::Database& db) {
        const domain::phone_plan phones(region);
        if (dry_run)
            db.exec("SAVEPOINT csv_import_dry_run");
        auto outcome = import(db, csv, phones, now, who);
        if (dry_run) {
            db.exec("ROLLBACK TO csv_import_dry_run");
            db.exec("RELEASE csv_import_dry_run");
        }
        if (!outcome.faults.empty()) {
            std::vector<field_error> fields;
            for (const auto& f : outcome.faults)
                fields.push_back({"csv", f.text()});
            throw validation_error(std::move(fields));
        }
        outcome.body["dry_run"] = dry_run;
        return boost::json::value(std::move(outcome.body));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

}  // namespace relais::api
