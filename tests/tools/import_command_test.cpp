// `relais import neighbourhoods`: a faulty file lists every fault (`feature N: field: problem`) and writes
// nothing; a dry run says what would change and writes nothing; an import replaces the map.
#include "tools/import_command.hpp"
#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

namespace {

int count(const std::string& db_path, const char* sql) {
    auto db = relais::store::open_writer(db_path, relais::store::sync_mode::full);
    return db.execAndGet(sql).getInt();
}

}  // namespace

TEST_CASE("relais import neighbourhoods: all or nothing, faults by feature, dry run, replace") {
    relais::testing::temp_dir dir;
    const auto db = dir.file("city.db");
    relais::store::migrate(db);
    const int before = count(db, "SELECT COUNT(*) FROM neighbourhood");
    const std::string good = std::string(RELAIS_SOURCE_DIR) + "/tests/fixtures/montreal_quartiers.geojson";
    const auto bad = dir.file("bad.geojson");
    std::ofstream(bad) << "{\"type\": \"FeatureCollection\", \"features\": ["
                          "{\"properties\": {\"name\": \"Ok\"}, \"geometry\": {\"type\": \"Polygon\", "
                          "\"coordinates\": [[[0,0],[1,0],[1,1],[0,0]]]}},"
                          "{\"properties\": {}, \"geometry\": {\"type\": \"Polygon\", "
                          "\"coordinates\": [[[0,0],[1,0],[1,1],[0,0]]]}}]}";
    std::ostringstream out, err;
    CHECK(relais::tools::run_import_command({"neighbourhoods", "--db", db, bad}, out, err) == 1);
    CHECK(err.str().find("feature 2: properties.name: is required") != std::string::npos);
    CHECK(err.str().find("nothing imported") != std::string::npos);
    CHECK(count(db, "SELECT COUNT(*) FROM neighbourhood") == before);

    out.str("");
    CHECK(relais::tools::run_import_command({"neighbourhoods", "--db", db, "--dry-run", good}, out, err) ==
          0);
    CHECK(out.str().find("would import 3 neighbourhoods") != std::string::npos);
    CHECK(count(db, "SELECT COUNT(*) FROM neighbourhood") == before);
    CHECK(count(db, "SELECT COUNT(*) FROM neighbourhood_shape") == 0);

    out.str("");
    CHECK(relais::tools::run_import_command({"neighbourhoods", "--db=" + db, good}, out, err) == 0);
    CHECK(out.str().find("imported 3 neighbourhoods (3 with their shape): 3 new, 0 updated") !=
          std::string::npos);
    CHECK(count(db, "SELECT COUNT(*) FROM neighbourhood") == 3);  // nothing used Rennes' yet
    CHECK(count(db, "SELECT COUNT(*) FROM neighbourhood_shape") == 3);

    // Usage faults: 64.
    CHECK(relais::tools::run_import_command({}, out, err) == 64);
    CHECK(relais::tools::run_import_command({"neighbourhoods", good}, out, err) == 64);
    CHECK(relais::tools::run_import_command({"neighbourhoods", "--db", db}, out, err) == 64);
    CHECK(relais::tools::run_import_command({"neighbourhoods", "--db", dir.file("none.db"), good}, out,
                                            err) == 1);
    CHECK(relais::tools::run_import_command({"neighbourhoods", "--db", db, dir.file("missing.csv")}, out,
                                            err) == 1);
}
