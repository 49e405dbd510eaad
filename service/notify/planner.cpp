#include "notify/planner.hpp"

#include "domain/answer_links.hpp"
#include "domain/city_time.hpp"
#include "domain/engagement.hpp"
#include "domain/json_text.hpp"
#include "domain/missions.hpp"
#include "domain/phone_plan.hpp"
#include "domain/programme.hpp"
#include "domain/programmes.hpp"
#include "domain/requests.hpp"
#include "domain/reserve.hpp"
#include "domain/secret_handover.hpp"
#include "domain/spoken_date.hpp"
#include "domain/time_format.hpp"
#include "domain/volunteers.hpp"
#include "notify/call_tasks.hpp"
#include "notify/inbound_sms.hpp"
#include "notify/message_texts.hpp"
#include "notify/mime.hpp"
#include "notify/outbox.hpp"
#include "notify/preferences.hpp"
#include "notify/push_subscriptions.hpp"
#include "store/statement_cache.hpp"

#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace relais::notify {

namespace {

struct context {
    SQLite::Database& db;
    const planner_settings& s;
    domain::programme_record programme;
    domain::city_time city;
    /// Category labels (fr, en) read in this commit, by code: read when a message names one, not all at each
    /// commit (this runs in every public request's).
    std::map<std::string, std::pair<std::string, std::string>, std::less<>> category_labels;
    message_texts texts;  ///< the dictionaries with the city's rewrites
    /// An email's signature and notice, by language: the same for every email of the commit.
    std::map<std::string, std::string, std::less<>> email_footers;
    /// The receipts this commit owes (on_request), written as one receipt_owed row before it commits.
    boost::json::array owed;
};

/// The first of a person's languages that has texts; French otherwise.
std::string lang_among(const context& c, const std::vector<std::string>& languages) {
    for (const auto& l : languages)
        if (c.s.words->pick(l) == l)
            return l;
    return "fr";
}

std::string category_label(context& c, const std::string& code, const std::string& lang) {
    auto it = c.category_labels.find(code);
    if (it == c.category_labels.end()) {
        auto q = store::prepare(c.db, "SELECT label_fr, label_en FROM category WHERE code = ?");
        q->bind(1, code);
        std::pair<std::string, std::string> labels{code, ""};  // an unknown code names itself
        if (q->executeStep())
            labels = {q->getColumn(0).getString(), q->getColumn(1).getString()};
        it = c.category_labels.emplace(code, std::move(labels)).first;
    }
    return lang == "en" && !it->second.second.empty() ? it->second.second : it->second.first;
}

/// Who a message goes to.
struct recipient {
    std::string kind, id, address, first_name, lang;
    std::string phone;               ///< E.164; empty: none (or erased)
    contact_preferences prefs = {};  ///< a volunteer's own; the defaults for the others
};

/// Quiet hours for SMS (the person's, 21:00 to 08:00 city time by default): none then, except about a
/// mission that starts the same day (a reminder two hours before an 8:30 visit goes at 6:30). Returns when a
/// text due at `due` may go.
std::int64_t outside_quiet_hours(const context& c, const contact_preferences& p, std::int64_t due,
                                 std::optional<std::int64_t> mission_start) {
    const std::int64_t day = c.city.day_of(due);
    const std::int64_t local = due + c.city.offset(due) - day * 86400;  // seconds since local midnight
    const std::int64_t from = std::int64_t{p.quiet_from} * 60, until = std::int64_t{p.quiet_until} * 60;
    // A night (21:00-08:00) wraps past midnight; a daytime rest (13:00-15:00) does not; equal: none.
    const bool quiet = from == until  ? false
                       : from > until ? (local >= from || local < until)
                                      : (local >= from && local < until);
    if (!quiet)
        return due;
    if (mission_start && c.city.day_of(*mission_start) == day && *mission_start > due)
        return due;
    const std::int64_t end_day = from > until && local >= from ? day + 1 : day;
    return c.city.to_utc(end_day * 86400 + until);
}

/// True if a text can reach `to` now: SMS on, a mobile number, not opted out (STOP).
bool textable(context& c, const recipient& to) {
    return c.s.sms && !to.phone.empty() && domain::line_type_of(to.phone) == domain::line_type::mobile &&
           !opted_out(c.db, to.phone);
}

/// A message of `kind` to `to` on `channel` at `address`, about `about_id`, caused by `e`: the fields every
/// channel's message has.
outgoing message_to(const store::committed_event& e, const recipient& to, const std::string& kind,
                    const char* channel, const std::string& address, const std::string& about_id) {
    outgoing m;
    m.kind = kind;
    m.channel = channel;
    m.recipient_kind = to.kind;
    m.recipient_id = to.id;
    m.address = address;
    m.lang = to.lang;
    m.event_seq = e.seq;
    m.about_id = about_id;
    return m;
}

/// The email of `kind` for `to` (greeting, text, signature; `values` fill its subject and body), or nullopt
/// when email is off or they have no usable address.
std::optional<outgoing> email_of(context& c, const store::committed_event& e, const recipient& to,
                                 const std::string& kind, const std::vector<std::string>& links,
                                 std::initializer_list<std::pair<std::string_view, std::string_view>> values,
                                 const std::string& about_id, std::optional<std::int64_t> due_at) {
    if (!c.s.email || !plausible_address(to.address))
        return std::nullopt;
    const auto t = c.texts.get(to.lang);
    const std::string greeting =
        to.first_name.empty() ? t("msg.greeting_team") : t("msg.greeting", {{"first_name", to.first_name}});
    auto footer = c.email_footers.find(to.lang);
    if (footer == c.email_footers.end())
        footer = c.email_footers
                     .emplace(to.lang, t("msg.signature", {{"programme", c.programme.name}}) + "\n\n-- \n" +
                                           t("msg.automatic", {{"programme", c.programme.name}}) + "\n")
                     .first;
    std::string text = greeting + "\n\n" + t("msg." + kind + ".body", values) + "\n\n" + footer->second;
    outgoing m = message_to(e, to, kind, "email", to.address, about_id);
    std::vector<std::string> all_links = links;
    if (optional_kind(kind)) {
        // One click stops the optional ones (List-Unsubscribe, RFC 8058; the link in the text too).
        m.unsubscribe_url = make_unsubscribe_url(c.db, c.s.public_url, to.kind, to.id, e.at,
                                                 e.at + c.s.keep_seconds + 30 * 86400);
        text += t("msg.unsubscribe", {{"link", m.unsubscribe_url}}) + "\n";
        all_links.push_back(m.unsubscribe_url);
    }
    m.subject = t("msg." + kind + ".subject", values);
    m.text = text;
    m.links = std::move(all_links);  // the sender builds the HTML part from the text and these
    m.due_at = due_at;
    return m;
}

/// Queues one message of `kind` for `to` on the first channel that reaches them: a text message (SMS on, a
/// mobile number, no STOP), else an email (email on, an address). The email has a greeting, the text of
/// `kind` and a signature; the SMS the short text `sms.<kind>`; `values` fill both. A text to someone who
/// also has an email address carries that email as its fallback: sent if the text fails for good.
int tell(context& c, const store::committed_event& e, const recipient& to, const std::string& kind,
         const std::vector<std::string>& links,
         std::initializer_list<std::pair<std::string_view, std::string_view>> values,
         const std::string& about_id = {}, std::optional<std::int64_t> due_at = std::nullopt,
         std::optional<std::int64_t> mission_start = std::nullopt) {
    const bool optional = optional_kind(kind);
    if (optional && !to.prefs.optional_messages)
        return 0;  // they asked for the essential ones only
    auto mail = email_of(c, e, to, kind, links, values, about_id, due_at);
    if (mail)
        mail->optional = optional;
    // Their channels in their order; an essential message then tries the others too. A device they allowed
    // notifications on comes first (they asked for it there).
    const bool pushable = c.s.push && to.kind == "volunteer" && has_push(c.db, to.id);
    std::vector<std::string> order = to.prefs.channels;
    if (pushable && std::find(order.begin(), order.end(), "push") == order.end())
        order.insert(order.begin(), "push");
    if (!optional)
        for (const char* ch : {"sms", "email"})
            if (std::find(order.begin(), order.end(), ch) == order.end())
                order.emplace_back(ch);
    std::string channel;
    for (const auto& ch : order)
        if ((ch == "push" && pushable) || (ch == "sms" && textable(c, to)) || (ch == "email" && mail)) {
            channel = ch;
            break;
        }
    if (channel == "email") {
        enqueue(c.db, *mail, e.at, c.s.keep_seconds);
        return 1;
    }
    if (channel == "sms" || channel == "push") {
        const auto t = c.texts.get(to.lang);
        const bool push = channel == "push";
        // A push is addressed to the volunteer's devices (the sender reads them), its text the SMS's, as a
        // notification: {title, body, url} for the service worker.
        outgoing m = message_to(e, to, kind, push ? "push" : "sms", push ? to.id : to.phone, about_id);
        m.text = t("sms." + kind, values);
        if (push) {
            m.subject = t("msg." + kind + ".subject", values);
            m.text = boost::json::serialize(
                boost::json::object{{"title", m.subject},
                                    {"body", m.text},
                                    {"url", links.empty() ? c.s.public_url + "/benevole" : links.front()},
                                    {"tag", kind},
                                    {"lang", to.lang}});
        }
        const std::int64_t due = due_at.value_or(e.at);
        const std::int64_t allowed = outside_quiet_hours(c, to.prefs, due, mission_start);
        if (allowed != due || due_at)
            m.due_at = allowed;
        m.optional = optional;
        if (mail)
            m.fallback = fallback_of(*mail);
        enqueue(c.db, m, e.at, c.s.keep_seconds);
        return 1;
    }
    {
        // No message reaches them. A resident is then phoned by the coordination: a task in the console,
        // with what to say (in their language), for the news that matters to them.
        if (to.kind == "resident" && !to.phone.empty() &&
            (kind == "volunteer_coming" || kind == "visit_cancelled"))
            add_call_task(c.db, to.id, kind, about_id, c.texts.get(to.lang)("sms." + kind, values), e.at,
                          c.s.keep_seconds);
        return 0;
    }
}

recipient volunteer_recipient(const context& c, const domain::volunteer_record& v) {
    auto prefs = load_preferences(c.db, v.id);
    // The language they chose for their messages, else the first of those they speak that has texts.
    std::string lang = lang_among(c, prefs.language.empty() ? v.languages : std::vector{prefs.language});
    if (!prefs.language.empty() && lang != prefs.language)
        lang = lang_among(c, v.languages);
    return {"volunteer",
            v.id,
            v.erased_at ? std::string() : v.email,
            v.first_name,
            std::move(lang),
            v.erased_at ? std::string() : v.phone,
            std::move(prefs)};
}

recipient resident_recipient(const context& c, const domain::resident_record& r) {
    recipient to{"resident",
                 r.id,
                 r.erased_at ? std::string() : r.email.value_or(""),
                 r.first_name,
                 lang_among(c, r.languages),
                 r.erased_at ? std::string() : r.phone};
    // The way they asked to be contacted comes first: the confirmation page told them "we email you".
    // "phone" (the coordination calls them) and "sms" keep the default order, a text first.
    if (r.preferred_contact == "email")
        to.prefs.channels = {"email", "sms"};
    return to;
}

/// The reminders and the report request of an accepted mission: queued now, due later, cancelled if the
/// mission leaves "accepted" before.
const std::vector<std::string> scheduled_kinds{"reminder_evening", "reminder_soon", "report_due"};

/// The partner association that referred a mission's resident, told what became of the help it asked for:
/// a volunteer is coming (first name and time), the visit is cancelled, the mission was done. By email to its
/// contact address (else its first account's), in its language (partner.message_language); the resident is
/// named by first name only (the partner knows them). Returns how many were queued.
int tell_partner(context& c, const store::committed_event& e, const domain::mission_record& m,
                 const std::string& news_key, const std::string& volunteer_first_name) {
    const auto req = domain::load_request(c.db, m.request_id);
    if (!req.partner_id)
        return 0;
    auto q =
        store::prepare(c.db,
                       "SELECT p.name, COALESCE(NULLIF(p.contact_email, ''), (SELECT u.email FROM users u "
                       "WHERE u.partner_id = p.id AND u.disabled_at IS NULL ORDER BY u.seq LIMIT 1), ''), "
                       "p.message_language FROM partner p WHERE p.id = ?");
    q->bind(1, *req.partner_id);
    if (!q->executeStep())
        return 0;
    const std::string name = q->getColumn(0).getString();
    recipient to{"partner",
                 *req.partner_id,
                 q->getColumn(1).getString(),
                 {},
                 lang_among(c, {q->getColumn(2).getString()}),
                 {}};
    q->reset();
    const auto res = domain::load_resident(c.db, m.resident_id);
    const auto t = c.texts.get(to.lang);
    const std::string when = domain::spoken_date_time(t, c.city, m.starts_at);
    const std::string category = category_label(c, m.category, to.lang);
    const std::string resident = res.erased_at ? std::string("-") : res.first_name;
    const std::string news = t("msg.partner_update." + news_key,
                               {{"volunteer", volunteer_first_name}, {"when", when}, {"category", category}});
    return tell(c, e, to, "partner_update", {},
                {{"programme", c.programme.name},
                 {"partner", name},
                 {"resident", resident},
                 {"category", category},
                 {"news", news},
                 {"phone", c.programme.coordination_phone}},
                m.id);
}

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
    // Dates with their day of the week, in each recipient's language.
    auto when_in = [&](const std::string& lang) {
        return domain::spoken_date_time(c.texts.get(lang), c.city, m.starts_at);
    };
    const std::string when = when_in(vol.lang);
    const std::string& phone = c.programme.coordination_phone;

    if (e.action == "proposed") {
        if (!textable(c, vol) && (!c.s.email || !plausible_address(vol.address)) &&
            !(c.s.push && has_push(c.db, vol.id)))
            return 0;  // no channel: no link is made
        const std::string expires =
            m.expires_at ? domain::spoken_date_time(c.texts.get(vol.lang), c.city, *m.expires_at) : when;
        // The one-tap answer: a single-use link valid until the proposal expires (domain/answer_links.hpp).
        // The page speaks the message's language (French without one: api/pages, dictionaries::pick).
        const std::string answer =
            c.s.public_url + "/reponse/" +
            domain::issue_answer_link(c.db, m.id, m.volunteer_id, m.expires_at.value_or(m.starts_at)) +
            (vol.lang == "fr" ? "" : "?lang=" + vol.lang);
        return tell(c, e, vol, "proposal", {answer, space},
                    {{"programme", c.programme.name},
                     {"category", category},
                     {"when", when},
                     {"neighbourhood", m.neighbourhood},
                     {"expires", expires},
                     {"answer", answer},
                     {"link", space}},
                    m.id, std::nullopt, m.starts_at);
    }
    if (e.action == "accepted") {
        // The volunteer: the evening before at 18:00 (city time), two hours before, and after the end.
        const std::int64_t eve = c.city.to_utc((c.city.day_of(m.starts_at) - 1) * 86400 + 18 * 3600);
        const std::initializer_list<std::pair<std::string_view, std::string_view>> values{
            {"programme", c.programme.name},    {"category", category}, {"when", when},
            {"neighbourhood", m.neighbourhood}, {"link", space},        {"phone", phone}};
        if (eve > e.at && eve < m.starts_at - 2 * 3600)
            queued += tell(c, e, vol, "reminder_evening", {space}, values, m.id, eve, m.starts_at);
        if (m.starts_at - 2 * 3600 > e.at)
            queued +=
                tell(c, e, vol, "reminder_soon", {space}, values, m.id, m.starts_at - 2 * 3600, m.starts_at);
        // "Did it happen?" opens the mission's report form in their space.
        const std::string report = space + "#/missions/" + m.id;
        queued += tell(c, e, vol, "report_due", {report},
                       {{"programme", c.programme.name},
                        {"category", category},
                        {"when", when},
                        {"neighbourhood", m.neighbourhood},
                        {"link", report},
                        {"phone", phone}},
                       m.id, m.ends_at + 2 * 3600);
        // The resident: who comes and when (a first name, never the volunteer's phone or email).
        const recipient res = resident_recipient(c, domain::load_resident(c.db, m.resident_id));
        {
            queued += tell(c, e, res, "volunteer_coming", {},
                           {{"programme", c.programme.name},
                            {"category", category_label(c, m.category, res.lang)},
                            {"when", when_in(res.lang)},
                            {"volunteer", v.first_name},
                            {"phone", phone}},
                           m.id, std::nullopt, m.starts_at);
        }
        return queued + tell_partner(c, e, m, "accepted", v.first_name);
    }
    if (e.action == "cancelled" || e.action == "dropped") {
        if (e.action == "cancelled")
            queued += tell(c, e, vol, "mission_cancelled", {space},
                           {{"programme", c.programme.name},
                            {"category", category},
                            {"when", when},
                            {"neighbourhood", m.neighbourhood},
                            {"link", space}},
                           m.id, std::nullopt, m.starts_at);
        // The resident had been told someone was coming.
        if (e.from_status == std::optional<std::string>("accepted")) {
            const recipient res = resident_recipient(c, domain::load_resident(c.db, m.resident_id));
            {
                queued += tell(c, e, res, "visit_cancelled", {},
                               {{"programme", c.programme.name},
                                {"category", category_label(c, m.category, res.lang)},
                                {"when", when_in(res.lang)},
                                {"phone", phone}},
                               m.id, std::nullopt, m.starts_at);
            }
            queued += tell_partner(c, e, m, "cancelled", v.first_name);
        }
        return queued;
    }
    if (e.action == "done")
        queued += tell_partner(c, e, m, "done", v.first_name);
    if (e.action == "done" && m.report && m.report->welfare_concern) {
        // Every coordinator, at once: no name in the message, the console has them.
        auto q = store::prepare(
            c.db,
            "SELECT id, email, COALESCE(message_language, 'fr') FROM users WHERE role = 'coordinator' AND "
            "disabled_at IS NULL");
        std::vector<recipient> coordinators;
        while (q->executeStep())
            coordinators.push_back({"coordinator",
                                    q->getColumn(0).getString(),
                                    q->getColumn(1).getString(),
                                    {},
                                    lang_among(c, {q->getColumn(2).getString()}),
                                    {}});
        for (const auto& to : coordinators)
            queued += tell(c, e, to, "welfare_concern", {console},
                           {{"category", category_label(c, m.category, to.lang)},
                            {"when", when_in(to.lang)},
                            {"neighbourhood", m.neighbourhood},
                            {"link", console}},
                           m.id);
    }
    return queued;
}

/// A request received: its resident gets the tracking code (handed over by create_request for this
/// transaction only: domain::take_secret) and the address where it is followed. The commit only records the
/// receipt as owed (context::owed, one receipt_owed row per commit): the message itself is written later by
/// expand_owed_receipts (tell_received), off the requests' commits.
int on_request(context& c, const store::committed_event& e) {
    if (e.action != "created")
        return 0;
    auto code = domain::take_secret(c.db, "tracking_code", e.entity_id);
    if (!code)
        return 0;  // not handed over (a tool's connection), or already sent
    // The request's channel, category and resident are in its event (domain::create_request).
    const std::string channel = domain::text_of(e.data, "channel");
    if (channel == "outreach")
        return 0;  // the city calls them: they asked for nothing, there is nothing to acknowledge
    c.owed.push_back(boost::json::object{{"seq", e.seq},
                                         {"at", e.at},
                                         {"request", e.entity_id},
                                         {"resident", domain::text_of(e.data, "resident_id")},
                                         {"category", domain::text_of(e.data, "category")},
                                         {"code", std::move(*code)}});
    return 0;
}

/// The "request received" message of the request of event `e` (its resident, category and code as the
/// commit recorded them): to the resident as they are now (an erased one gets nothing).
int tell_received(context& c, const store::committed_event& e, const std::string& resident_id,
                  const std::string& category, const std::string& code) {
    auto q = store::prepare(c.db,
                            "SELECT first_name, email, phone, languages, erased_at, preferred_contact FROM "
                            "resident WHERE id = ?");
    q->bind(1, resident_id);
    if (!q->executeStep())
        return 0;
    domain::resident_record person;
    person.id = resident_id;
    person.first_name = q->getColumn(0).getString();
    if (!q->getColumn(1).isNull())
        person.email = q->getColumn(1).getString();
    person.phone = q->getColumn(2).getString();
    person.languages = domain::strings_from_json(q->getColumn(3).getString());
    if (!q->getColumn(4).isNull())
        person.erased_at = q->getColumn(4).getInt64();
    person.preferred_contact = q->getColumn(5).getString();
    q->reset();
    const recipient res = resident_recipient(c, person);
    const std::string link = c.s.public_url + "/suivi";
    // No `about_id`: nothing cancels this message (that partial index serves a mission's reminders).
    return tell(c, e, res, "request_received", {link},
                {{"programme", c.programme.name},
                 {"category", category_label(c, category, res.lang)},
                 {"code", code},
                 {"link", link},
                 {"phone", c.programme.coordination_phone}});
}

/// Writes the receipts the commit owes (context::owed) as one receipt_owed row.
void write_owed(context& c, std::int64_t at) {
    if (c.owed.empty())
        return;
    auto q = store::prepare(c.db, "INSERT INTO receipt_owed(created_at, items) VALUES (?, ?)");
    const std::string items = boost::json::serialize(c.owed);
    q->bind(1, static_cast<std::int64_t>(at));
    q->bindNoCopy(2, items);
    q->exec();
    c.owed.clear();
}

/// A resident's details a volunteer goes by (where, whom to call, what to know) changed under an accepted
/// mission still to come: its volunteer is told the mission changed and where to read it again (their space
/// shows the new details; the message carries none of them).
int on_resident(context& c, const store::committed_event& e) {
    if (e.action != "updated")
        return 0;
    bool matters = false;
    if (const auto* fields = e.data.if_contains("fields"); fields && fields->is_array())
        for (const auto& f : fields->as_array())
            matters = matters || f == "address" || f == "phone" || f == "location" || f == "needs" ||
                      f == "first_name" || f == "last_name";
    if (!matters)
        return 0;
    auto q = store::prepare(
        c.db,
        "SELECT m.id FROM request r JOIN mission m ON m.request_id = r.id AND m.status = 'accepted' WHERE "
        "r.resident_id = ? AND m.starts_at > ? ORDER BY m.starts_at");
    q->bind(1, e.entity_id);
    q->bind(2, static_cast<std::int64_t>(e.at));
    std::vector<std::string> ids;
    while (q->executeStep())
        ids.push_back(q->getColumn(0).getString());
    q->reset();
    int queued = 0;
    const std::string space = c.s.public_url + "/benevole";
    for (const auto& id : ids) {
        const auto m = domain::load_mission(c.db, id);
        const recipient vol = volunteer_recipient(c, domain::load_volunteer(c.db, m.volunteer_id));
        queued += tell(c, e, vol, "mission_changed", {space},
                       {{"programme", c.programme.name},
                        {"category", category_label(c, m.category, vol.lang)},
                        {"when", domain::spoken_date_time(c.texts.get(vol.lang), c.city, m.starts_at)},
                        {"neighbourhood", m.neighbourhood},
                        {"link", space}},
                       m.id, std::nullopt, m.starts_at);
    }
    return queued;
}

int on_volunteer(context& c, const store::committed_event& e) {
    // Validation: registered -> active (a pause ending is not a validation).
    if (e.action != "activated" || e.from_status != std::optional<std::string>("registered"))
        return 0;
    const auto v = domain::load_volunteer(c.db, e.entity_id);
    if (v.status != "active")
        return 0;  // imported straight into the reserve: a campaign will invite them
    const std::string link = c.s.public_url + "/benevole";
    return tell(c, e, volunteer_recipient(c, v), "volunteer_validated", {link},
                {{"programme", c.programme.name}, {"link", link}});
}

/// A reactivation campaign (domain/reserve.hpp): each recipient gets the coordination's message with their
/// own one-tap link (available again / not now / leave the reserve), on their first channel. The messages
/// are about the campaign (about_id), which is how its funnel finds them. A member no channel reaches keeps a
/// link nobody sent: the funnel counts them as unreachable.
int on_campaign(context& c, const store::committed_event& e) {
    if (e.action != "created")
        return 0;
    const auto campaign = domain::load_campaign(c.db, e.entity_id);
    int queued = 0;
    for (const auto& id : domain::campaign_recipients(c.db, e.entity_id)) {
        const auto v = domain::load_volunteer(c.db, id);
        if (v.erased_at)
            continue;
        const std::string link =
            c.s.public_url + "/reserve/" + domain::issue_campaign_link(c.db, e.entity_id, id, e.at);
        queued += tell(c, e, volunteer_recipient(c, v), "reserve_call", {link},
                       {{"programme", c.programme.name}, {"message", campaign.message}, {"link", link}},
                       e.entity_id);
    }
    return queued;
}

/// A programme's end: every volunteer still with the scheme (active or paused) is thanked, with what they did
/// in it (missions, hours), told the next programme's name, and shown where to choose to carry on or to join
/// the reserve (their space).
int on_programme(context& c, const store::committed_event& e) {
    if (e.action != "closed")
        return 0;
    const auto closed = domain::load_programme_period(c.db, e.entity_id);
    const std::int64_t from =
        domain::parse_date(closed.starts_on).value_or(0) - 86400;  // any zone's midnight
    std::vector<std::string> ids;
    {
        auto q = store::prepare(
            c.db,
            "SELECT id FROM volunteer WHERE status IN ('active','paused') AND erased_at IS NULL "
            "AND validated_at IS NOT NULL ORDER BY seq");
        while (q->executeStep())
            ids.push_back(q->getColumn(0).getString());
    }
    const std::string space = c.s.public_url + "/benevole";
    int queued = 0;
    for (const auto& id : ids) {
        const auto v = domain::load_volunteer(c.db, id);
        const auto done = domain::engagement_of(c.db, id, from, e.at + 1);
        const std::string missions = std::to_string(done.missions);
        const std::string hours = std::to_string((done.minutes + done.collective_minutes + 30) / 60);
        queued += tell(c, e, volunteer_recipient(c, v), "programme_thanks", {space},
                       {{"programme", c.programme.name},
                        {"closed", closed.name},
                        {"missions", missions},
                        {"hours", hours},
                        {"link", space}});
    }
    return queued;
}

/// An account's own messages: the sign-in code it asked for (on the channel it was asked by: the person is
/// waiting for it, so quiet hours do not apply) and the link confirming a new registration's address. Both
/// carry a secret handed over for this transaction only (domain/secret_handover.hpp).
/// A one-time password link an admin issued (a new staff or partner account's, or a reset): sent to the
/// account's address too, in the account's message language. The admin saw it once; the email lets the
/// person use it without being handed it.
int on_password_link(context& c, const store::committed_event& e) {
    const auto secret = domain::take_secret(c.db, "password_link", e.entity_id);
    if (!secret)
        return 0;
    auto u = store::prepare(c.db,
                            "SELECT email, role, COALESCE(message_language, 'fr') FROM users "
                            "WHERE id = ? AND disabled_at IS NULL");
    u->bind(1, e.entity_id);
    if (!u->executeStep())
        return 0;
    const std::string role = u->getColumn(1).getString();
    recipient to{role == "partner"     ? "partner"
                 : role == "volunteer" ? "volunteer"
                                       : "coordinator",
                 e.entity_id,
                 u->getColumn(0).getString(),
                 {},
                 lang_among(c, {u->getColumn(2).getString()}),
                 {}};
    u->reset();
    const auto* purpose = e.data.if_contains("purpose");
    const bool reset = purpose && purpose->is_string() && purpose->get_string() == "reset";
    // In the fragment: a browser never sends it, so no server log or proxy sees it.
    const std::string link = c.s.public_url + "/mot-de-passe#lien=" + *secret;
    auto mail = email_of(c, e, to, reset ? "password_reset_link" : "password_set_link", {link},
                         {{"programme", c.programme.name}, {"link", link}}, {}, std::nullopt);
    if (!mail)
        return 0;
    enqueue(c.db, *mail, e.at, c.s.keep_seconds);
    return 1;
}

int on_user(context& c, const store::committed_event& e) {
    if (e.action == "password_link_issued")
        return on_password_link(c, e);
    const bool code = e.action == "sign_in_code_sent";
    if (!code && e.action != "email_confirmation_sent")
        return 0;
    const auto secret = domain::take_secret(c.db, code ? "sign_in_code" : "email_confirmation", e.entity_id);
    if (!secret)
        return 0;  // not handed over (a tool's connection)
    auto u = store::prepare(c.db, "SELECT email, COALESCE(volunteer_id, '') FROM users WHERE id = ?");
    u->bind(1, e.entity_id);
    if (!u->executeStep())
        return 0;
    const std::string email = u->getColumn(0).getString();
    const std::string volunteer_id = u->getColumn(1).getString();
    u->reset();
    if (volunteer_id.empty())
        return 0;
    recipient to = volunteer_recipient(c, domain::load_volunteer(c.db, volunteer_id));
    to.address = email;
    if (!code) {
        const std::string link = c.s.public_url + "/confirmer/" + *secret;
        auto mail = email_of(c, e, to, "email_confirmation", {link},
                             {{"programme", c.programme.name}, {"link", link}}, {}, std::nullopt);
        if (!mail)
            return 0;
        enqueue(c.db, *mail, e.at, c.s.keep_seconds);
        return 1;
    }
    const auto space = secret->find(' ');
    const std::string digits = secret->substr(0, space);
    // In the fragment: a browser never sends it, so no server log or proxy sees it.
    const std::string link = c.s.public_url + "/benevole#connexion=" + secret->substr(space + 1);
    const auto* channel = e.data.if_contains("channel");
    if (channel && channel->is_string() && channel->get_string() == "sms") {
        if (!textable(c, to))
            return 0;
        outgoing m = message_to(e, to, "sign_in_code", "sms", to.phone, {});
        m.text =
            c.texts.get(to.lang)("sms.sign_in_code", {{"programme", c.programme.name}, {"code", digits}});
        enqueue(c.db, m, e.at, c.s.keep_seconds);
        return 1;
    }
    auto mail =
        email_of(c, e, to, "sign_in_code", {link},
                 {{"programme", c.programme.name}, {"code", digits}, {"link", link}}, {}, std::nullopt);
    if (!mail)
        return 0;
    enqueue(c.db, *mail, e.at, c.s.keep_seconds);
    return 1;
}

}  // namespace

int plan_messages(SQLite::Database& db, const std::vector<store::committed_event>& events,
                  const planner_settings& s, std::size_t* failed) {
    // The fresh secrets (tracking codes...) never outlive their transaction, whatever is sent.
    struct drop_codes {
        SQLite::Database& db;
        ~drop_codes() {
            try {
                domain::drop_secrets(db);
            } catch (const SQLite::Exception&) {
                // the transaction is failing anyway; the TEMP table goes with the connection
            }
        }
    } dropped{db};
    // A mission's events may make a "call the resident" task even with no channel on; the rest is messages.
    const bool channels = s.email || s.sms || s.push;
    const bool relevant =
        std::any_of(events.begin(), events.end(), [channels](const store::committed_event& e) {
            return e.entity == "mission" ||
                   (channels && ((e.entity == "volunteer" && e.action == "activated") ||
                                 (e.entity == "request" && e.action == "created") ||
                                 (e.entity == "campaign" && e.action == "created") ||
                                 (e.entity == "resident" && e.action == "updated") ||
                                 (e.entity == "programme" && e.action == "closed") ||
                                 (e.entity == "user" &&
                                  (e.action == "sign_in_code_sent" || e.action == "email_confirmation_sent" ||
                                   e.action == "password_link_issued"))));
        });
    if (!relevant)
        return 0;
    auto programme = domain::load_programme(db);
    domain::city_time city(programme.timezone);
    context c{db, s, std::move(programme), city, {}, message_texts::load(db, *s.words), {}, {}};
    auto one = [&c, channels](const store::committed_event& e) {
        if (e.entity == "mission")
            return on_mission(c, e);
        if (e.entity == "volunteer" && channels)
            return on_volunteer(c, e);
        if (e.entity == "request" && channels)
            return on_request(c, e);
        if (e.entity == "user" && channels)
            return on_user(c, e);
        if (e.entity == "campaign" && channels)
            return on_campaign(c, e);
        if (e.entity == "resident" && channels)
            return on_resident(c, e);
        if (e.entity == "programme" && channels)
            return on_programme(c, e);
        return 0;
    };
    // All the events at once; should one fail (a bug, a broken row), all again one at a time, each in a
    // savepoint of its own, so that only the failing event's messages are lost, not those of every change
    // in the group commit. (No savepoint per event in the usual case: it would cost every commit.)
    int queued = 0;
    store::prepare(db, "SAVEPOINT plan_all")->exec();
    try {
        for (const auto& e : events)
            queued += one(e);
        write_owed(c, events.back().at);
        store::prepare(db, "RELEASE plan_all")->exec();
        return queued;
    } catch (const std::exception&) {
        store::prepare(db, "ROLLBACK TO plan_all")->exec();
        store::prepare(db, "RELEASE plan_all")->exec();
        domain::give_back_secrets(db);  // the tracking codes... of the events planned before the failure
    }
    queued = 0;
    c.owed.clear();  // the receipts are owed again, their codes given back
    for (const auto& e : events) {
        store::prepare(db, "SAVEPOINT plan_one")->exec();
        const std::size_t owed_before = c.owed.size();
        try {
            queued += one(e);
        } catch (const std::exception& ex) {
            store::prepare(db, "ROLLBACK TO plan_one")->exec();
            c.owed.resize(owed_before);
            // The event's kind and sequence number, and the failure (never a message's text or address).
            spdlog::error("messages of event {} ({} {}) not planned: {}", e.seq, e.entity, e.action,
                          ex.what());
            if (failed)
                ++*failed;
        }
        store::prepare(db, "RELEASE plan_one")->exec();
    }
    write_owed(c, events.back().at);
    return queued;
}

std::optional<std::int64_t> oldest_owed_receipt(SQLite::Database& db) {
    auto q = store::prepare(db, "SELECT created_at FROM receipt_owed ORDER BY seq LIMIT 1");
    if (!q->executeStep())
        return std::nullopt;
    return q->getColumn(0).getInt64();
}

int expand_owed_receipts(SQLite::Database& db, const planner_settings& s, std::int64_t now, int limit,
                         std::size_t* failed) {
    auto programme = domain::load_programme(db);
    domain::city_time city(programme.timezone);
    context c{db, s, std::move(programme), city, {}, message_texts::load(db, *s.words), {}, {}};
    int done = 0;
    // Whole rows (one commit's receipts each), oldest first, until `limit` receipts are written out.
    while (done < limit) {
        std::int64_t row = 0;
        std::string items;
        {
            auto q = store::prepare(db, "SELECT seq, items FROM receipt_owed ORDER BY seq LIMIT 1");
            if (!q->executeStep())
                break;
            row = q->getColumn(0).getInt64();
            items = q->getColumn(1).getString();
        }
        boost::json::array owed;
        try {
            owed = boost::json::parse(items).as_array();
        } catch (const std::exception& ex) {
            spdlog::error("receipts owed row {} unreadable, dropped: {}", row, ex.what());
            if (failed)
                ++*failed;
        }
        for (const auto& v : owed) {
            ++done;
            store::prepare(db, "SAVEPOINT receipt_one")->exec();
            try {
                const auto& o = v.as_object();
                store::committed_event e;
                e.seq = o.at("seq").to_number<std::int64_t>();
                e.at = o.at("at").to_number<std::int64_t>();
                e.entity = "request";
                e.action = "created";
                e.entity_id = std::string(o.at("request").as_string());
                // Past the outbox's retention it would be purged at once: it is dropped (the server ran
                // that long with no channel to write it out).
                if (e.at + s.keep_seconds > now)
                    tell_received(c, e, std::string(o.at("resident").as_string()),
                                  std::string(o.at("category").as_string()),
                                  std::string(o.at("code").as_string()));
            } catch (const std::exception& ex) {
                store::prepare(db, "ROLLBACK TO receipt_one")->exec();
                // The row only, never the code or the resident.
                spdlog::error("a receipt owed (row {}) not written out: {}", row, ex.what());
                if (failed)
                    ++*failed;
            }
            store::prepare(db, "RELEASE receipt_one")->exec();
        }
        auto del = store::prepare(db, "DELETE FROM receipt_owed WHERE seq = ?");
        del->bind(1, static_cast<std::int64_t>(row));
        del->exec();
    }
    return done;
}

}  // namespace relais::notify
