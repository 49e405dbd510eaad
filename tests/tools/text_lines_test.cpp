// The lines of an import file read one at a time, plain or gzip-compressed: a last line without a line end,
// CRLF, empty lines, a damaged compressed file.
#include "tools/text_lines.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <fstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> all_lines(const std::string& path) {
    relais::tools::text_lines in(path);
    REQUIRE(in.ok());
    std::vector<std::string> out;
    std::string line;
    while (in.next(line))
        out.push_back(line);
    CHECK(in.problem().empty());
    return out;
}

void write_gzip(const std::string& path, const std::string& text) {
    gzFile f = gzopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
    gzclose(f);
}

}  // namespace

TEST_CASE("text_lines: plain and gzip files give the same lines, the last one without a line end too") {
    relais::testing::temp_dir dir;
    // A line longer than the reader's chunk, accents, CRLF, an empty line, no final line end.
    const std::string long_line(20000, 'x');
    const std::string text = "id;nom_voie\r\n1;Rue Saint-Hélier\n\n" + long_line + "\n2;Quai Émile Zola";
    const std::vector<std::string> expected{"id;nom_voie", "1;Rue Saint-Hélier", "", long_line,
                                            "2;Quai Émile Zola"};
    std::ofstream(dir.file("a.csv"), std::ios::binary) << text;
    write_gzip(dir.file("a.csv.gz"), text);
    CHECK(all_lines(dir.file("a.csv")) == expected);
    CHECK(all_lines(dir.file("a.csv.gz")) == expected);
    std::ofstream(dir.file("empty.csv"), std::ios::binary) << "";
    CHECK(all_lines(dir.file("empty.csv")).empty());
}

TEST_CASE("text_lines: a missing file, a damaged compressed file") {
    relais::testing::temp_dir dir;
    relais::tools::text_lines missing(dir.file("none.csv"));
    CHECK_FALSE(missing.ok());
    CHECK_FALSE(missing.problem().empty());

    std::string text;
    for (int i = 0; i < 5000; ++i)
        text += std::to_string(i) + ";Rue de la Paix;35000;Rennes\n";
    write_gzip(dir.file("whole.gz"), text);
    std::ifstream whole(dir.file("whole.gz"), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(whole)), std::istreambuf_iterator<char>());
    std::ofstream(dir.file("cut.gz"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    relais::tools::text_lines cut(dir.file("cut.gz"));
    REQUIRE(cut.ok());
    std::string line;
    std::size_t read = 0;
    while (cut.next(line))
        ++read;
    CHECK(read < 5000);
    CHECK_FALSE(cut.problem().empty());
}
