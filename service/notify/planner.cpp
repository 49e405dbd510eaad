#include "notify/planner.hpp"

#include "domain/city_time.hpp"
#include "domain/missions.hpp"
#include "domain/programme.hpp"
#include "domain/volunteers.hpp"
#include "notify/mime.hpp"
#include "notify/outbox.hpp"

#include <algorithm>

namespace relais::notify {

namespace {

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// The HTML part of a text: each paragraph a <p>, each line break a <br>, and the one link a real link.
std::string html_of(const std::string& text, const std::string& link) {
    std::string out = "<!DOCTYPE html><html><body style=\"font-family:sans-serif;font-size:16px\">";
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find("\n\n", start);
        if (end == std::string::npos)
            end = text.size();
        std::string para = html_escape(text.substr(start, end - start));
        for (std::size_t p = para.find('\n'); p != std::string::npos; p = para.find('\n', p))
            para.replace(p, 1, "<br>");
        if (!link.empty())
            for (std::size_t p = para.find(html_escape(link)); p != std::string::npos;
                 p = para.find(html_escape(link), p)) {
                const std::string a = "<a href=\"" + html_escape(link) + "\">" + html_escape(link) + "</a>";
                para.replace(p, html_escape(link).size(), a);
                p += a.size();
            }
        out += "<p>" + para + "</p>";
        start = end + 2;
    }
    return out + "</body></html>";
}

struct context {
    SQLite::Database& db;
    const planner_settings& s;
    domain::programme_record programme;
    domain::city_time city;
    std::vector<domain::category_record> categories;
};

std::string lang_of(const context& c, const domain::volunteer_record& v) {
    // The first of the volunteer's languages that has texts; French otherwise.
    for (const auto& l : v.languages)
        if (c.s.words->pick(l) == l)
            return l;
    return "fr";
}

std::string category_label(const context& c, const std::string& code, const std::string& lang) {
    for (const auto& k : c.categories)
        if (k.code == code)
            return lang == "en" && !k.label_en.empty() ? k.label_en : k.label_fr;
    return code;
}

/// Queues one email to a volunteer: greeting, `body_key`'s text, signature; `values` fill subject and body.
int email_volunteer(context& c, const store::committed_event& e, const domain::volunteer_record& v,
                    const std::string& kind, const std::string& lang, const std::string& link,
                    std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
    if (!c.s.email || v.erased_at || !plausible_address(v.email))
        return 0;
    const auto t = c.s.words->get(lang);
    const std::string subject = t("msg." + kind + ".subject", values);
    const std::string text = t("msg.greeting", {{"first_name", v.first_name}}) + "\n\n" +
                             t("msg." + kind + ".body", values) + "\n\n" +
                             t("msg.signature", {{"programme", c.programme.name}}) + "\n\n-- \n" +
                             t("msg.automatic", {{"programme", c.programme.name}}) + "\n";
    outgoing m;
    m.kind = kind;
    m.channel = "email";
    m.recipient_kind = "volunteer";
    m.recipient_id = v.id;
    m.address = v.email;
    m.lang = lang;
    m.subject = subject;
    m.text = text;
    m.html = html_of(text, link);
    m.event_seq = e.seq;
    enqueue(c.db, m, e.at, c.s.keep_seconds);
    return 1;
}

int on_mission(context& c, const store::committed_event& e) {
    if (e.action != "proposed" && e.action != "cancelled")
        return 0;
    const auto m = domain::load_mission(c.db, e.entity_id);
    const auto v = domain::load_volunteer(c.db, m.volunteer_id);
    const std::string lang = lang_of(c, v);
    const std::string link = c.s.public_url + "/benevole";
    const std::string category = category_label(c, m.category, lang);
    const std::string when = c.city.date_time(m.starts_at);
    if (e.action == "proposed") {
        const std::string expires = m.expires_at ? c.city.date_time(*m.expires_at) : when;
        return email_volunteer(c, e, v, "proposal", lang, link,
                               {{"programme", c.programme.name},
                                {"category", category},
                                {"when", when},
                                {"neighbourhood", m.neighbourhood},
                                {"expires", expires},
                                {"link", link}});
    }
    return email_volunteer(c, e, v, "mission_cancelled", lang, link,
                           {{"programme", c.programme.name},
                            {"category", category},
                            {"when", when},
                            {"neighbourhood", m.neighbourhood},
                            {"link", link}});
}

int on_volunteer(context& c, const store::committed_event& e) {
    // Validation: registered -> active (a pause ending is active again, not a validation).
    if (e.action != "activated" || e.from_status != std::optional<std::string>("registered"))
        return 0;
    const auto v = domain::load_volunteer(c.db, e.entity_id);
    const std::string link = c.s.public_url + "/benevole";
    return email_volunteer(c, e, v, "volunteer_validated", lang_of(c, v), link,
                           {{"programme", c.programme.name}, {"link", link}});
}

}  // namespace

int plan_messages(SQLite::Database& db, const std::vector<store::committed_event>& events,
                  const planner_settings& s) {
    if (!s.email)
        return 0;  // no channel: nothing to queue (the console says email is off)
    const bool relevant = std::any_of(events.begin(), events.end(), [](const store::committed_event& e) {
        return (e.entity == "mission" && (e.action == "proposed" || e.action == "cancelled")) ||
               (e.entity == "volunteer" && e.action == "activated");
    });
    if (!relevant)
        return 0;
    auto programme = domain::load_programme(db);
    domain::city_time city(programme.timezone);
    context c{db, s, std::move(programme), city, domain::list_categories(db, true)};
    int queued = 0;
    for (const auto& e : events) {
        if (e.entity == "mission")
            queued += on_mission(c, e);
        else if (e.entity == "volunteer")
            queued += on_volunteer(c, e);
    }
    return queued;
}

}  // namespace relais::notify
