#include "domain/address_search.hpp"
#include "domain/neighbourhood_map.hpp"
#include "store/statement_cache.hpp"

#include <algorithm>
#include <cctype>

namespace relais::domain {

namespace {

constexpr std::size_t max_words = 12;
constexpr std::size_t max_word_bytes = 64;
/// Matches read from the index, in its order, before they are ranked.
constexpr int candidates = 1000;

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

/// The full-text query of `words`, each a quoted prefix but word `whole`, quoted as a whole word. A word
/// holds no '"' (not a word byte), so quoting it is enough.
std::string expression_of(const std::vector<std::string>& words, std::optional<std::size_t> whole) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i)
        out += (out.empty() ? "\"" : " \"") + words[i] + (whole == i ? "\"" : "\"*");
    return out;
}

/// Appends to `out` (up to `limit` in all) the addresses matching `expression` not already in it: those whose
/// number is `number` first, then by relevance (bm25), then by label. Relevance is computed over the first
/// `candidates` matches only, so a word found in half the file ("rue") costs no more than a precise query.
void read_matches(SQLite::Database& db, const std::string& expression, const std::string& number, int limit,
                  std::vector<address_match>& out) {
    auto q = store::prepare(
        db,
        "SELECT a.ban_id, a.number, a.suffix, a.street, a.postcode, a.city, a.lat, a.lon, a.label "
        "FROM (SELECT rowid, rank FROM address_search WHERE address_search MATCH :expression "
        "LIMIT :candidates) AS found JOIN address a ON a.id = found.rowid "
        "ORDER BY a.number = :number DESC, found.rank, a.label LIMIT :limit");
    q->bind(":expression", expression);
    q->bind(":candidates", candidates);
    if (number.empty())
        q->bind(":number");  // NULL: no number typed, no row comes first for it
    else
        q->bind(":number", number);
    q->bind(":limit", limit + static_cast<int>(out.size()));  // room for those already found
    while (static_cast<int>(out.size()) < limit && q->executeStep()) {
        const std::string ban_id = q->getColumn(0).getString();
        if (std::any_of(out.begin(), out.end(),
                        [&](const address_match& m) { return m.address.ban_id == ban_id; }))
            continue;
        address_match m;
        m.address.ban_id = ban_id;
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

}  // namespace

std::string address_match_expression(std::string_view typed) {
    return expression_of(words_of(typed), std::nullopt);
}

std::vector<address_match> search_addresses(SQLite::Database& db, std::string_view typed, int limit) {
    std::vector<address_match> out;
    const auto words = words_of(typed);
    if (words.empty() || limit <= 0)
        return out;
    std::optional<std::size_t> number;  // the first number typed
    for (std::size_t i = 0; i < words.size() && !number; ++i)
        if (all_digits(words[i]))
            number = i;
    // The number typed and finished (more words follow) as a whole word first: "12 rue de la pa" finds the
    // twelves before the 120s and 1200s of a big file; then every word as a prefix.
    if (number && *number + 1 < words.size())
        read_matches(db, expression_of(words, number), words[*number], limit, out);
    if (static_cast<int>(out.size()) < limit)
        read_matches(db, expression_of(words, std::nullopt), number ? words[*number] : std::string(), limit,
                     out);
    for (auto& m : out)
        m.neighbourhood = locate_neighbourhood(db, m.address.lat, m.address.lon);
    return out;
}

bool has_addresses(SQLite::Database& db) {
    auto q = store::prepare(db, "SELECT EXISTS (SELECT 1 FROM address)");
    return q->executeStep() && q->getColumn(0).getInt() == 1;
}

}  // namespace relais::domain
