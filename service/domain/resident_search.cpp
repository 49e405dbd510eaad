#include "domain/resident_search.hpp"

#include "domain/ids.hpp"
#include "store/statement_cache.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

namespace relais::domain {

namespace {

/// Two-byte UTF-8 letters of Latin-1 and Latin Extended-A that French names use, folded to ASCII.
struct fold_entry {
    const char* utf8;
    const char* ascii;
};
constexpr std::array<fold_entry, 40> folds{{
    {"à", "a"}, {"â", "a"}, {"ä", "a"}, {"á", "a"}, {"ã", "a"}, {"å", "a"}, {"À", "a"},  {"Â", "a"},
    {"Ä", "a"}, {"é", "e"}, {"è", "e"}, {"ê", "e"}, {"ë", "e"}, {"É", "e"}, {"È", "e"},  {"Ê", "e"},
    {"Ë", "e"}, {"î", "i"}, {"ï", "i"}, {"í", "i"}, {"Î", "i"}, {"Ï", "i"}, {"ô", "o"},  {"ö", "o"},
    {"ó", "o"}, {"Ô", "o"}, {"Ö", "o"}, {"ù", "u"}, {"û", "u"}, {"ü", "u"}, {"ú", "u"},  {"Ù", "u"},
    {"Û", "u"}, {"Ü", "u"}, {"ç", "c"}, {"Ç", "c"}, {"ÿ", "y"}, {"ñ", "n"}, {"œ", "oe"}, {"Œ", "oe"},
}};

std::vector<std::string> words_of(const std::string& folded) {
    std::vector<std::string> out;
    for (std::size_t start = 0; start < folded.size();) {
        auto end = folded.find(' ', start);
        if (end == std::string::npos)
            end = folded.size();
        if (end > start)
            out.push_back(folded.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

/// Every query word is the start of one of the name's words.
bool name_matches(const std::vector<std::string>& query_words, const std::vector<std::string>& name_words) {
    return std::all_of(query_words.begin(), query_words.end(), [&](const std::string& q) {
        return std::any_of(name_words.begin(), name_words.end(),
                           [&](const std::string& w) { return w.compare(0, q.size(), q) == 0; });
    });
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace

std::string fold_for_search(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = true;  // drops leading spaces and collapses runs
    auto put = [&](std::string_view s) {
        for (char c : s) {
            if (c == ' ') {
                if (!space)
                    out += ' ';
                space = true;
            } else {
                out += c;
                space = false;
            }
        }
    };
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            const char ch = static_cast<char>(c);
            if (ch == '\'' || ch == '-' || ch == '.' || ch == ',' || ch == '\t')
                put(" ");
            else
                put(std::string(1, ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch));
            ++i;
            continue;
        }
        bool folded = false;
        for (const auto& f : folds) {
            const std::string_view u(f.utf8);
            if (text.substr(i, u.size()) == u) {
                put(f.ascii);
                i += u.size();
                folded = true;
                break;
            }
        }
        if (folded)
            continue;
        if (text.substr(i, 3) == "\u2019") {  // a typographic apostrophe
            put(" ");
            i += 3;
            continue;
        }
        out += text[i];  // any other byte as it is
        space = false;
        ++i;
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

std::vector<std::string> possible_duplicates_of(SQLite::Database& db, const std::string& id) {
    std::vector<std::string> out;
    const auto r = load_resident(db, id);
    if (r.erased_at)
        return out;
    auto by_phone = store::prepare(
        db, "SELECT id FROM resident WHERE phone = ? AND id <> ? AND erased_at IS NULL ORDER BY seq");
    by_phone->bind(1, r.phone);
    by_phone->bind(2, id);
    while (by_phone->executeStep())
        out.push_back(by_phone->getColumn(0).getString());
    by_phone->reset();
    // Same name at the same address: compared folded, so the few residents of that last name are read.
    const std::string name = fold_for_search(r.first_name + " " + r.last_name),
                      address = fold_for_search(r.address);
    auto same_name =
        store::prepare(db,
                       "SELECT id, first_name, last_name, address FROM resident WHERE id <> ? AND "
                       "erased_at IS NULL AND lower(last_name) = lower(?) ORDER BY seq");
    same_name->bind(1, id);
    same_name->bind(2, r.last_name);
    while (same_name->executeStep()) {
        const std::string other = same_name->getColumn(0).getString();
        if (std::find(out.begin(), out.end(), other) != out.end())
            continue;
        if (fold_for_search(same_name->getColumn(1).getString() + " " +
                            same_name->getColumn(2).getString()) == name &&
            fold_for_search(same_name->getColumn(3).getString()) == address)
            out.push_back(other);
    }
    same_name->reset();
    return out;
}

namespace {

using found_map = std::map<std::string, std::vector<std::string>>;  // id -> matched on

/// The ids of `table` (resident or volunteer, not erased) matching `query` by name, phone or email.
found_map find_people(SQLite::Database& db, const std::string& table, std::string_view query,
                      const phone_plan& phones) {
    found_map found;
    const std::string folded = fold_for_search(query);
    if (folded.size() < 2)
        return found;
    auto note = [&](const std::string& id, const char* how) {
        auto& v = found[id];
        if (std::find(v.begin(), v.end(), how) == v.end())
            v.emplace_back(how);
    };
    auto each_id = [&](const std::string& where, const std::string& value, const char* how) {
        auto q = store::prepare(db, "SELECT id FROM " + table + " WHERE " + where + " AND erased_at IS NULL");
        q->bind(1, value);
        while (q->executeStep())
            note(q->getColumn(0).getString(), how);
        q->reset();
    };
    // A phone number, however written (spaces, dots, +33, 0033...).
    if (auto number = phones.normalize(query))
        each_id("phone = ?", *number, "phone");
    if (query.find('@') != std::string_view::npos) {
        std::string typed = lower_ascii(query);
        typed.erase(typed.find_last_not_of(' ') + 1);
        typed.erase(0, typed.find_first_not_of(' '));
        each_id("lower(email) = ?", typed, "email");
    }
    // Names: every word typed starts a word of the first or last name (accents and case aside). A scan of
    // the names: a city's residents and volunteers are thousands, and the match needs the folding SQLite
    // lacks.
    const auto query_words = words_of(folded);
    if (std::none_of(folded.begin(), folded.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        auto q =
            store::prepare(db, "SELECT id, first_name, last_name FROM " + table + " WHERE erased_at IS NULL");
        while (q->executeStep())
            if (name_matches(query_words, words_of(fold_for_search(q->getColumn(1).getString() + " " +
                                                                   q->getColumn(2).getString()))))
                note(q->getColumn(0).getString(), "name");
        q->reset();
    }
    return found;
}

}  // namespace

std::vector<volunteer_match> search_volunteers(SQLite::Database& db, std::string_view query,
                                               const phone_plan& phones, int limit) {
    auto found = find_people(db, "volunteer", query, phones);
    std::vector<std::pair<std::int64_t, volunteer_match>> ordered;
    for (auto& [id, how] : found) {
        auto q = store::prepare(db, "SELECT seq FROM volunteer WHERE id = ?");
        q->bind(1, id);
        const std::int64_t seq = q->executeStep() ? q->getColumn(0).getInt64() : 0;
        q->reset();
        ordered.push_back({seq, {id, std::move(how)}});
    }
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<volunteer_match> out;
    for (auto& [seq, m] : ordered)
        if (out.size() < static_cast<std::size_t>(limit))
            out.push_back(std::move(m));
    return out;
}

std::vector<resident_match> search_residents(SQLite::Database& db, std::string_view query,
                                             const phone_plan& phones, int limit) {
    auto found = find_people(db, "resident", query, phones);
    if (found.empty() && fold_for_search(query).size() < 2)
        return {};
    auto note = [&](const std::string& id, const char* how) {
        auto& v = found[id];
        if (std::find(v.begin(), v.end(), how) == v.end())
            v.emplace_back(how);
    };
    if (auto code = normalize_tracking_code(query); code && code->size() == 16) {
        auto q = store::prepare(db,
                                "SELECT r.id FROM request q JOIN resident r ON r.id = q.resident_id WHERE "
                                "q.tracking_hash = ? AND r.erased_at IS NULL");
        q->bind(1, tracking_hash(*code));
        while (q->executeStep())
            note(q->getColumn(0).getString(), "tracking_code");
        q->reset();
    }

    std::vector<resident_match> out;
    for (auto& [id, how] : found) {
        resident_match m;
        m.resident = load_resident(db, id);
        m.matched_on = std::move(how);
        auto counts =
            store::prepare(db, "SELECT COUNT(*), MAX(created_at) FROM request WHERE resident_id = ?");
        counts->bind(1, id);
        if (counts->executeStep()) {
            m.requests = counts->getColumn(0).getInt();
            if (!counts->getColumn(1).isNull())
                m.last_request_at = counts->getColumn(1).getInt64();
        }
        counts->reset();
        out.push_back(std::move(m));
    }
    // Most recent request first (a resident who called last week before one of two years ago).
    std::sort(out.begin(), out.end(), [](const resident_match& a, const resident_match& b) {
        return std::pair{a.last_request_at.value_or(a.resident.created_at), a.resident.id} >
               std::pair{b.last_request_at.value_or(b.resident.created_at), b.resident.id};
    });
    if (out.size() > static_cast<std::size_t>(limit))
        out.resize(static_cast<std::size_t>(limit));
    for (auto& m : out) {
        auto vols =
            store::prepare(db,
                           "SELECT v.id, v.first_name, MAX(m.starts_at) AS last FROM mission m JOIN "
                           "request q ON q.id = m.request_id JOIN volunteer v ON v.id = m.volunteer_id "
                           "WHERE q.resident_id = ? AND m.status IN ('accepted','done') AND "
                           "v.erased_at IS NULL GROUP BY v.id ORDER BY last DESC LIMIT 5");
        vols->bind(1, m.resident.id);
        while (vols->executeStep())
            m.volunteers.push_back({vols->getColumn(0).getString(), vols->getColumn(1).getString()});
        vols->reset();
        m.possible_duplicates = possible_duplicates_of(db, m.resident.id);
    }
    return out;
}

}  // namespace relais::domain

namespace relais::domain {

std::vector<history_entry> resident_history(SQLite::Database& db, const std::string& id, int limit) {
    load_resident(db, id);  // 404 if unknown
    std::vector<std::pair<std::string, std::string>> subjects{{"resident", id}};
    std::map<std::string, std::string> category_of;  // request id -> category
    {
        auto q = store::prepare(db, "SELECT id, category FROM request WHERE resident_id = ? ORDER BY seq");
        q->bind(1, id);
        while (q->executeStep()) {
            subjects.emplace_back("request", q->getColumn(0).getString());
            category_of[q->getColumn(0).getString()] = q->getColumn(1).getString();
        }
        q->reset();
    }
    for (const auto& [request, category] : category_of)
        for (const char* table : {"mission", "support"}) {
            auto q = store::prepare(db, std::string("SELECT id FROM ") + table + " WHERE request_id = ?");
            q->bind(1, request);
            while (q->executeStep())
                subjects.emplace_back(table, q->getColumn(0).getString());
            q->reset();
        }
    std::vector<history_entry> out;
    std::map<std::string, std::optional<std::string>> emails;         // user id -> email
    std::map<std::string, std::optional<volunteer_seen>> volunteers;  // volunteer id -> name
    for (const auto& [entity, entity_id] : subjects) {
        auto q = store::prepare(db,
                                "SELECT seq, at, actor, action, from_status, to_status, reason, "
                                "json_extract(data, '$.request_id'), json_extract(data, '$.volunteer_id') "
                                "FROM event WHERE entity = ? AND entity_id = ? ORDER BY seq");
        q->bind(1, entity);
        q->bind(2, entity_id);
        while (q->executeStep()) {
            history_entry h;
            h.seq = q->getColumn(0).getInt64();
            h.at = q->getColumn(1).getInt64();
            h.actor = q->getColumn(2).getString();
            h.entity = entity;
            h.entity_id = entity_id;
            h.action = q->getColumn(3).getString();
            auto opt = [&](int i) {
                return q->getColumn(i).isNull() ? std::optional<std::string>()
                                                : std::optional<std::string>(q->getColumn(i).getString());
            };
            h.from_status = opt(4);
            h.to_status = opt(5);
            h.reason = opt(6);
            h.request_id = entity == "request" ? std::optional<std::string>(entity_id) : opt(7);
            if (h.request_id)
                if (auto c = category_of.find(*h.request_id); c != category_of.end())
                    h.category = c->second;
            if (auto v = opt(8))
                h.volunteer = volunteer_seen{*v, {}};
            out.push_back(std::move(h));
        }
        q->reset();
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
    if (out.size() > static_cast<std::size_t>(limit))
        out.erase(out.begin(), out.end() - limit);
    // Names instead of ids: the volunteer's first name (none once erased), the staff account's email.
    for (auto& h : out) {
        if (h.volunteer) {
            auto [it, fresh] = volunteers.try_emplace(h.volunteer->id);
            if (fresh) {
                auto q =
                    store::prepare(db, "SELECT first_name FROM volunteer WHERE id = ? AND erased_at IS NULL");
                q->bind(1, h.volunteer->id);
                if (q->executeStep())
                    it->second = volunteer_seen{h.volunteer->id, q->getColumn(0).getString()};
                q->reset();
            }
            h.volunteer = it->second;
        }
        if (h.actor.rfind("usr_", 0) == 0) {
            auto [it, fresh] = emails.try_emplace(h.actor);
            if (fresh) {
                auto q = store::prepare(db, "SELECT email FROM users WHERE id = ? AND role <> 'volunteer'");
                q->bind(1, h.actor);
                if (q->executeStep())
                    it->second = q->getColumn(0).getString();
                q->reset();
            }
            h.by = it->second;
        }
    }
    return out;
}

}  // namespace relais::domain
