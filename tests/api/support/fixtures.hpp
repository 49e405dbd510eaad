#pragma once

// A small city for the dispatch black-box tests: a `relais` server whose admin and coordinator accounts were
// created with `relais user add` and whose map is the demo's Rennes (`relais import neighbourhoods`) before
// it started, signed-in clients for them, and helpers to register and activate volunteers, file requests and
// propose missions through the API.

#include "api/support/http_client.hpp"
#include "api/support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relais::api_test {

inline const std::string admin_email = "admin@relais.test";
inline const std::string admin_password = "admin password for tests";
inline const std::string coordinator_email = "coordination@relais.test";
inline const std::string coordinator_password = "coordinator password for tests";
inline const std::string volunteer_password = "volunteer password 2026";

/// What `relais user add` answered.
struct command_result {
    int code = -1;
    std::string out, err;
};

/// Runs `relais user add --db DB --role ROLE --email EMAIL [--partner-id ID]` with `password` on standard
/// input.
command_result relais_user_add(const std::string& db, const std::string& role, const std::string& email,
                               const std::string& password, const std::string& partner_id = "");

/// data/demo/rennes-quartiers.csv: the demo's twelve neighbourhoods of Rennes, which the test city imports.
std::string demo_map_path();

/// Runs `relais ARGS...` (each argument quoted) and collects its exit code and output.
command_result relais_command(const std::vector<std::string>& args);

/// Unix seconds now (the server's programme clock is the wall clock in these tests).
std::int64_t now_s();
/// Unix seconds as the API writes times ("2026-11-23T10:00:00Z").
std::string iso(std::int64_t unix_seconds);
/// The API's time string as Unix seconds; throws if malformed.
std::int64_t unix_of(const boost::json::value& v);

/// The response is an RFC 9457 problem (problem+json) with `status`.
void check_problem(const http_response& res, unsigned status);
/// The `field` names of a 422's `errors`, in order.
std::vector<std::string> error_fields(const http_response& res);
/// The problem's `detail`.
std::string problem_detail(const http_response& res);

/// A complete, valid volunteer registration body.
boost::json::object volunteer_body(const std::string& email, const std::string& first_name = "Lea");
/// A complete, valid public request body (a new resident); the window runs from now for 30 days.
boost::json::object request_body(const std::string& recurrence = "once",
                                 const std::string& category = "shopping");
/// A minimal valid public request form (only the required resident fields), with `details` as given (a marker
/// a test can find again) and a window from tomorrow for two days.
boost::json::object minimal_request(const std::string& details, const std::string& category = "shopping");

/// A volunteer registered (and activated) through the API, with a signed-in client.
struct volunteer_account {
    std::string id, email, password;
    std::unique_ptr<http_client> client;  ///< signed in (null if not activated)
};

/// A request created through the API.
struct created_request {
    std::string id, tracking_code;
};

/// A running server with an admin and a coordinator, both signed in. Public-form and login throttling are
/// off (many calls from one address); `extra_args` are added to the server's command line.
class test_city {
  public:
    explicit test_city(std::vector<std::string> extra_args = {});

    std::uint16_t port() const { return server_->port(); }
    server_process& server() { return *server_; }
    std::string db_path() const { return server_->db_path(); }

    http_client& admin() { return *admin_; }
    http_client& coordinator() { return *coordinator_; }
    /// A new anonymous client (its own connection).
    std::unique_ptr<http_client> anonymous() const;
    /// A new client signed in as `email` (REQUIREs a 200 login); its CSRF token is set.
    std::unique_ptr<http_client> signed_in(const std::string& email, const std::string& password) const;

    /// Registers a volunteer through the public form (`tag` makes the email unique), then activates them as
    /// the coordinator and signs them in unless `activate` is false. `changes` override body fields.
    volunteer_account new_volunteer(const std::string& tag, bool activate = true,
                                    const boost::json::object& changes = {});
    /// Files `body` through the public form (anonymous) and returns its id and tracking code.
    created_request public_request(const boost::json::object& body);
    /// Proposes a mission as the coordinator; REQUIREs 201 and returns its id.
    std::string propose(const std::string& request_id, const std::string& volunteer_id, std::int64_t starts,
                        std::int64_t ends);
    /// The coordinator's GET of `target` (REQUIREs 200).
    boost::json::value staff_get(const std::string& target);
    /// Number of items of a staff list (follows next_cursor).
    std::size_t staff_count(const std::string& list_target);
    /// The coordinator's GET of `target`, repeated every 100 ms until `done` holds of its body or `timeout`
    /// passes; returns the last body. For what the server records after the fact (the sender marks messages
    /// sent in groups, after the sink or provider already has them).
    boost::json::value staff_get_until(const std::string& target,
                                       const std::function<bool(const boost::json::value&)>& done,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

  private:
    relais::testing::temp_dir dir_;
    std::unique_ptr<server_process> server_;
    std::unique_ptr<http_client> admin_, coordinator_;
};

}  // namespace relais::api_test
