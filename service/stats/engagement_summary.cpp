#include "stats/engagement_summary.hpp"

#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <string_view>

namespace relais::stats {

namespace json = boost::json;

namespace {

std::int64_t scalar(SQLite::Database& db, const char* sql, const period& p) {
    auto q = store::prepare(db, sql);
    if (std::string_view(sql).find(":from") != std::string_view::npos)
        q->bind(":from", p.from);
    q->bind(":until", p.until);
    q->executeStep();
    return q->getColumn(0).isNull() ? 0 : q->getColumn(0).getInt64();
}

double rate(std::int64_t part, std::int64_t whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

}  // namespace

engagement_summary engagement_summary_of(SQLite::Database& db, const period& p) {
    engagement_summary s;
    // The volunteer-time index (volunteer, status, start) serves "done missions starting in the period".
    s.minutes_given =
        scalar(db,
               "SELECT SUM(COALESCE(report_duration_minutes, (ends_at - starts_at) / 60)) FROM mission "
               "WHERE status = 'done' AND starts_at >= :from AND starts_at < :until",
               p);
    s.collective_minutes = scalar(db,
                                  "SELECT SUM((c.ends_at - c.starts_at) / 60) FROM collective_mission c "
                                  "JOIN collective_signup g ON g.collective_id = c.id AND g.attended = 1 "
                                  "WHERE c.starts_at >= :from AND c.starts_at < :until",
                                  p);
    {
        auto q = store::prepare(db,
                                "SELECT r.category, COUNT(*), "
                                "SUM(m.status IN ('accepted','done','missed','dropped')), "
                                "SUM(m.status = 'declined'), SUM(m.status = 'expired') "
                                "FROM mission m JOIN request r ON r.id = m.request_id "
                                "WHERE m.proposed_at >= :from AND m.proposed_at < :until "
                                "GROUP BY r.category ORDER BY r.category");
        q->bind(":from", p.from);
        q->bind(":until", p.until);
        while (q->executeStep())
            s.answers.push_back({q->getColumn(0).getString(), q->getColumn(1).getInt64(),
                                 q->getColumn(2).getInt64(), q->getColumn(3).getInt64(),
                                 q->getColumn(4).getInt64()});
    }
    auto& r = s.reserve;
    r.members = scalar(db,
                       "SELECT COUNT(*) FROM reserve_member WHERE joined_at < :until "
                       "AND (left_at IS NULL OR left_at >= :until)",
                       p);
    r.joined =
        scalar(db, "SELECT COUNT(*) FROM reserve_member WHERE joined_at >= :from AND joined_at < :until", p);
    r.reactivated = scalar(db,
                           "SELECT COUNT(*) FROM reserve_member WHERE left_reason = 'reactivated' "
                           "AND left_at >= :from AND left_at < :until",
                           p);
    r.left = scalar(db,
                    "SELECT COUNT(*) FROM reserve_member WHERE left_reason <> 'reactivated' "
                    "AND left_at >= :from AND left_at < :until",
                    p);
    r.campaigns =
        scalar(db, "SELECT COUNT(*) FROM campaign WHERE created_at >= :from AND created_at < :until", p);
    r.recipients = scalar(
        db, "SELECT SUM(recipients) FROM campaign WHERE created_at >= :from AND created_at < :until", p);
    r.campaign_reactivations = scalar(db,
                                      "SELECT COUNT(*) FROM campaign_recipient cr JOIN campaign c ON c.id = "
                                      "cr.campaign_id WHERE c.created_at >= :from AND c.created_at < :until "
                                      "AND cr.answer = 'available'",
                                      p);
    return s;
}

json::value engagement_json(const engagement_summary& s) {
    json::array answers;
    for (const auto& a : s.answers) {
        const std::int64_t answered = a.accepted + a.declined + a.expired;
        answers.push_back(json::object{{"category", a.category},
                                       {"proposals", a.proposals},
                                       {"accepted", a.accepted},
                                       {"declined", a.declined},
                                       {"expired", a.expired},
                                       {"acceptance_rate", rate(a.accepted, answered)},
                                       {"decline_rate", rate(a.declined + a.expired, answered)}});
    }
    const auto& r = s.reserve;
    return json::object{{"hours_given", static_cast<double>(s.minutes_given + s.collective_minutes) / 60.0},
                        {"mission_hours", static_cast<double>(s.minutes_given) / 60.0},
                        {"collective_hours", static_cast<double>(s.collective_minutes) / 60.0},
                        {"answers_by_category", std::move(answers)},
                        {"reserve",
                         {{"members", r.members},
                          {"joined", r.joined},
                          {"reactivated", r.reactivated},
                          {"left", r.left},
                          {"campaigns", r.campaigns},
                          {"recipients", r.recipients},
                          {"campaign_reactivations", r.campaign_reactivations},
                          {"reactivation_rate", rate(r.campaign_reactivations, r.recipients)}}}};
}

}  // namespace relais::stats
