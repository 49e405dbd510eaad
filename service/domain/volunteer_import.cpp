#include "domain/volunteer_import.hpp"

#include "domain/programme.hpp"
#include "domain/reserve.hpp"
#include "domain/time_format.hpp"
#include "domain/validate.hpp"
#include "domain/volunteers.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace relais::domain {

namespace {

constexpr std::size_t max_rows = 5000;

/// "lun 09:00-12:00" or "mon 9:00-12:00"; nullopt if malformed.
std::optional<availability_slot> slot_of(const std::string& text) {
    static const std::map<std::string, int> days{{"mon", 0}, {"tue", 1}, {"wed", 2}, {"thu", 3}, {"fri", 4},
                                                 {"sat", 5}, {"sun", 6}, {"lun", 0}, {"mar", 1}, {"mer", 2},
                                                 {"jeu", 3}, {"ven", 4}, {"sam", 5}, {"dim", 6}};
    const auto space = text.find(' ');
    if (space == std::string::npos)
        return std::nullopt;
    const auto day = days.find(ascii_lower(text.substr(0, std::min<std::size_t>(space, 3))));
    const std::string hours = text.substr(text.find_first_not_of(' ', space));
    const auto dash = hours.find('-');
    if (day == days.end() || dash == std::string::npos)
        return std::nullopt;
    auto pad = [](std::string h) { return h.size() == 4 ? "0" + h : h; };
    const auto start = parse_hhmm(pad(hours.substr(0, dash)));
    const auto end = parse_hhmm(pad(hours.substr(dash + 1)));
    if (!start || !end || *end <= *start)
        return std::nullopt;
    return availability_slot{day->second, *start, *end};
}

}  // namespace

volunteer_import_result import_volunteers(SQLite::Database& db, std::string_view text,
                                          const phone_plan& phones, std::int64_t now, const actor& who) {
    volunteer_import_result out;
    fault_list faults{out.faults};
    static constexpr csv_column columns[] = {{"first_name", "prenom"},
                                             {"last_name", "nom"},
                                             {"email", "courriel"},
                                             {"phone", "telephone"},
                                             {"neighbourhood", "quartier"},
                                             {"skills", "competences", false},
                                             {"availability", "disponibilites", false},
                                             {"languages", "langues", false}};
    enum { c_first, c_last, c_email, c_phone, c_nb, c_skills, c_avail, c_lang };
    const auto sheet = open_csv_sheet(text, columns, max_rows, "volunteers", faults);
    if (!sheet)
        return out;
    auto fault = [&](const std::string& where, const std::string& field, const std::string& problem) {
        faults.add(where, field, problem);
    };
    // Codes by code and by name or label, lower-cased.
    std::map<std::string, std::string> neighbourhoods, categories;
    for (const auto& n : list_neighbourhoods(db)) {
        neighbourhoods[ascii_lower(n.code)] = n.code;
        neighbourhoods[ascii_lower(n.name)] = n.code;
    }
    std::vector<std::string> active;
    for (const auto& c : list_categories(db, true)) {
        categories[ascii_lower(c.code)] = c.code;
        categories[ascii_lower(c.label_fr)] = c.code;
        categories[ascii_lower(c.label_en)] = c.code;
        if (c.active)
            active.push_back(c.code);
    }
    std::vector<volunteer_input> rows;
    std::set<std::string> emails;
    for (const auto& row : sheet->table.rows) {
        const std::string where = "line " + std::to_string(row.line);
        const std::size_t before = out.faults.size();
        volunteer_input in;
        in.first_name = sheet->field(row, c_first);
        in.last_name = sheet->field(row, c_last);
        if (in.first_name.empty() || in.first_name.size() > 80)
            fault(where, "first_name", "is required (1 to 80 characters)");
        if (in.last_name.empty() || in.last_name.size() > 80)
            fault(where, "last_name", "is required (1 to 80 characters)");
        const auto email = normalize_email(sheet->field(row, c_email));
        if (!email)
            fault(where, "email", "must be an email address like name@example.org");
        else if (!emails.insert(*email).second)
            fault(where, "email", "appears twice in the file");
        else if (email_in_use(db, *email))
            fault(where, "email", "is already registered");
        else
            in.email = *email;
        const auto phone = phones.normalize(sheet->field(row, c_phone));
        if (!phone)
            fault(where, "phone", "must be a phone number of the city's country, or with its country code");
        else
            in.phone = *phone;
        const auto nb = neighbourhoods.find(ascii_lower(sheet->field(row, c_nb)));
        if (nb == neighbourhoods.end())
            fault(where, "neighbourhood", "is not one of the city's neighbourhoods (its code or its name)");
        else
            in.neighbourhood = nb->second;
        for (const auto& s : csv_list_items(sheet->field(row, c_skills))) {
            const auto c = categories.find(ascii_lower(s));
            if (c == categories.end())
                fault(where, "skills",
                      "'" + s.substr(0, 40) + "' is not a kind of help (its code or its name)");
            else if (std::find(in.skills.begin(), in.skills.end(), c->second) == in.skills.end())
                in.skills.push_back(c->second);
        }
        if (in.skills.empty())
            in.skills = active;
        for (const auto& a : csv_list_items(sheet->field(row, c_avail))) {
            if (auto slot = slot_of(a))
                in.availability.push_back(*slot);
            else
                fault(where, "availability", "'" + a.substr(0, 40) + "' must read like: lun 09:00-12:00");
        }
        for (const auto& l : csv_list_items(sheet->field(row, c_lang))) {
            const std::string code = ascii_lower(l);
            if (!valid_language(code))
                fault(where, "languages", "'" + l.substr(0, 10) + "' must be a two-letter code like fr");
            else if (std::find(in.languages.begin(), in.languages.end(), code) == in.languages.end())
                in.languages.push_back(code);
        }
        if (in.languages.empty())
            in.languages = {"fr"};
        if (out.faults.size() == before)
            rows.push_back(std::move(in));
    }
    if (!out.faults.empty())
        return out;
    for (const auto& in : rows) {
        // No password: "!" matches none; they sign in by a code sent to them.
        const auto id = enrol_volunteer(db, in, "!", now, who);
        activate_volunteer(db, id, now, who);
        join_reserve(db, id, "import", now, who);
        ++out.imported;
    }
    return out;
}

}  // namespace relais::domain
