#include "replay/http_client.hpp"

#include "replay/exchange_log.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <charconv>
#include <stdexcept>

namespace relais::replay {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;

json::value http_answer::json() const {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    return ec ? json::value(nullptr) : v;
}

std::string http_answer::describe() const {
    std::string out = std::to_string(status);
    const auto j = json();
    if (j.is_object()) {
        if (auto* d = j.as_object().if_contains("detail"); d && d->is_string())
            out += " " + std::string(d->as_string());
        if (auto* e = j.as_object().if_contains("errors"))
            out += " " + json::serialize(*e);
    }
    return out;
}

http_client::http_client(std::string host, std::uint16_t port, std::chrono::seconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

std::optional<std::pair<std::string, std::uint16_t>> http_client::parse_url(std::string_view url) {
    constexpr std::string_view scheme = "http://";
    if (!url.starts_with(scheme))
        return std::nullopt;
    url.remove_prefix(scheme.size());
    while (!url.empty() && url.back() == '/')
        url.remove_suffix(1);
    const auto colon = url.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || url.find('/') != std::string_view::npos)
        return std::nullopt;
    unsigned port = 0;
    const auto digits = url.substr(colon + 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || p != digits.data() + digits.size() || port == 0 || port > 65535)
        return std::nullopt;
    return std::pair{std::string(url.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

void http_client::connect() {
    stream_.reset();
    buffer_.clear();
    asio::ip::tcp::resolver resolver(ioc_);
    const auto endpoints = resolver.resolve(host_, std::to_string(port_));
    stream_.emplace(ioc_);
    stream_->expires_after(timeout_);
    boost::system::error_code result;
    stream_->async_connect(endpoints, [&](boost::system::error_code ec, const auto&) { result = ec; });
    ioc_.restart();
    ioc_.run();
    if (!result)
        stream_->socket().set_option(asio::ip::tcp::no_delay(true), result);  // small requests go out at once
    if (result) {
        stream_.reset();
        throw std::runtime_error("cannot connect to " + host_ + ":" + std::to_string(port_) + ": " + result.message());
    }
}

http_answer http_client::exchange(std::string_view method, const std::string& target, const std::string& body,
                                  bool json_body) {
    if (!stream_)
        connect();
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
    req.set(bhttp::field::user_agent, "relais-replay");
    req.keep_alive(true);
    if (!cookies_.empty()) {
        std::string c;
        for (const auto& [k, v] : cookies_)
            c += (c.empty() ? "" : "; ") + k + "=" + v;
        req.set(bhttp::field::cookie, c);
    }
    if (method != "GET" && method != "HEAD" && !csrf_.empty())
        req.set("X-CSRF-Token", csrf_);
    if (json_body) {
        req.set(bhttp::field::content_type, "application/json");
        req.body() = body;
    }
    req.prepare_payload();

    bhttp::response<bhttp::string_body> res;
    boost::system::error_code result;
    stream_->expires_after(timeout_);
    bhttp::async_write(*stream_, req, [&](boost::system::error_code ec, std::size_t) {
        if (ec) {
            result = ec;
            return;
        }
        bhttp::async_read(*stream_, buffer_, res, [&](boost::system::error_code ec2, std::size_t) { result = ec2; });
    });
    ioc_.restart();
    ioc_.run();
    if (result) {
        stream_.reset();
        throw std::runtime_error(std::string(method) + " " + target + ": " + result.message());
    }
    http_answer a;
    a.status = res.result_int();
    a.content_type = std::string(res[bhttp::field::content_type]);
    a.body = std::move(res.body());
    for (auto it = res.find(bhttp::field::set_cookie); it != res.end() && it->name() == bhttp::field::set_cookie; ++it) {
        std::string_view v = it->value();
        v = v.substr(0, v.find(';'));
        const auto eq = v.find('=');
        if (eq == std::string_view::npos)
            continue;
        const std::string name(v.substr(0, eq)), value(v.substr(eq + 1));
        if (value.empty())
            cookies_.erase(name);
        else
            cookies_[name] = value;
    }
    if (!res.keep_alive())
        stream_.reset();
    record_exchange({.source = "replay",
                     .context = "",
                     .method = method,
                     .target = target,
                     .status = a.status,
                     .request_content_type = json_body ? "application/json" : "",
                     .request_body = body,
                     .response_content_type = a.content_type,
                     .response_body = a.body});
    return a;
}

http_answer http_client::request(std::string_view method, const std::string& target,
                                 const std::optional<json::value>& body) {
    const std::string text = body ? json::serialize(*body) : std::string();
    const bool reused = stream_.has_value();
    try {
        return exchange(method, target, text, body.has_value());
    } catch (const std::runtime_error&) {
        if (!reused)
            throw;
        // The server may have closed an idle kept-alive connection: once more on a fresh one. (Only a
        // connection that was already open is retried, so a request is never sent twice to a live server
        // that answered.)
        return exchange(method, target, text, body.has_value());
    }
}

void http_client::sign_in(const std::string& email, const std::string& password) {
    auto a = request("POST", "/api/v1/auth/login", json::object{{"email", email}, {"password", password}});
    if (a.status != 200)
        throw std::runtime_error("sign-in refused: " + a.describe());
    const auto j = a.json();
    csrf_ = std::string(j.at("csrf_token").as_string());
}

}  // namespace relais::replay
