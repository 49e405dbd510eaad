#pragma once

#include "domain/missions.hpp"
#include "domain/partners.hpp"
#include "domain/programme.hpp"
#include "domain/requests.hpp"
#include "domain/supports.hpp"
#include "domain/volunteers.hpp"

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

// JSON encoders of the domain records (Boost.JSON typed conversions, found by ADL from value_from).
namespace relais::domain {

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const volunteer_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const training_record& t);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const charter_record& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const resident_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const request_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const mission_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const support_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const partner_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const collective_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const programme_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const category_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const neighbourhood_record& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const availability_slot& s);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const track_view& t);

}  // namespace relais::domain

namespace relais::api {

/// A time as ISO 8601 (UTC), or null.
boost::json::value time_json(std::optional<std::int64_t> t);

/// What a volunteer may see of the resident of one of their missions (see mission_view_for_volunteer).
struct resident_contact {
    std::string first_name, phone;
    std::optional<std::string> address;
    domain::resident_needs needs;         ///< what helps to help them (reduced mobility, sight, language)
    std::optional<domain::geo> location;  ///< with the address only: the volunteer's map link
};

/// A mission as its volunteer sees it: the resident's first name and phone only once they accepted it, and
/// only until 7 days after it ended; the address too for home-visit categories. Nothing else personal.
boost::json::object mission_for_volunteer(const domain::mission_record& m,
                                          const std::optional<resident_contact>& c);

/// A mission as staff see it: every field, and the resident's contact (null once the resident's data was
/// erased).
boost::json::object mission_for_staff(const domain::mission_record& m,
                                      const std::optional<resident_contact>& c);

/// True if the volunteer of `m` may see the resident's contact at `now`.
bool volunteer_sees_contact(const domain::mission_record& m, std::int64_t now);

/// {items, next_cursor}.
template <class T>
boost::json::object page_json(const std::vector<T>& items, const domain::page_info& page) {
    boost::json::array a;
    for (const auto& i : items)
        a.push_back(boost::json::value_from(i));
    return {{"items", std::move(a)},
            {"next_cursor",
             page.next_cursor ? boost::json::value(*page.next_cursor) : boost::json::value(nullptr)}};
}

}  // namespace relais::api
