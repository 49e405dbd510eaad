#include "notify/planner.hpp"

#include "core/html_escape.hpp"
#include "domain/answer_links.hpp"
#include "domain/city_time.hpp"
#include "domain/missions.hpp"
#include "domain/programme.hpp"
#include "domain/requests.hpp"
#include "domain/volunteers.hpp"
#include "notify/mime.hpp"
#include "notify/outbox.hpp"
#include "store/statement_cache.hpp"

#include <algorithm>

namespace relais::notify {

namespace {

using core::html_escape;

/// The HTML part of a text: each paragraph a <p>, each line break a <br>, and our own links real links.
std::string html_of(const std::string& text, const std::vector<std::string>& links) {
    std::string out = "<!DOCTYPE html><html><body style=\"font-family:sans-serif;font-size:16px\">";
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find("\n\n", start);
        if (end == std::string::npos)
            end = text.size();
        std::string para = html_escape(text.substr(start, end - start));
        for (std::size_t p = para.find('\n'); p != std::string::npos; p = para.find('\n', p))
            para.replace(p, 1, "<br>");
        for (const auto& link : links) {
            if (link.empty())
                continue;
            const std::string shown = html_escape(link);
            const std::string a = "<a href=\"" + shown + "\">" + shown + "</a>";
            for (std::size_t p = para.find(shown); p != std::string::npos; p = para.find(shown, p)) {
                // Not inside a link made from a longer one (the space's address is a prefix of others).
                const bool whole = p + shown.size() == para.size() || para[p + shown.size()] == '<' ||
                                   para[p + shown.size()] == ' ' || para[p + shown.size()] == '.';
                const bool in_anchor = (p >= 6 && para.compare(p - 6, 6, "href=\"") == 0) ||
                                       (p >= 2 && para.compare(p - 2, 2, "\">") == 0);
                if (whole && !in_anchor) {
                    para.replace(p, shown.size(), a);
                    p += a.size();
                } else {
                    p += shown.size();
                }
            }
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

/// The first of a person's languages that has texts; French otherwise.
std::string lang_among(const context& c, const std::vector<std::string>& languages) {
    for (const auto& l : languages)
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

/// Who a message goes to.
struct recipient {
    std::string kind, id, address, first_name, lang;
};

/// Queues one email: greeting, the text of `kind`, signature; `values` fill its subject and body.
int email(context& c, const store::committed_event& e, const recipient& to, const std::string& kind,
          const std::vector<std::string>& links,
          std::initializer_list<std::pair<std::string_view, std::string_view>> values,
          const std::string& about_id = {}, std::optional<std::int64_t> due_at = std::nullopt) {
    if (!c.s.email || !plausible_address(to.address))
        return 0;  // no email channel, or no usable address (none given, or erased)
    const auto t = c.s.words->get(to.lang);
    const std::string greeting =
        to.first_name.empty() ? t("msg.greeting_team") : t("msg.greeting", {{"first_name", to.first_name}});
    const std::string text = greeting + "\n\n" + t("msg." + kind + ".body", values) + "\n\n" +
                             t("msg.signature", {{"programme", c.programme.name}}) + "\n\n-- \n" +
                             t("msg.automatic", {{"programme", c.programme.name}}) + "\n";
    outgoing m;
    m.kind = kind;
    m.channel = "email";
    m.recipient_kind = to.kind;
    m.recipient_id = to.id;
    m.address = to.address;
    m.lang = to.lang;
    m.subject = t("msg." + kind + ".subject", values);
    m.text = text;
    m.html = html_of(text, links);
    m.event_seq = e.seq;
    m.about_id = about_id;
    m.due_at = due_at;
    enqueue(c.db, m, e.at, c.s.keep_seconds);
    return 1;
}

recipient volunteer_recipient(const context& c, const domain::volunteer_record& v) {
    return {"volunteer", v.id, v.erased_at ? std::string() : v.email, v.first_name,
            lang_among(c, v.languages)};
}

/// The reminders and the report request of an accepted mission: queued now, due later, cancelled if the
/// mission leaves "accepted" before.
const std::vector<std::string> scheduled_kinds{"reminder_evening", "reminder_soon", "report_due"};

int on_mission(context& c, const store::committed_event& e) {
    static const std::vector<std::string> told{"proposed", "accepted", "cancelled",
                                               "dropped",  "missed",   "done"};
    if (std::find(told.begin(), told.end(), e.action) == told.end())
        return 0;
    int queued = 0;
    if (e.action != "proposed" && e.action != "accepted")
        cancel_queued(c.db, e.entity_id, scheduled_kinds, e.at);
    const auto m = domain::load_mission(c.db, e.entity_id);
    const auto v = domain::load_volunteer(c.db, m.volunteer_id);
    const recipient vol = volunteer_recipient(c, v);
    const std::string space = c.s.public_url + "/benevole";
    const std::string console = c.s.public_url + "/coordination";
    const std::string category = category_label(c, m.category, vol.lang);
    const std::string when = c.city.date_time(m.starts_at);
    const std::string& phone = c.programme.coordination_phone;

    if (e.action == "proposed") {
        if (!c.s.email || !plausible_address(vol.address))
            return 0;
        const std::string expires = m.expires_at ? c.city.date_time(*m.expires_at) : when;
        // The one-tap answer: a single-use link valid until the proposal expires (domain/answer_links.hpp).
        const std::string answer =
            c.s.public_url + "/reponse/" +
            domain::issue_answer_link(c.db, m.id, m.volunteer_id, m.expires_at.value_or(m.starts_at));
        return email(c, e, vol, "proposal", {answer, space},
                     {{"programme", c.programme.name},
                      {"category", category},
                      {"when", when},
                      {"neighbourhood", m.neighbourhood},
                      {"expires", expires},
                      {"answer", answer},
                      {"link", space}},
                     m.id);
    }
    if (e.action == "accepted") {
        // The volunteer: the evening before at 18:00 (city time), two hours before, and after the end.
        const std::int64_t eve = c.city.to_utc((c.city.day_of(m.starts_at) - 1) * 86400 + 18 * 3600);
        const std::initializer_list<std::pair<std::string_view, std::string_view>> values{
            {"programme", c.programme.name},    {"category", category}, {"when", when},
            {"neighbourhood", m.neighbourhood}, {"link", space},        {"phone", phone}};
        if (eve > e.at && eve < m.starts_at - 2 * 3600)
            queued += email(c, e, vol, "reminder_evening", {space}, values, m.id, eve);
        if (m.starts_at - 2 * 3600 > e.at)
            queued += email(c, e, vol, "reminder_soon", {space}, values, m.id, m.starts_at - 2 * 3600);
        queued += email(c, e, vol, "report_due", {space}, values, m.id, m.ends_at + 2 * 3600);
        // The resident: who comes and when (a first name, never the volunteer's phone or email).
        const auto r = domain::load_resident(c.db, m.resident_id);
        if (r.email && !r.erased_at) {
            const recipient res{"resident", r.id, *r.email, r.first_name, lang_among(c, r.languages)};
            queued += email(c, e, res, "volunteer_coming", {},
                            {{"programme", c.programme.name},
                             {"category", category_label(c, m.category, res.lang)},
                             {"when", when},
                             {"volunteer", v.first_name},
                             {"phone", phone}},
                            m.id);
        }
        return queued;
    }
    if (e.action == "cancelled" || e.action == "dropped") {
        if (e.action == "cancelled")
            queued += email(c, e, vol, "mission_cancelled", {space},
                            {{"programme", c.programme.name},
                             {"category", category},
                             {"when", when},
                             {"neighbourhood", m.neighbourhood},
                             {"link", space}},
                            m.id);
        // The resident had been told someone was coming.
        if (e.from_status == std::optional<std::string>("accepted")) {
            const auto r = domain::load_resident(c.db, m.resident_id);
            if (r.email && !r.erased_at) {
                const recipient res{"resident", r.id, *r.email, r.first_name, lang_among(c, r.languages)};
                queued += email(
                    c, e, res, "visit_cancelled", {},
                    {{"category", category_label(c, m.category, res.lang)}, {"when", when}, {"phone", phone}},
                    m.id);
            }
        }
        return queued;
    }
    if (e.action == "done" && m.report && m.report->welfare_concern) {
        // Every coordinator, at once: no name in the message, the console has them.
        auto q = store::prepare(
            c.db, "SELECT id, email FROM users WHERE role = 'coordinator' AND disabled_at IS NULL");
        std::vector<recipient> coordinators;
        while (q->executeStep())
            coordinators.push_back(
                {"coordinator", q->getColumn(0).getString(), q->getColumn(1).getString(), {}, "fr"});
        for (const auto& to : coordinators)
            queued += email(c, e, to, "welfare_concern", {console},
                            {{"category", category_label(c, m.category, to.lang)},
                             {"when", when},
                             {"neighbourhood", m.neighbourhood},
                             {"link", console}},
                            m.id);
    }
    return queued;
}

int on_volunteer(context& c, const store::committed_event& e) {
    // Validation: registered -> active (a pause ending is not a validation).
    if (e.action != "activated" || e.from_status != std::optional<std::string>("registered"))
        return 0;
    const auto v = domain::load_volunteer(c.db, e.entity_id);
    const std::string link = c.s.public_url + "/benevole";
    return email(c, e, volunteer_recipient(c, v), "volunteer_validated", {link},
                 {{"programme", c.programme.name}, {"link", link}});
}

}  // namespace

int plan_messages(SQLite::Database& db, const std::vector<store::committed_event>& events,
                  const planner_settings& s) {
    if (!s.email)
        return 0;  // no channel: nothing to queue (the console says email is off)
    const bool relevant = std::any_of(events.begin(), events.end(), [](const store::committed_event& e) {
        return e.entity == "mission" || (e.entity == "volunteer" && e.action == "activated");
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
