#pragma once

#include "api/services.hpp"
#include "domain/events.hpp"
#include "domain/neighbourhood_map.hpp"
#include "wire/request_context.hpp"

#include <SQLiteCpp/Database.h>

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

// Small helpers shared by the route handlers: who is acting, paging parameters, audit entries,
// idempotent public writes.
namespace relais::api {

using wire::request_context;
using wire::response;
using wire::status;
using awaitable_response = boost::asio::awaitable<response>;

/// The event-log actor of a request: the signed-in user, or "public".
domain::actor actor_of(const request_context& ctx);

/// `limit` query parameter (1..200, default 50); 422 otherwise.
int limit_param(const request_context& ctx);
/// `cursor` query parameter as a sequence number (0 when absent); 422 if malformed.
std::int64_t seq_cursor(const request_context& ctx);
/// A query parameter that must be one of `allowed` when present; 422 otherwise.
std::optional<std::string> enum_param(const request_context& ctx, std::string_view name,
                                      const std::vector<std::string>& allowed);
/// A query parameter that must be an ISO 8601 date-time when present.
std::optional<std::int64_t> time_param(const request_context& ctx, std::string_view name);

/// For operations whose body is nothing or an empty JSON object (the contract's `Empty`): any other body is
/// refused as a body would be (400 malformed, 415 not JSON, 422 naming each unknown field), since the
/// contract's input objects are strict.
void no_fields(const request_context& ctx);

/// True if the caller is a coordinator or an admin.
bool is_staff(const request_context& ctx);
/// The caller's volunteer id when the caller is a volunteer.
std::optional<std::string> volunteer_of(const request_context& ctx);
/// The caller's own volunteer id; 403 for anyone else.
std::string own_volunteer_id(const request_context& ctx);
/// For "own" routes: a volunteer may only act on their own volunteer record (404 otherwise, so other ids
/// do not even reveal they exist). Staff pass.
void require_self_or_staff(const request_context& ctx, const std::string& volunteer_id);

/// Appends an audit entry: a signed-in user read or changed a person's personal data. Runs inside a write
/// job (the caller's transaction), so the access and its record commit together.
void audit(SQLite::Database& db, const request_context& ctx, std::string_view subject_type,
           const std::string& subject_id, std::string_view action, std::int64_t now);

/// Appends the audit entries of a read (reads run on read-only connections): one write job queued for the
/// next group commit, which the read does not wait for, so reads are not paced by commits. The entries
/// are durable a few milliseconds after the answer (a crash in that window can lose them; a graceful stop
/// does not). Throws error(unavailable) if the write queue is full: no personal data is shown unaudited.
/// Subjects are (type, id) pairs.
/// A city's map file (GeoJSON or CSV, as large as the body limit lets through, 1 MiB at most) parsed on the
/// workers, so that the I/O thread serves the other connections meanwhile (the admin's import, the setup).
boost::asio::awaitable<domain::parsed_map> parse_map_on_workers(boost::asio::thread_pool& workers,
                                                                std::string text);

boost::asio::awaitable<void> audit_reads(const data_access& s, request_context& ctx,
                                         std::vector<std::pair<std::string, std::string>> subjects);

/// Runs a public creation `work(db) -> (status, body)` so that the same caller posting again under the same
/// Idempotency-Key (a double-submitted form) gets the first answer instead of creating twice. Keys must be
/// 16 to 200 visible ASCII characters (422 otherwise); the key check and the write share one transaction;
/// the stored answer is sealed (see handler_support.cpp).
awaitable_response idempotent_create(
    const data_access& s, request_context& ctx,
    std::function<std::pair<status, boost::json::value>(SQLite::Database&)> work);

/// What an Idempotency-Key is bound to: the route the creation is for, the caller (a user, or an address
/// by its client_key), the client's key (empty: none) and the bytes of the request it first came with.
struct idempotency_scope {
    std::string route, caller, key, body;
};

/// The scope of `ctx`'s own request: its route, caller, Idempotency-Key header and body.
idempotency_scope idempotency_of(const request_context& ctx);

/// The core of idempotent_create for callers whose request is not the creation's own (the no-JavaScript
/// form files through the scope of POST /api/v1/requests): the status and the JSON text of the answer,
/// stored or fresh.
boost::asio::awaitable<std::pair<status, std::string>> run_idempotent(
    const data_access& s, const idempotency_scope& scope,
    std::function<std::pair<status, boost::json::value>(SQLite::Database&)> work);

}  // namespace relais::api
