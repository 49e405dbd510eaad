// Reading the Base Adresse Nationale (issue 16): columns found by their name, quoted fields, faults by line
// (nothing written), replacement by BAN id, and the search over the labels (prefixes, accents and case
// aside, the number typed first; typed text never read as query syntax).
#include "domain/address_import.hpp"
#include "domain/address_search.hpp"
#include "domain/ban_reader.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Transaction.h>
#include <doctest/doctest.h>

#include <sstream>

using namespace relais::domain;

namespace {

const std::string ban_header =
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;"
    "nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;"
    "source_position;source_nom_voie;certification_commune;cad_parcelles";

std::string ban_line(const std::string& id, const std::string& number, const std::string& rep,
                     const std::string& street, const std::string& lon, const std::string& lat) {
    return id + ";35238_5470;" + number + ";" + rep + ";" + street + ";35000;35238;Rennes;;;351074.00;" +
           "6789088.80;" + lon + ";" + lat + ";entrée;;;RENNES;;commune;commune;1;";
}

/// `text`'s lines, as a file reader hands them (no line ends; a last line without one is a line).
std::function<bool(std::string&)> lines_of(const std::string& text) {
    auto in = std::make_shared<std::istringstream>(text);
    return [in](std::string& line) { return static_cast<bool>(std::getline(*in, line)); };
}

struct address_db {
    relais::testing::temp_dir dir;
    SQLite::Database db;
    address_db() : db(open(dir)) {}
    static SQLite::Database open(const relais::testing::temp_dir& d) {
        relais::store::migrate(d.file("a.db"));
        return relais::store::open_writer(d.file("a.db"), relais::store::sync_mode::normal);
    }
    int count() { return db.execAndGet("SELECT COUNT(*) FROM address").getInt(); }
    /// Imports `text` in a transaction kept only without faults.
    address_import_result import(const std::string& text, std::vector<import_fault>& listed) {
        SQLite::Transaction tx(db);
        fault_list faults{listed};
        const auto r = import_addresses(db, lines_of(text), faults);
        if (r.faulty_lines == 0)
            tx.commit();
        return r;
    }
    std::vector<std::string> labels(std::string_view q, int limit = 8) {
        std::vector<std::string> out;
        for (const auto& m : search_addresses(db, q, limit))
            out.push_back(m.label);
        return out;
    }
};

}  // namespace

TEST_CASE("ban_reader: columns by name in any order, quoted fields, a byte order mark") {
    std::vector<import_fault> listed;
    fault_list faults{listed};
    ban_reader reader;
    // Columns shuffled: lat before lon, the street first.
    REQUIRE(reader.read_header("\xEF\xBB\xBFnom_voie;lat;lon;id;numero;rep;code_postal;nom_commune", faults));
    const auto a = reader.read_row(
        "\"Rue de la Paix; côté cour\";48.1108;-1.679;35238_5470_00012_bis;12;bis;"
        "35000;Rennes\r",
        2, faults);
    REQUIRE(a);
    CHECK(listed.empty());
    CHECK(a->street == "Rue de la Paix; côté cour");
    CHECK(a->ban_id == "35238_5470_00012_bis");
    CHECK(a->lat == doctest::Approx(48.1108));
    CHECK(a->lon == doctest::Approx(-1.679));
    CHECK(a->city == "Rennes");
    CHECK(door_number(*a) == "12 bis");
    CHECK(address_label(*a) == "12 bis Rue de la Paix; côté cour 35000 Rennes");
}

TEST_CASE("ban_reader: a header without the needed columns, faulty rows one fault a line each") {
    std::vector<import_fault> listed;
    fault_list faults{listed};
    ban_reader missing;
    CHECK_FALSE(missing.read_header("id;numero;nom_voie;code_postal;nom_commune;x;y", faults));
    REQUIRE(listed.size() == 2);  // lon and lat
    CHECK(listed[0].where == "line 1");
    CHECK(listed[0].field == "lon");
    CHECK(listed[1].field == "lat");

    listed.clear();
    ban_reader reader;
    REQUIRE(reader.read_header(ban_header, faults));
    CHECK_FALSE(reader.read_row(ban_line("", "1", "", "Rue A", "-1.6", "48.1"), 7, faults));
    CHECK_FALSE(reader.read_row(ban_line("x1", "1", "", "", "-1.6", "48.1"), 8, faults));
    CHECK_FALSE(reader.read_row(ban_line("x2", "1", "", "Rue B", "-1,6", "48.1"), 9, faults));
    CHECK_FALSE(reader.read_row(ban_line("x3", "1", "", "Rue C", "-1.6", "91"), 10, faults));
    CHECK_FALSE(reader.read_row(ban_line("x4", "1", "", "Rue D", "", "nan"), 11, faults));
    CHECK_FALSE(reader.read_row("x5;only;three", 12, faults));
    std::vector<std::string> said;
    for (const auto& f : listed)
        said.push_back(f.text());
    REQUIRE(said.size() >= 7);
    CHECK(said[0] == "line 7: id: is missing");
    CHECK(said[1] == "line 8: nom_voie: is missing");
    CHECK(said[2].starts_with("line 9: lon: is not a number"));
    CHECK(said[3] == "line 10: lat: is out of range (-90 to 90)");
    CHECK(said[4] == "line 11: lat: is not a number (a decimal with a point, such as 48.1113)");
    CHECK(said[5] == "line 11: lon: is missing");
    CHECK(said[6] == "line 12: nom_voie: is missing");
    // A fault of no particular field reads without an empty one.
    CHECK(import_fault{"line 2", "", "has too many fields"}.text() == "line 2: has too many fields");
}

TEST_CASE("import_addresses: all or nothing with every fault's line, then replaced by BAN id") {
    address_db a;
    std::vector<import_fault> listed;
    std::string faulty = ban_header + "\n" +
                         ban_line("35238_5470_00001", "1", "", "Rue de la Paix", "-1.679", "48.11") + "\n\n" +
                         ban_line("35238_5470_00003", "3", "", "", "-1.679", "48.11") + "\n" +
                         ban_line("35238_5470_00005", "5", "", "Rue de la Paix", "east", "48.11");
    auto r = a.import(faulty, listed);
    CHECK(r.faulty_lines == 2);
    CHECK(r.imported == 1);  // written before the first fault, then rolled back
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].where == "line 4");  // the blank line 3 still counts
    CHECK(listed[1].where == "line 5");
    CHECK(a.count() == 0);
    CHECK_FALSE(has_addresses(a.db));

    listed.clear();
    const std::string good =
        ban_header + "\n" + ban_line("35238_5470_00012", "12", "", "Rue de la Paix", "-1.679", "48.1108") +
        "\n" + ban_line("35238_5470_00012_bis", "12", "bis", "Rue de la Paix", "-1.679", "48.1109") + "\n" +
        ban_line("35238_5470_00120", "120", "", "Rue de la Paix", "-1.678", "48.111") + "\n" +
        ban_line("35238_2330_00012", "12", "", "Quai Émile Zola", "-1.676", "48.1095");
    r = a.import(good, listed);  // no final line end
    CHECK(listed.empty());
    CHECK(r.faulty_lines == 0);
    CHECK(r.imported == 4);
    CHECK(a.count() == 4);
    CHECK(has_addresses(a.db));

    // The same file again, one street renamed: replaced, not added, and found under its new name only.
    std::string renamed = good;
    renamed.replace(renamed.find("Quai Émile Zola"), std::string("Quai Émile Zola").size(), "Quai Zola");
    r = a.import(renamed + "\n", listed);
    CHECK(r.imported == 4);
    CHECK(a.count() == 4);
    CHECK(a.labels("12 quai emile").empty());
    CHECK(a.labels("12 quai zola").size() == 1);

    // An empty file, a file with its header only.
    listed.clear();
    CHECK(a.import("", listed).faulty_lines == 1);
    CHECK(a.import(ban_header + "\n", listed).faulty_lines == 1);
    REQUIRE(listed.size() == 2);
    CHECK(listed[1].problem == "the file has no addresses");
    CHECK(a.count() == 4);
}

TEST_CASE("search_addresses: every word a prefix, accents and case aside, the typed number first") {
    address_db a;
    std::vector<import_fault> listed;
    a.import(ban_header + "\n" + ban_line("p120", "120", "", "Rue de la Paix", "-1.678", "48.111") + "\n" +
                 ban_line("p12b", "12", "bis", "Rue de la Paix", "-1.679", "48.1109") + "\n" +
                 ban_line("p12", "12", "", "Rue de la Paix", "-1.679", "48.1108") + "\n" +
                 ban_line("z12", "12", "", "Quai Émile Zola", "-1.676", "48.1095") + "\n" +
                 ban_line("h7", "7", "ter", "Rue Saint-Hélier", "-1.664", "48.1082"),
             listed);
    REQUIRE(listed.empty());
    const auto found = a.labels("12 rue de la pa");
    REQUIRE(found.size() == 3);
    CHECK(found[0] == "12 Rue de la Paix 35000 Rennes");
    CHECK(found[1] == "12 bis Rue de la Paix 35000 Rennes");
    CHECK(found[2] == "120 Rue de la Paix 35000 Rennes");
    CHECK(a.labels("12 RUE DE LA PA", 1) == std::vector<std::string>{"12 Rue de la Paix 35000 Rennes"});
    CHECK(a.labels("emile zo") == std::vector<std::string>{"12 Quai Émile Zola 35000 Rennes"});
    CHECK(a.labels("ÉMILE ZOLA") == std::vector<std::string>{"12 Quai Émile Zola 35000 Rennes"});
    CHECK(a.labels("saint helier 7 ter").size() == 1);
    CHECK(a.labels("rue de la paix rennes", 2).size() == 2);
    CHECK(a.labels("nowhere street").empty());
    // Query syntax typed is only separators: never an error, never an operator.
    for (const char* hostile : {"\"", "\"12\" OR rue", "rue*", "NEAR(rue paix)", "-paix", "rue AND NOT paix",
                                "label:paix", "^rue", "(((", "12 + rue", "{label} : paix", "« paix »"}) {
        INFO(hostile);
        CHECK_NOTHROW(a.labels(hostile));
    }
    CHECK(a.labels("\"12\" OR rue de la paix").empty());  // "or" is a word, and no address has it
    CHECK(a.labels("-paix").size() == 3);                 // not "without paix"
    CHECK(a.labels("« paix »").size() == 3);
    CHECK(address_match_expression("12 rue de la pa") == "\"12\"* \"rue\"* \"de\"* \"la\"* \"pa\"*");
    CHECK(address_match_expression("NEAR(\"a\" b)*").find('(') == std::string::npos);
    CHECK(address_match_expression("\"*^:-+()").empty());
    CHECK(address_match_expression(std::string(100, 'a') + " paix") == "\"paix\"*");
}
