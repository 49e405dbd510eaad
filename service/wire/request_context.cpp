#include "wire/request_context.hpp"

#include "core/error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace relais::wire {

namespace json = boost::json;

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

}  // namespace

const auth::principal& require_user(const request_context& ctx) {
    if (!ctx.user)
        throw error(error_kind::unauthorized, "Sign in first.");
    return *ctx.user;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size())
                return std::nullopt;
            int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0')
            return std::nullopt;
        out += c;
    }
    return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!body.empty()) {
        auto amp = body.find('&');
        auto pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (pair.empty())
            continue;
        auto eq = pair.find('=');
        auto name = percent_decode(pair.substr(0, eq), true);
        auto value =
            percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!name || !value)
            return std::nullopt;
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

std::string request_context::param(std::string_view name) const {
    for (const auto& [k, v] : params_)
        if (k == name) {
            auto d = percent_decode(v, false);
            if (!d || d->size() > 200)
                throw not_found("No such resource.");
            return *d;
        }
    throw std::logic_error("route has no parameter " + std::string(name));
}

std::optional<std::string> request_context::query(std::string_view name) const {
    std::string_view target = req.target();
    auto q = target.find('?');
    if (q == std::string_view::npos)
        return std::nullopt;
    auto pairs = parse_form(target.substr(q + 1));
    if (!pairs)
        throw bad_request("The query string is malformed.");
    for (auto& [k, v] : *pairs)
        if (k == name)
            return std::move(v);
    return std::nullopt;
}

json::value request_context::json_body() const {
    auto ct = req[bhttp::field::content_type];
    auto semi = ct.find(';');
    auto media = ct.substr(0, semi);
    while (!media.empty() && media.back() == ' ')
        media.remove_suffix(1);
    if (!(media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))))
        throw error(error_kind::unsupported_media_type,
                    "The body must be JSON (Content-Type: application/json).");
    boost::system::error_code ec;
    json::parse_options opts;
    opts.max_depth = 32;
    // Invalid UTF-8 inside strings is let through here so the body reader can name the faulty field (422).
    opts.allow_invalid_utf8 = true;
    json::value v = json::parse(req.body(), ec, {}, opts);
    if (ec)
        throw bad_request("The body is not valid JSON: " + ec.message() + ".");
    return v;
}

response request_context::json(status st, const json::value& body) const {
    return json_text(st, json::serialize(body));
}

response request_context::json_text(status st, std::string body) const {
    response res{st, req.version()};
    res.set(bhttp::field::content_type, "application/json");
    res.set(bhttp::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

response request_context::empty(status st) const {
    response res{st, req.version()};
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

}  // namespace relais::wire
