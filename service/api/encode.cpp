#include "api/encode.hpp"

#include "domain/time_format.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

json::value time_json(std::optional<std::int64_t> t) {
    if (!t)
        return nullptr;
    return json::value(domain::format_iso8601(*t));
}

bool volunteer_sees_contact(const domain::mission_record& m, std::int64_t now) {
    // Accepted (or carried out) missions only; visible until 7 days after the mission ended.
    const bool was_accepted = m.status == "accepted" || m.status == "done" || m.status == "missed";
    return was_accepted && now <= m.ends_at + 7 * 86400;
}

namespace {

/// The resident's contact as a mission shows it, or null (not shown, or erased).
json::value contact_json(const std::optional<resident_contact>& c) {
    if (!c)
        return nullptr;
    json::object r{{"first_name", c->first_name}, {"phone", c->phone}};
    r["address"] = c->address ? json::value(*c->address) : json::value(nullptr);
    r["needs"] = json::object{{"reduced_mobility", c->needs.reduced_mobility},
                              {"visually_impaired", c->needs.visually_impaired},
                              {"not_french_speaking", c->needs.not_french_speaking}};
    r["location"] = c->address && c->location
                        ? json::value(json::object{{"lat", c->location->lat}, {"lon", c->location->lon}})
                        : json::value(nullptr);
    return r;
}

}  // namespace

json::object mission_for_volunteer(const domain::mission_record& m,
                                   const std::optional<resident_contact>& c) {
    json::object o{{"id", m.id},
                   {"request_id", m.request_id},
                   {"status", m.status},
                   {"category", m.category},
                   {"neighbourhood", m.neighbourhood},
                   {"details", m.details},
                   {"recurrence", m.recurrence},
                   {"starts_at", time_json(m.starts_at)},
                   {"ends_at", time_json(m.ends_at)},
                   {"expires_at", m.status == "proposed" ? time_json(m.expires_at) : json::value(nullptr)},
                   {"answer_by", m.status == "proposed" ? time_json(m.expires_at) : json::value(nullptr)},
                   {"home_visit", m.home_visit},
                   {"outreach", m.outreach}};
    if (m.report)
        o["report"] = {{"duration_minutes", m.report->duration_minutes},
                       {"outcome", m.report->outcome},
                       {"welfare_concern", m.report->welfare_concern},
                       {"note", m.report->note ? json::value(*m.report->note) : json::value(nullptr)}};
    else
        o["report"] = nullptr;
    o["resident"] = contact_json(c);
    return o;
}

json::object mission_for_staff(const domain::mission_record& m, const std::optional<resident_contact>& c) {
    json::object o = json::value_from(m).as_object();
    o["resident"] = contact_json(c);
    return o;
}

}  // namespace relais::api

namespace relais::domain {

namespace json = boost::json;
using api::time_json;

namespace {
json::value opt(const std::optional<std::string>& s) {
    return s ? json::value(*s) : json::value(nullptr);
}
json::value location(const std::optional<geo>& g) {
    if (!g)
        return nullptr;
    return json::object{{"lat", g->lat}, {"lon", g->lon}};
}
}  // namespace

void tag_invoke(json::value_from_tag, json::value& v, const availability_slot& s) {
    char start[16], end[16];
    std::snprintf(start, sizeof start, "%02d:%02d", s.start / 60, s.start % 60);
    std::snprintf(end, sizeof end, "%02d:%02d", s.end / 60, s.end % 60);
    v = json::object{{"day", day_names[s.day]}, {"start", start}, {"end", end}};
}

void tag_invoke(json::value_from_tag, json::value& v, const volunteer_record& r) {
    v = json::object{{"id", r.id},
                     {"first_name", r.first_name},
                     {"last_name", r.last_name},
                     {"email", r.email},
                     {"phone", r.phone},
                     {"neighbourhood", r.neighbourhood},
                     {"location", location(r.location)},
                     {"skills", json::value_from(r.skills)},
                     {"availability", json::value_from(r.availability)},
                     {"languages", json::value_from(r.languages)},
                     {"max_missions_per_week", r.max_missions_per_week},
                     {"status", r.status},
                     {"withdrawal_reason", opt(r.withdrawal_reason)},
                     {"withdrawal_note", opt(r.withdrawal_note)},
                     {"created_at", time_json(r.created_at)},
                     {"validated_at", time_json(r.validated_at)},
                     {"withdrawn_at", time_json(r.withdrawn_at)},
                     {"erased", r.erased_at.has_value()}};
    json::value reserve = nullptr;
    if (r.reserve)
        reserve = json::object{{"joined_at", time_json(r.reserve->joined_at)},
                               {"confirmed_at", time_json(r.reserve->confirmed_at)},
                               {"consent_version", r.reserve->consent_version},
                               {"source", r.reserve->source}};
    v.as_object()["reserve"] = std::move(reserve);
    if (r.trainings)
        v.as_object()["trainings"] = json::value_from(*r.trainings);
    if (r.charter) {
        const auto& c = *r.charter;
        v.as_object()["charter"] = c ? json::value(json::object{{"programme_id", c->programme_id},
                                                                {"version", c->version},
                                                                {"accepted_at", time_json(c->accepted_at)}})
                                     : json::value(nullptr);
    }
    if (r.email_confirmed)
        v.as_object()["email_confirmed"] = *r.email_confirmed;
}

void tag_invoke(json::value_from_tag, json::value& v, const training_record& t) {
    v = json::object{{"category", t.category},
                     {"trained_on", t.trained_on},
                     {"note", t.note},
                     {"recorded_at", time_json(t.recorded_at)}};
}

void tag_invoke(json::value_from_tag, json::value& v, const charter_record& c) {
    v = json::object{{"programme_id", c.programme_id},
                     {"version", c.version},
                     {"text_fr", c.text_fr},
                     {"text_en", c.text_en},
                     {"published_at", time_json(c.published_at)}};
}

void tag_invoke(json::value_from_tag, json::value& v, const resident_record& r) {
    v = json::object{{"id", r.id},
                     {"first_name", r.first_name},
                     {"last_name", r.last_name},
                     {"phone", r.phone},
                     {"email", opt(r.email)},
                     {"address", r.address},
                     {"neighbourhood", r.neighbourhood},
                     {"location", location(r.location)},
                     {"needs",
                      {{"isolated", r.needs.isolated},
                       {"reduced_mobility", r.needs.reduced_mobility},
                       {"visually_impaired", r.needs.visually_impaired},
                       {"not_french_speaking", r.needs.not_french_speaking}}},
                     {"languages", json::value_from(r.languages)},
                     {"preferred_contact", r.preferred_contact},
                     {"consent", {{"at", time_json(r.consent_at)}, {"version", r.consent_version}}},
                     {"created_at", time_json(r.created_at)},
                     {"erased", r.erased_at.has_value()}};
}

void tag_invoke(json::value_from_tag, json::value& v, const request_record& r) {
    v = json::object{{"id", r.id},
                     {"resident_id", r.resident_id},
                     {"category", r.category},
                     {"details", r.details},
                     {"urgency", r.urgency},
                     {"window", {{"from", time_json(r.window_from)}, {"until", time_json(r.window_until)}}},
                     {"recurrence", r.recurrence},
                     {"channel", r.channel},
                     {"partner_id", opt(r.partner_id)},
                     {"neighbourhood", r.neighbourhood},
                     {"status", r.status},
                     {"outcome", opt(r.outcome)},
                     {"close_reason", opt(r.close_reason)},
                     {"redispatch", r.redispatch},
                     {"redispatch_count", r.redispatch_count},
                     {"created_at", time_json(r.created_at)},
                     {"first_proposed_at", time_json(r.first_proposed_at)},
                     {"first_accepted_at", time_json(r.first_accepted_at)},
                     {"first_done_at", time_json(r.first_done_at)},
                     {"closed_at", time_json(r.closed_at)}};
}

void tag_invoke(json::value_from_tag, json::value& v, const mission_record& m) {
    json::object o{{"id", m.id},
                   {"request_id", m.request_id},
                   {"support_id", opt(m.support_id)},
                   {"volunteer_id", m.volunteer_id},
                   {"starts_at", time_json(m.starts_at)},
                   {"ends_at", time_json(m.ends_at)},
                   {"status", m.status},
                   {"reason", opt(m.reason)},
                   {"note", opt(m.note)},
                   {"category", m.category},
                   {"neighbourhood", m.neighbourhood},
                   {"details", m.details},
                   {"recurrence", m.recurrence},
                   {"urgency", m.urgency},
                   {"home_visit", m.home_visit},
                   {"outreach", m.outreach},
                   {"proposed_at", time_json(m.proposed_at)},
                   {"expires_at", time_json(m.expires_at)},
                   {"answer_by", m.status == "proposed" ? time_json(m.expires_at) : json::value(nullptr)},
                   {"answered_at", time_json(m.answered_at)},
                   {"ended_at", time_json(m.ended_at)},
                   {"welfare_acknowledged_at", time_json(m.welfare_ack_at)},
                   {"welfare_acknowledgement_note", opt(m.welfare_ack_note)}};
    if (m.report)
        o["report"] = {{"duration_minutes", m.report->duration_minutes},
                       {"outcome", m.report->outcome},
                       {"welfare_concern", m.report->welfare_concern},
                       {"note", opt(m.report->note)}};
    else
        o["report"] = nullptr;
    v = std::move(o);
}

void tag_invoke(json::value_from_tag, json::value& v, const support_record& s) {
    v = json::object{{"id", s.id},
                     {"request_id", s.request_id},
                     {"resident_id", s.resident_id},
                     {"volunteer_id", s.volunteer_id},
                     {"standin_volunteer_id", opt(s.standin_volunteer_id)},
                     {"status", s.status},
                     {"partner_id", opt(s.partner_id)},
                     {"handover_note", opt(s.handover_note)},
                     {"handover_consent_at", time_json(s.handover_consent_at)},
                     {"category", s.category},
                     {"recurrence", s.recurrence},
                     {"created_at", time_json(s.created_at)},
                     {"ended_at", time_json(s.ended_at)}};
}

void tag_invoke(json::value_from_tag, json::value& v, const partner_record& p) {
    v = json::object{{"id", p.id},
                     {"name", p.name},
                     {"kind", p.kind},
                     {"contact_email", opt(p.contact_email)},
                     {"contact_phone", opt(p.contact_phone)},
                     {"message_language", p.message_language},
                     {"created_at", time_json(p.created_at)}};
}

void tag_invoke(json::value_from_tag, json::value& v, const collective_record& c) {
    v = json::object{{"id", c.id},
                     {"partner_id", opt(c.partner_id)},
                     {"organiser", c.partner_id ? "partner" : "city"},
                     {"organiser_name", c.organiser_name},
                     {"title", c.title},
                     {"description", c.description},
                     {"place", c.place},
                     {"neighbourhood", opt(c.neighbourhood)},
                     {"starts_at", time_json(c.starts_at)},
                     {"ends_at", time_json(c.ends_at)},
                     {"capacity", c.capacity},
                     {"signed_up", c.signed_up},
                     {"remaining", std::max(0, c.capacity - c.signed_up)},
                     {"attended", c.attended},
                     {"status", c.status},
                     {"signed_up_by_me", c.mine},
                     {"created_at", time_json(c.created_at)}};
}

void tag_invoke(json::value_from_tag, json::value& v, const programme_record& p) {
    v = json::object{{"name", p.name},
                     {"starts_on", p.starts_on},
                     {"ends_on", opt(p.ends_on)},
                     {"registration_open", p.registration_open},
                     {"coordination_phone", p.coordination_phone},
                     {"auto_dispatch", p.auto_dispatch},
                     {"proposal_ttl_minutes", p.proposal_ttl_minutes},
                     {"max_distance_km", p.max_distance_km},
                     {"retention_days", p.retention_days},
                     {"consent_version", p.consent_version},
                     {"weights", p.weights},
                     {"timezone", p.timezone},
                     {"country", p.country},
                     {"registration_opens_at", time_json(p.registration_opens_at)},
                     {"registration_closes_at", time_json(p.registration_closes_at)},
                     {"updated_at", time_json(p.updated_at)}};
}

void tag_invoke(json::value_from_tag, json::value& v, const category_record& c) {
    v = json::object{{"code", c.code},
                     {"label_fr", c.label_fr},
                     {"label_en", c.label_en},
                     {"description_fr", c.description_fr},
                     {"description_en", c.description_en},
                     {"volunteer_description_fr", c.volunteer_description_fr},
                     {"volunteer_description_en", c.volunteer_description_en},
                     {"home_visit", c.home_visit},
                     {"active", c.active},
                     {"sort", c.sort},
                     {"training", opt(c.training)}};
}

void tag_invoke(json::value_from_tag, json::value& v, const neighbourhood_record& n) {
    json::object o{{"code", n.code}, {"name", n.name}};
    o["location"] =
        n.lat ? json::value(json::object{{"lat", *n.lat}, {"lon", *n.lon}}) : json::value(nullptr);
    v = std::move(o);
}

void tag_invoke(json::value_from_tag, json::value& v, const track_view& t) {
    v = json::object{
        {"status", t.status}, {"outcome", opt(t.outcome)}, {"next_visit", time_json(t.next_visit)}};
}

}  // namespace relais::domain
