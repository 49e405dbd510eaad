#pragma once

#include "domain/address_record.hpp"

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Address completion on the request forms (issue 16): what a resident or a coordinator types, matched
// against the labels of the imported addresses (store: migration 24's full-text index).
namespace relais::domain {

struct address_match {
    address_record address;
    std::string label;
    std::optional<std::string> neighbourhood;  ///< the one of the city's map holding it, if any
};

/// The full-text query for what was typed: its words (runs of letters and digits; any other ASCII character
/// separates them, FTS5's operators and quotes included), each quoted as a string and matched as a prefix
/// ("12 rue de la pa" -> `"12"* "rue"* "de"* "la"* "pa"*`), so no typed text is ever read as query syntax.
/// At most 12 words; a word longer than 64 bytes is dropped. Empty when no word is left.
std::string address_match_expression(std::string_view typed);

/// The addresses matching every typed word, best first, at most `limit`: a number typed and followed by
/// other words is first looked for as a whole word (the twelves of "12 rue de la pa" before its 120s); then
/// every word as a prefix. Within each, the addresses with the typed number come first, then by relevance
/// (bm25) among the first 1,000 matches of the index (so a word found in half a département costs no more
/// than a precise query), then by label. Each with the neighbourhood that holds it on the city's map
/// (domain::locate_neighbourhood), read now: the map may have changed since the import.
std::vector<address_match> search_addresses(SQLite::Database& db, std::string_view typed, int limit);

/// Whether any address was imported (the forms offer completion only then).
bool has_addresses(SQLite::Database& db);

}  // namespace relais::domain
