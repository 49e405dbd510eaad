// `relais import neighbourhoods`: a faulty file lists every fault (`feature N: field: problem`) and writes
// nothing; a dry run says what would change and writes nothing; an import replaces the map. `relais import
// addresses`: a file of the Base Adresse Nationale, compressed or not, all or nothing.
#include "tools/import_command.hpp"
#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

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
    CHECK(count(db, "SELECT COUNT(*) FROM neighbourhood") == 3);  // a new database has no other
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

TEST_CASE("relais import addresses: a compressed file of the register, faults capped, dry run, re-import") {
    relais::testing::temp_dir dir;
    const auto db = dir.file("city.db");
    relais::store::migrate(db);
    const std::string fixture = std::string(RELAIS_SOURCE_DIR) + "/tests/fixtures/ban_rennes.csv";
    std::ifstream in(fixture, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(text.size() > 1000);
    const auto gz = dir.file("adresses-35.csv.gz");
    {
        gzFile f = gzopen(gz.c_str(), "wb");
        REQUIRE(f != nullptr);
        gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
        gzclose(f);
    }
    // 300 faulty lines after the good ones: 200 listed, all counted, nothing written.
    const auto bad = dir.file("adresses-faux.csv");
    {
        std::ofstream f(bad, std::ios::binary);
        f << text << "\n";
        for (int i = 0; i < 300; ++i)
            f << "35238_9999_" << i << ";35238_9999;" << i
              << ";;;35000;35238;Rennes;;;0;0;-1.6;48.1;;;;;;;;;\n";
    }
    std::ostringstream out, err;
    CHECK(relais::tools::run_import_command({"addresses", "--db", db, bad}, out, err) == 1);
    CHECK(err.str().find("line 33: nom_voie: is missing\n") != std::string::npos);
    CHECK(err.str().find("line 232: nom_voie") != std::string::npos);
    CHECK(err.str().find("line 233: nom_voie") == std::string::npos);
    CHECK(err.str().find("nothing imported (200 faults listed, 300 faulty lines in all)") !=
          std::string::npos);
    CHECK(count(db, "SELECT COUNT(*) FROM address") == 0);

    CHECK(relais::tools::run_import_command({"addresses", "--db", db, "--dry-run", gz}, out, err) == 0);
    CHECK(out.str().find("would import 31 addresses") != std::string::npos);
    CHECK(count(db, "SELECT COUNT(*) FROM address") == 0);
    out.str("");
    CHECK(relais::tools::run_import_command({"addresses", "--db", db, gz}, out, err) == 0);
    CHECK(out.str() == "imported 31 addresses\n");
    CHECK(relais::tools::run_import_command({"addresses", "--db", db, fixture}, out, err) == 0);
    CHECK(count(db, "SELECT COUNT(*) FROM address") == 31);
    CHECK(count(db, "SELECT COUNT(*) FROM address_search WHERE address_search MATCH '\"paix\"'") == 8);
    CHECK(relais::tools::run_import_command({"addresses", "--db", db, dir.file("missing.csv")}, out, err) ==
          1);
}
