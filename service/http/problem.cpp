#include "http/problem.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace relais::http {

namespace json = boost::json;

status status_of(error_kind kind) {
    switch (kind) {
        case error_kind::bad_request: return status::bad_request;
        case error_kind::unauthorized: return status::unauthorized;
        case error_kind::forbidden: return status::forbidden;
        case error_kind::not_found: return status::not_found;
        case error_kind::method_not_allowed: return status::method_not_allowed;
        case error_kind::conflict: return status::conflict;
        case error_kind::gone: return status::gone;
        case error_kind::payload_too_large: return status::payload_too_large;
        case error_kind::headers_too_large: return status::request_header_fields_too_large;
        case error_kind::unsupported_media_type: return status::unsupported_media_type;
        case error_kind::validation: return status::unprocessable_entity;
        case error_kind::too_many_requests: return status::too_many_requests;
        case error_kind::unavailable: return status::service_unavailable;
        case error_kind::misdirected: return status::misdirected_request;
    }
    return status::internal_server_error;
}

std::string_view type_of(error_kind kind) {
    switch (kind) {
        case error_kind::bad_request: return "/problems/bad-request";
        case error_kind::unauthorized: return "/problems/unauthorized";
        case error_kind::forbidden: return "/problems/forbidden";
        case error_kind::not_found: return "/problems/not-found";
        case error_kind::method_not_allowed: return "/problems/method-not-allowed";
        case error_kind::conflict: return "/problems/conflict";
        case error_kind::gone: return "/problems/gone";
        case error_kind::payload_too_large: return "/problems/payload-too-large";
        case error_kind::headers_too_large: return "/problems/headers-too-large";
        case error_kind::unsupported_media_type: return "/problems/unsupported-media-type";
        case error_kind::validation: return "/problems/validation";
        case error_kind::too_many_requests: return "/problems/too-many-requests";
        case error_kind::unavailable: return "/problems/unavailable";
        case error_kind::misdirected: return "/problems/misdirected-request";
    }
    return "/problems/internal";
}

namespace {

response make(status st, std::string_view type, const json::object& body, unsigned version, bool keep_alive) {
    response res{st, version};
    res.set(bhttp::field::content_type, "application/problem+json");
    res.set(bhttp::field::cache_control, "no-store");
    res.keep_alive(keep_alive);
    json::object b = body;
    b["type"] = type;
    b["title"] = std::string(obsolete_reason(st));
    b["status"] = static_cast<int>(st);
    res.body() = json::serialize(b);
    res.prepare_payload();
    return res;
}

}  // namespace

response problem_response(const error& e, unsigned version, bool keep_alive) {
    json::object body;
    body["detail"] = e.detail();
    if (!e.fields.empty()) {
        json::array errs;
        for (const auto& f : e.fields)
            errs.push_back(json::object{{"field", f.field}, {"message", f.message}});
        body["errors"] = std::move(errs);
    }
    auto res = make(status_of(e.kind()), e.type.empty() ? type_of(e.kind()) : std::string_view(e.type), body,
                    version, keep_alive);
    if (e.kind() == error_kind::method_not_allowed && !e.allow.empty())
        res.set(bhttp::field::allow, e.allow);
    if (e.retry_after.count() > 0)
        res.set(bhttp::field::retry_after, std::to_string(e.retry_after.count()));
    return res;
}

response problem_response(std::exception_ptr ep, unsigned version, bool keep_alive) {
    try {
        std::rethrow_exception(ep);
    } catch (const error& e) {
        return problem_response(e, version, keep_alive);
    } catch (...) {
        json::object body;
        body["detail"] = "An unexpected error occurred. It has been logged; please retry later.";
        return make(status::internal_server_error, "/problems/internal", body, version, keep_alive);
    }
}

}  // namespace relais::http
