#pragma once

#include "api/handler_support.hpp"
#include "domain/phone_plan.hpp"
#include "domain/requests.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

// Filing a request for help: the one path shared by POST /api/v1/requests (the JSON API: the JavaScript
// form, phone intake, partners' referrals) and the no-JavaScript form of /demande. Both decode the same body
// with the same rules, and file it once per idempotency key with the same consent and audit records.
namespace relais::api {

/// The channels a request comes through, and the ways a resident can be contacted.
extern const std::vector<std::string> request_channels;
extern const std::vector<std::string> contact_channels;

/// Who files: staff may name an existing resident, a channel and a partner; a partner's requests are the
/// partner's; anyone else files through the public web form.
struct request_filer {
    bool staff = false;
    std::optional<std::string> partner_id;  ///< set for a signed-in partner
};

request_filer filer_of(const request_context& ctx);

/// Decodes a body of POST /api/v1/requests filed by `filer` at `now`; throws a validation error listing
/// every fault by field.
domain::request_input read_request(const boost::json::value& body, const request_filer& filer,
                                   std::int64_t now, const domain::phone_plan& phones);

/// Files `in` once per `scope` (idempotency): the status (201, or the stored one) and the JSON text
/// {id, tracking_code, status, resident_id}. The resident's record is audited as created (or read, when
/// staff filed for an existing resident) in the same transaction.
boost::asio::awaitable<std::pair<status, std::string>> file_request(const data_access& s,
                                                                    request_context& ctx,
                                                                    domain::request_input in,
                                                                    const idempotency_scope& scope);

}  // namespace relais::api
