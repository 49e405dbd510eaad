#include "domain/reserve.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/link_token.hpp"
#include "domain/missions.hpp"
#include "domain/programme.hpp"
#include "domain/volunteers.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

#include <boost/json.hpp>

namespace relais::domain {

namespace json = boost::json;

const std::vector<std::string> reserve_answers{"available", "stay", "leave"};

namespace {

/// The WHERE clause of current members matching a filter, and its bindings in order.
struct member_query {
    std::string where;
    std::vector<std::string> texts;
    std::int64_t inactive_before = 0;
};

member_query members_matching(const reserve_filter& f, std::int64_t now) {
    member_query m;
    m.where =
        " FROM reserve_member rm JOIN volunteer v ON v.id = rm.volunteer_id "
        "WHERE rm.left_at IS NULL AND v.erased_at IS NULL AND v.status = 'paused'";
    auto any_of = [&](const char* column, const std::vector<std::string>& values) {
        if (values.empty())
            return;
        m.where += std::string(" AND EXISTS (SELECT 1 FROM json_each(v.") + column + ") j WHERE j.value IN (";
        for (std::size_t i = 0; i < values.size(); ++i) {
            m.where += i ? ",?" : "?";
            m.texts.push_back(values[i]);
        }
        m.where += "))";
    };
    any_of("skills", f.skills);
    any_of("languages", f.languages);
    if (f.neighbourhood) {
        m.where += " AND v.neighbourhood = ?";
        m.texts.push_back(*f.neighbourhood);
    }
    if (f.inactive_days) {
        m.where +=
            " AND NOT EXISTS (SELECT 1 FROM mission mi WHERE mi.volunteer_id = v.id AND mi.status = 'done'"
            " AND mi.ends_at >= ?)";
        m.inactive_before = now - static_cast<std::int64_t>(*f.inactive_days) * 86400;
    }
    return m;
}

void bind_members(SQLite::Statement& q, const member_query& m, int first = 1) {
    int i = first;
    for (const auto& t : m.texts)
        q.bind(i++, t);
    if (m.inactive_before)
        q.bind(i, m.inactive_before);
}

void require_member(SQLite::Database& db, const std::string& volunteer_id) {
    load_volunteer(db, volunteer_id);  // 404 first
    if (!reserve_of(db, volunteer_id))
        throw conflict("The volunteer is not in the reserve.");
}

struct link_row {
    std::string campaign_id, volunteer_id;
    std::int64_t expires_at = 0;
    std::optional<std::int64_t> opened_at;
    std::optional<std::string> answer;
};

link_row find_link(SQLite::Database& db, std::string_view token) {
    if (!link_token_well_formed(token))
        throw not_found("This link is not valid.");
    auto q = store::prepare(db,
                            "SELECT campaign_id, volunteer_id, expires_at, opened_at, answer "
                            "FROM campaign_recipient WHERE token_hash = ?");
    q->bind(1, link_token_hash(token));
    if (!q->executeStep())
        throw not_found("This link is not valid.");
    link_row r{q->getColumn(0).getString(), q->getColumn(1).getString(), q->getColumn(2).getInt64(), {}, {}};
    if (!q->getColumn(3).isNull())
        r.opened_at = q->getColumn(3).getInt64();
    if (!q->getColumn(4).isNull())
        r.answer = q->getColumn(4).getString();
    return r;
}

reserve_link_view view_of(SQLite::Database& db, const link_row& r, std::int64_t now) {
    reserve_link_view v;
    v.campaign_id = r.campaign_id;
    v.volunteer_id = r.volunteer_id;
    v.answer = r.answer;
    v.status = r.answer              ? reserve_link_view::state::answered
               : now >= r.expires_at ? reserve_link_view::state::expired
                                     : reserve_link_view::state::open;
    auto q = store::prepare(db, "SELECT message FROM campaign WHERE id = ?");
    q->bind(1, r.campaign_id);
    if (q->executeStep())
        v.message = q->getColumn(0).getString();
    q->reset();
    const auto vol = load_volunteer(db, r.volunteer_id);
    v.first_name = vol.erased_at ? std::string() : vol.first_name;
    return v;
}

campaign_record read_campaign(SQLite::Database& db, SQLite::Statement& q) {
    campaign_record c;
    c.id = q.getColumn(0).getString();
    c.created_at = q.getColumn(1).getInt64();
    c.created_by_name = q.getColumn(2).getString();
    c.message = q.getColumn(3).getString();
    if (auto f = json::parse(q.getColumn(4).getString()); f.is_object())
        c.filter = f.as_object();
    c.recipients = q.getColumn(5).getInt64();
    // The funnel: each recipient once, by the furthest their message got (its outbox rows, about the
    // campaign) and by what they did with the link.
    auto r = store::prepare(
        db,
        "SELECT "
        // Out of the queue by outbox_recipient, queued by outbox_about (migration 28); NULL when neither.
        " NULLIF("
        "  COALESCE((SELECT GROUP_CONCAT(o.status) FROM outbox o"
        "   WHERE o.recipient_kind = 'volunteer' AND o.recipient_id = cr.volunteer_id"
        "   AND o.status <> 'queued' AND o.about_id = cr.campaign_id), '')"
        "  || ',' ||"
        "  COALESCE((SELECT GROUP_CONCAT(o.status) FROM outbox o"
        "   WHERE o.about_id = cr.campaign_id AND o.status = 'queued'"
        "   AND o.recipient_kind = 'volunteer' AND o.recipient_id = cr.volunteer_id), ''),"
        "  ','), "
        " (SELECT COUNT(*) FROM outbox o JOIN outbox_log l ON l.message_id = o.id AND l.status = 'delivered' "
        "  WHERE o.recipient_kind = 'volunteer' AND o.recipient_id = cr.volunteer_id "
        "  AND o.status <> 'queued' AND o.about_id = cr.campaign_id), "
        " cr.opened_at IS NOT NULL, cr.answer, cr.answered_at "
        "FROM campaign_recipient cr WHERE cr.campaign_id = ?");
    r->bind(1, c.id);
    std::vector<std::int64_t> reactivations;
    while (r->executeStep()) {
        const std::string statuses = r->getColumn(0).isNull() ? "" : r->getColumn(0).getString();
        const bool delivered = r->getColumn(1).getInt64() > 0;
        auto has = [&](const char* s) { return statuses.find(s) != std::string::npos; };
        if (statuses.empty())
            ++c.funnel.unreachable;
        else if (has("sent"))
            ++c.funnel.sent;
        else if (has("queued"))
            ++c.funnel.queued;
        else if (has("failed"))
            ++c.funnel.failed;
        else
            ++c.funnel.unreachable;  // cancelled
        if (delivered)
            ++c.funnel.delivered;
        if (r->getColumn(2).getInt())
            ++c.funnel.opened;
        if (!r->getColumn(3).isNull()) {
            const std::string a = r->getColumn(3).getString();
            if (a == "available") {
                ++c.funnel.reactivated;
                reactivations.push_back(r->getColumn(4).getInt64() - c.created_at);
            } else if (a == "stay") {
                ++c.funnel.stayed;
            } else {
                ++c.funnel.declined;
            }
        }
    }
    std::sort(reactivations.begin(), reactivations.end());
    auto nth = [&](std::size_t n) -> std::optional<std::int64_t> {
        if (reactivations.size() < n)
            return std::nullopt;
        return reactivations[n - 1];
    };
    c.first_10 = nth(10);
    c.first_50 = nth(50);
    c.first_100 = nth(100);
    return c;
}

constexpr const char* campaign_select =
    "SELECT c.id, c.created_at, COALESCE(u.email, c.created_by), c.message, c.filter, c.recipients "
    "FROM campaign c LEFT JOIN users u ON u.id = c.created_by ";

}  // namespace

std::optional<reserve_membership> reserve_of(SQLite::Database& db, const std::string& volunteer_id) {
    auto q = store::prepare(db,
                            "SELECT joined_at, confirmed_at, consent_version, source FROM reserve_member "
                            "WHERE volunteer_id = ? AND left_at IS NULL");
    q->bind(1, volunteer_id);
    if (!q->executeStep())
        return std::nullopt;
    return reserve_membership{q->getColumn(0).getInt64(), q->getColumn(1).getInt64(),
                              q->getColumn(2).getString(), q->getColumn(3).getString()};
}

void join_reserve(SQLite::Database& db, const std::string& volunteer_id, const std::string& source,
                  std::int64_t now, const actor& who) {
    const auto v = load_volunteer(db, volunteer_id);
    if (reserve_of(db, volunteer_id))
        throw conflict("The volunteer is in the reserve already.");
    if (v.status != "active" && v.status != "paused")
        throw conflict("The volunteer is " + v.status +
                       "; only an active or paused volunteer can join the reserve.");
    if (v.status == "active")
        pause_volunteer(db, volunteer_id, now, who);
    // Whatever they had accepted goes back to dispatch: the reserve is not on call.
    release_future_missions(db, volunteer_id, now, who);
    const auto programme = load_programme(db);
    auto q = store::prepare(db,
                            "INSERT OR REPLACE INTO reserve_member(volunteer_id, joined_at, consent_version, "
                            "source, confirmed_at) VALUES (?, ?, ?, ?, ?)");
    q->bind(1, volunteer_id);
    q->bind(2, now);
    q->bind(3, programme.consent_version);
    q->bind(4, source);
    q->bind(5, now);
    q->exec();
    append_event(
        db, now, who,
        {"volunteer", volunteer_id, "reserve_joined", "paused", "paused", source, {{"source", source}}});
}

void leave_reserve(SQLite::Database& db, const std::string& volunteer_id, std::int64_t now,
                   const actor& who) {
    require_member(db, volunteer_id);
    withdraw_volunteer(db, volunteer_id, "left_reserve", std::nullopt, now, who);
}

void confirm_reserve(SQLite::Database& db, const std::string& volunteer_id, std::int64_t now,
                     const actor& who) {
    require_member(db, volunteer_id);
    auto q = store::prepare(db, "UPDATE reserve_member SET confirmed_at = ? WHERE volunteer_id = ?");
    q->bind(1, now);
    q->bind(2, volunteer_id);
    q->exec();
    append_event(db, now, who, {"volunteer", volunteer_id, "reserve_confirmed", "paused", "paused", {}, {}});
}

bool end_reserve_membership(SQLite::Database& db, const std::string& volunteer_id, const std::string& reason,
                            std::int64_t now) {
    auto q = store::prepare(db,
                            "UPDATE reserve_member SET left_at = ?, left_reason = ? "
                            "WHERE volunteer_id = ? AND left_at IS NULL");
    q->bind(1, now);
    q->bind(2, reason);
    q->bind(3, volunteer_id);
    return q->exec() > 0;
}

std::vector<std::string> lapsed_reserve_members(SQLite::Database& db, std::int64_t now) {
    auto q = store::prepare(
        db, "SELECT volunteer_id FROM reserve_member WHERE left_at IS NULL AND confirmed_at < ?");
    q->bind(1, now - reserve_consent_span);
    std::vector<std::string> out;
    while (q->executeStep())
        out.push_back(q->getColumn(0).getString());
    return out;
}

std::vector<reserve_entry> list_reserve(SQLite::Database& db, const reserve_filter& f, std::int64_t now,
                                        int limit, std::int64_t& total) {
    const auto m = members_matching(f, now);
    {
        auto c = store::prepare(db, "SELECT COUNT(*)" + m.where);
        bind_members(*c, m);
        c->executeStep();
        total = c->getColumn(0).getInt64();
    }
    auto q = store::prepare(db,
                            "SELECT v.id, v.first_name, v.last_name, v.neighbourhood, v.skills, v.languages, "
                            "rm.joined_at, rm.confirmed_at, (SELECT MAX(mi.ends_at) FROM mission mi "
                            "WHERE mi.volunteer_id = v.id AND mi.status = 'done')" +
                                m.where + " ORDER BY rm.joined_at, v.id LIMIT ?");
    bind_members(*q, m);
    q->bind(static_cast<int>(m.texts.size()) + (m.inactive_before ? 2 : 1), limit);
    std::vector<reserve_entry> out;
    while (q->executeStep()) {
        reserve_entry e;
        e.volunteer_id = q->getColumn(0).getString();
        e.first_name = q->getColumn(1).getString();
        e.last_name = q->getColumn(2).getString();
        e.neighbourhood = q->getColumn(3).getString();
        e.skills = strings_from_json(q->getColumn(4).getString());
        e.languages = strings_from_json(q->getColumn(5).getString());
        e.joined_at = q->getColumn(6).getInt64();
        e.confirmed_at = q->getColumn(7).getInt64();
        if (!q->getColumn(8).isNull())
            e.last_active_at = q->getColumn(8).getInt64();
        out.push_back(std::move(e));
    }
    return out;
}

json::object filter_json(const reserve_filter& f) {
    json::object o;
    if (!f.skills.empty())
        o["skills"] = json::value_from(f.skills);
    if (!f.languages.empty())
        o["languages"] = json::value_from(f.languages);
    if (f.neighbourhood)
        o["neighbourhood"] = *f.neighbourhood;
    if (f.inactive_days)
        o["inactive_days"] = *f.inactive_days;
    return o;
}

std::int64_t count_campaign(SQLite::Database& db, const reserve_filter& f, std::int64_t now) {
    const auto m = members_matching(f, now);
    auto c = store::prepare(db, "SELECT COUNT(*)" + m.where);
    bind_members(*c, m);
    c->executeStep();
    return c->getColumn(0).getInt64();
}

std::string create_campaign(SQLite::Database& db, const std::string& message, const reserve_filter& f,
                            std::int64_t now, const actor& who) {
    const std::string id = new_id("cmp");
    const auto m = members_matching(f, now);
    std::vector<std::string> members;
    {
        auto q = store::prepare(db, "SELECT v.id" + m.where + " ORDER BY rm.joined_at, v.id");
        bind_members(*q, m);
        while (q->executeStep())
            members.push_back(q->getColumn(0).getString());
    }
    if (members.empty())
        throw validation_error({{"filter", "no member of the reserve matches"}});
    {
        auto q =
            store::prepare(db,
                           "INSERT INTO campaign(id, created_at, created_by, message, filter, recipients) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
        q->bind(1, id);
        q->bind(2, now);
        q->bind(3, who.id);
        q->bind(4, message);
        q->bind(5, json::serialize(filter_json(f)));
        q->bind(6, static_cast<std::int64_t>(members.size()));
        q->exec();
    }
    auto r = store::prepare(
        db, "INSERT INTO campaign_recipient(campaign_id, volunteer_id, expires_at) VALUES (?, ?, ?)");
    for (const auto& v : members) {
        r->bind(1, id);
        r->bind(2, v);
        r->bind(3, now + campaign_link_span);
        r->exec();
        r->reset();
    }
    append_event(db, now, who,
                 {"campaign",
                  id,
                  "created",
                  std::nullopt,
                  std::nullopt,
                  std::nullopt,
                  {{"recipients", static_cast<std::int64_t>(members.size())}}});
    return id;
}

campaign_record load_campaign(SQLite::Database& db, const std::string& id) {
    auto q = store::prepare(db, std::string(campaign_select) + "WHERE c.id = ?");
    q->bind(1, id);
    if (!q->executeStep())
        throw not_found("No such campaign.");
    return read_campaign(db, *q);
}

std::vector<campaign_record> list_campaigns(SQLite::Database& db, int limit) {
    auto q = store::prepare(db, std::string(campaign_select) + "ORDER BY c.seq DESC LIMIT ?");
    q->bind(1, limit);
    std::vector<campaign_record> out;
    while (q->executeStep())
        out.push_back(read_campaign(db, *q));
    return out;
}

std::vector<std::string> campaign_recipients(SQLite::Database& db, const std::string& campaign_id) {
    auto q = store::prepare(db, "SELECT volunteer_id FROM campaign_recipient WHERE campaign_id = ?");
    q->bind(1, campaign_id);
    std::vector<std::string> out;
    while (q->executeStep())
        out.push_back(q->getColumn(0).getString());
    return out;
}

std::string issue_campaign_link(SQLite::Database& db, const std::string& campaign_id,
                                const std::string& volunteer_id, std::int64_t) {
    const std::string token = new_link_token();
    auto q = store::prepare(
        db, "UPDATE campaign_recipient SET token_hash = ? WHERE campaign_id = ? AND volunteer_id = ?");
    q->bind(1, link_token_hash(token));
    q->bind(2, campaign_id);
    q->bind(3, volunteer_id);
    q->exec();
    return token;
}

reserve_link_view open_reserve_link(SQLite::Database& db, std::string_view token, std::int64_t now) {
    const auto row = find_link(db, token);
    if (!row.opened_at) {
        auto q = store::prepare(db,
                                "UPDATE campaign_recipient SET opened_at = ? WHERE campaign_id = ? AND "
                                "volunteer_id = ?");
        q->bind(1, now);
        q->bind(2, row.campaign_id);
        q->bind(3, row.volunteer_id);
        q->exec();
        append_event(db, now, system_actor(),
                     {"campaign", row.campaign_id, "opened", std::nullopt, std::nullopt, std::nullopt, {}});
    }
    return view_of(db, row, now);
}

reserve_link_view answer_reserve_link(SQLite::Database& db, std::string_view token, const std::string& answer,
                                      std::int64_t now) {
    const auto row = find_link(db, token);
    if (row.answer)
        throw conflict("This link was answered already.");
    if (now >= row.expires_at)
        throw conflict("This link has expired.");
    if (!reserve_of(db, row.volunteer_id))
        throw conflict("The volunteer is no longer in the reserve.");
    // The volunteer answers for themselves, through their link: their account is the actor.
    actor who{row.volunteer_id, "volunteer"};
    {
        auto u = store::prepare(db, "SELECT id FROM users WHERE volunteer_id = ? ORDER BY seq DESC LIMIT 1");
        u->bind(1, row.volunteer_id);
        if (u->executeStep())
            who.id = u->getColumn(0).getString();
    }
    if (answer == "available")
        resume_volunteer(db, row.volunteer_id, now, who);
    else if (answer == "stay")
        confirm_reserve(db, row.volunteer_id, now, who);
    else
        leave_reserve(db, row.volunteer_id, now, who);
    auto q = store::prepare(db,
                            "UPDATE campaign_recipient SET answer = ?, answered_at = ?, "
                            "opened_at = COALESCE(opened_at, ?) WHERE campaign_id = ? AND volunteer_id = ?");
    q->bind(1, answer);
    q->bind(2, now);
    q->bind(3, now);
    q->bind(4, row.campaign_id);
    q->bind(5, row.volunteer_id);
    q->exec();
    append_event(
        db, now, who,
        {"campaign", row.campaign_id, "answered", std::nullopt, std::nullopt, answer, {{"answer", answer}}});
    auto v = view_of(db, find_link(db, token), now);
    return v;
}

}  // namespace relais::domain
