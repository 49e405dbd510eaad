#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace relais {

/// What went wrong, independent of any transport. The HTTP layer maps each kind to a status code and a
/// problem+json body in exactly one place (http/problem.cpp).
enum class error_kind {
    bad_request,             ///< the message could not be understood (malformed JSON, bad query string)
    unauthorized,            ///< no valid session
    forbidden,               ///< authenticated but not allowed, or CSRF failure
    not_found,               ///< no such resource (or not visible to the caller)
    method_not_allowed,      ///< the route exists with other methods
    conflict,                ///< illegal state change or a broken invariant
    gone,                    ///< the resource existed and no longer does
    payload_too_large,       ///< body over the configured limit
    headers_too_large,       ///< header block over the configured limit
    unsupported_media_type,  ///< body is not JSON (or a form where a form is accepted)
    validation,              ///< well-formed but invalid fields
    too_many_requests,       ///< a rate limit was hit
    unavailable,             ///< overloaded (a bounded queue is full) or shutting down
    misdirected,             ///< addressed to a host name this server does not answer for (421)
};

/// One faulty field of a request body, named by its JSON path (e.g. `resident.phone`, `availability[2].end`).
struct field_error {
    std::string field;
    std::string message;
};

/// The typed exception thrown by handlers and domain logic. `detail` is shown to the client: it must never
/// contain personal data or internals.
class error : public std::runtime_error {
public:
    error(error_kind kind, std::string detail) : std::runtime_error(detail), kind_(kind) {}

    error_kind kind() const noexcept { return kind_; }
    std::string detail() const { return what(); }

    std::vector<field_error> fields;        ///< for error_kind::validation
    std::string allow;                      ///< for error_kind::method_not_allowed
    std::chrono::seconds retry_after{0};    ///< for error_kind::too_many_requests / unavailable
    std::string type;                       ///< a more specific problem type than the kind's (optional)

private:
    error_kind kind_;
};

/// A validation failure listing every faulty field.
inline error validation_error(std::vector<field_error> fields) {
    error e(error_kind::validation, "The request has invalid fields.");
    e.fields = std::move(fields);
    return e;
}

inline error not_found(std::string what) { return error(error_kind::not_found, std::move(what)); }
inline error conflict(std::string what) { return error(error_kind::conflict, std::move(what)); }
inline error bad_request(std::string what) { return error(error_kind::bad_request, std::move(what)); }

}  // namespace relais
