#include "domain/address_search.hpp"
#include "domain/neighbourhood_map.hpp"
#include "store/statement_cache.hpp"

#include <algorithm>
#include <cctype>

namespace relais::domain {

namespace {

constexpr std::size_t max_words = 12;
constexpr std::size_t max_word_bytes = 64;
/// Candidates read from the index by relevance before the exact number is put first.
constexpr int candidates = 200;

/// A byte of a word: an ASCII letter or digit, or any byte of a multi-byte UTF-8 character (accented
/// letters; the index's tokenizer splits the rest).
bool word_byte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u);
}

std::vector<std::string> words_of(std::string_view typed) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < typed.size() && words.size() < max_words) {
        while (i < typed.size() && !word_byte(typed[i]))
            ++i;
        const std::size_t start = i;
        while (i < typed.size() && word_byte(typed[i]))
            ++i;
        if (i > start && i - start <= max_word_bytes)
            words.emplace_back(typed.substr(start, i - start));
    }
    return words;
}

bool all_digits(const std::string& w) {
    return std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::string address_match_expression(std::string_view typed) {
    std::string out;
    for (const auto& w : words_of(typed)) {
        // A word holds no '"' (not a word byte), so quoting it is enough.
        out += (out.empty() ? "\"" : " \"") + w + "\"*";
    }
    return out;
}

std::vector<address_match> search_addresses(SQLite::Database& db, std::string_view typed, int limit) {
    std::vector<address_match> out;
    const std::string expression = address_match_expression(typed);
    if (expression.empty() || limit <= 0)
        return out;
    std::optional<std::string> number;
    for (const auto& w : words_of(typed))
        if (all_digits(w)) {
            number = w;
            break;
        }
    {
        auto q = store::prepare(
            db,
            "SELECT a.ban_id, a.number, a.suffix, a.street, a.postcode, a.city, a.lat, a.lon, a.label "
            "FROM (SELECT rowid, rank FROM address_search WHERE address_search MATCH :expression "
            "ORDER BY rank LIMIT :candidates) AS found JOIN address a ON a.id = found.rowid "
            "ORDER BY a.number = :number DESC, found.rank, a.label LIMIT :limit");
        q->bind(":expression", expression);
        q->bind(":candidates", candidates);
        if (number)
            q->bind(":number", *number);
        else
            q->bind(":number");  // NULL: no number typed, no row comes first for it
        q->bind(":limit", limit);
        while (q->executeStep()) {
            address_match m;
            m.address.ban_id = q->getColumn(0).getString();
            m.address.number = q->getColumn(1).getString();
            m.address.suffix = q->getColumn(2).getString();
            m.address.street = q->getColumn(3).getString();
            m.address.postcode = q->getColumn(4).getString();
            m.address.city = q->getColumn(5).getString();
            m.address.lat = q->getColumn(6).getDouble();
            m.address.lon = q->getColumn(7).getDouble();
            m.label = q->getColumn(8).getString();
            out.push_back(std::move(m));
        }
    }
    for (auto& m : out)
        m.neighbourhood = locate_neighbourhood(db, m.address.lat, m.address.lon);
    return out;
}

bool has_addresses(SQLite::Database& db) {
    auto q = store::prepare(db, "SELECT EXISTS (SELECT 1 FROM address)");
    return q->executeStep() && q->getColumn(0).getInt() == 1;
}

}  // namespace relais::domain
