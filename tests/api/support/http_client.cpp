#include "api/support/http_client.hpp"

#include "replay/exchange_log.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace relais::api_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

// --- http_response -------------------------------------------------------------------------------------

std::string http_response::header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : std::string(it->value());
}

bool http_response::has_header(std::string_view name) const { return headers.find(name) != headers.end(); }

boost::json::value http_response::json() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec)
        throw std::runtime_error("the body is not JSON: " + describe());
    return v;
}

std::string http_response::describe() const {
    return std::to_string(status) + " " + header("Content-Type") + " " + body.substr(0, 2000);
}

namespace {

std::mutex exchange_context_mutex;
std::string exchange_context;  // guarded by exchange_context_mutex

std::string current_exchange_context() {
    const std::lock_guard lock(exchange_context_mutex);
    return exchange_context;
}

http_response to_response(bhttp::response<bhttp::string_body>&& msg) {
    http_response r;
    r.status = msg.result_int();
    r.keep_alive = msg.keep_alive();
    for (const auto& f : msg.base())
        r.headers.insert(f.name_string(), f.value());
    r.body = std::move(msg.body());
    return r;
}

bool is_unsafe(std::string_view method) {
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

}  // namespace

// --- timed_socket --------------------------------------------------------------------------------------

template <class Start>
boost::system::error_code timed_socket::run(std::chrono::milliseconds timeout, Start start, std::size_t* n) {
    boost::system::error_code result = asio::error::would_block;
    bool expired = false;
    asio::steady_timer timer(ioc_, timeout);
    timer.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) {
            expired = true;
            boost::system::error_code ignored;
            socket_.cancel(ignored);
        }
    });
    start([&](const boost::system::error_code& ec, std::size_t bytes) {
        result = ec;
        if (n)
            *n = bytes;
        timer.cancel();
    });
    ioc_.restart();
    ioc_.run();
    if (expired && result == asio::error::operation_aborted)
        return asio::error::timed_out;
    return result;
}

void timed_socket::connect(std::uint16_t port, std::chrono::milliseconds timeout) {
    close();
    buffer_.clear();
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    auto ec = run(timeout, [&](auto handler) {
        socket_.async_connect(ep, [handler](const boost::system::error_code& e) mutable { handler(e, 0); });
    });
    if (ec)
        throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " + ec.message());
    socket_.set_option(tcp::no_delay(true));
}

void timed_socket::close() {
    boost::system::error_code ignored;
    if (socket_.is_open()) {
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
}

bool timed_socket::send(std::string_view bytes, std::chrono::milliseconds timeout) {
    if (!socket_.is_open())
        return false;
    auto ec = run(timeout, [&](auto handler) { asio::async_write(socket_, asio::buffer(bytes), handler); });
    return !ec;
}

timed_socket::chunk timed_socket::receive_some(std::chrono::milliseconds timeout) {
    chunk c;
    if (buffer_.size() > 0) {  // left over from an earlier parse
        c.data = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        return c;
    }
    if (!socket_.is_open()) {
        c.closed = true;
        return c;
    }
    char buf[8192];
    std::size_t n = 0;
    auto ec = run(
        timeout, [&](auto handler) { socket_.async_read_some(asio::buffer(buf), handler); }, &n);
    c.data.assign(buf, n);
    if (ec == asio::error::timed_out)
        c.timed_out = true;
    else if (ec)
        c.closed = true;
    return c;
}

timed_socket::chunk timed_socket::receive_until_close(std::chrono::milliseconds timeout) {
    chunk all;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                 std::chrono::steady_clock::now());
        if (left <= 0ms) {
            all.timed_out = true;
            return all;
        }
        auto c = receive_some(left);
        all.data += c.data;
        if (c.closed) {
            all.closed = true;
            return all;
        }
        if (c.timed_out) {
            all.timed_out = true;
            return all;
        }
    }
}

std::optional<http_response> timed_socket::read_response(std::chrono::milliseconds timeout, bool head) {
    if (!socket_.is_open())
        return std::nullopt;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.header_limit(1024 * 1024);
    if (head)
        parser.skip(true);
    auto ec = run(timeout, [&](auto handler) { bhttp::async_read(socket_, buffer_, parser, handler); });
    if (ec)
        return std::nullopt;
    return to_response(parser.release());
}

// --- http_client ---------------------------------------------------------------------------------------

http_client::http_client(std::uint16_t port, std::chrono::milliseconds timeout) : port_(port), timeout_(timeout) {}

http_response http_client::request(std::string_view method, const std::string& target, const std::string& body,
                                   const header_list& headers) {
    bhttp::request<bhttp::string_body> req;
    const auto v = bhttp::string_to_verb(method);
    if (v == bhttp::verb::unknown)
        req.method_string(method);
    else
        req.method(v);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port_));
    req.set(bhttp::field::user_agent, "relais-api-tests");
    if (!cookies_.empty()) {
        std::string jar;
        for (const auto& [k, val] : cookies_)
            jar += (jar.empty() ? "" : "; ") + k + "=" + val;
        req.set(bhttp::field::cookie, jar);
    }
    if (!csrf_.empty() && is_unsafe(method))
        req.set("X-CSRF-Token", csrf_);
    for (const auto& [k, val] : headers)
        req.set(k, val);
    req.keep_alive(keep_alive_);
    req.body() = body;
    if (!body.empty() || is_unsafe(method))
        req.prepare_payload();
    std::ostringstream wire;
    wire << req;
    const std::string bytes = wire.str();
    const bool head = method == "HEAD";

    // A kept-alive connection may have been closed by the server meanwhile: then reconnect once.
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = socket_.is_open();
        if (!reused) {
            socket_.connect(port_, timeout_);
            ++connects_;
        }
        if (socket_.send(bytes, timeout_)) {
            if (auto res = socket_.read_response(timeout_, head)) {
                const auto context = current_exchange_context();
                const auto request_type = req[bhttp::field::content_type];
                const auto response_type = res->header("Content-Type");
                replay::record_exchange({.source = "api-tests",
                                         .context = context,
                                         .method = method,
                                         .target = target,
                                         .status = res->status,
                                         .request_content_type = request_type,
                                         .request_body = body,
                                         .response_content_type = response_type,
                                         .response_body = res->body});
                remember_cookies(*res);
                if (!res->keep_alive)
                    socket_.close();
                return std::move(*res);
            }
        }
        socket_.close();
        if (!reused)
            break;
    }
    throw std::runtime_error("no response to " + std::string(method) + " " + target);
}

http_response http_client::post_json(const std::string& target, const boost::json::value& body,
                                     const header_list& headers) {
    return send_json("POST", target, body, headers);
}

http_response http_client::send_json(std::string_view method, const std::string& target,
                                     const boost::json::value& body, const header_list& headers) {
    header_list all{{"Content-Type", "application/json"}};
    all.insert(all.end(), headers.begin(), headers.end());
    return request(method, target, boost::json::serialize(body), all);
}

boost::json::value http_client::get_json(const std::string& target, unsigned expect) {
    auto res = get(target, {{"Accept", "application/json"}});
    if (res.status != expect)
        throw std::runtime_error("GET " + target + ": expected " + std::to_string(expect) + ", got " +
                                 res.describe());
    return res.json();
}

void http_client::remember_cookies(const http_response& res) {
    for (auto it = res.headers.find(bhttp::field::set_cookie);
         it != res.headers.end() && it->name() == bhttp::field::set_cookie; ++it) {
        std::string_view line = it->value();
        auto semi = line.find(';');
        auto pair = line.substr(0, semi);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos)
            continue;
        const std::string name(trim(pair.substr(0, eq)));
        const std::string value(trim(pair.substr(eq + 1)));
        bool expired = value.empty();
        for (auto rest = semi == std::string_view::npos ? std::string_view{} : line.substr(semi + 1); !rest.empty();) {
            auto next = rest.find(';');
            auto attr = trim(rest.substr(0, next));
            if (iequals_prefix(attr, "max-age=") && trim(attr.substr(8)).starts_with("0"))
                expired = true;
            rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
        }
        if (expired)
            cookies_.erase(name);
        else
            cookies_[name] = value;
    }
}

void set_exchange_context(std::string name) {
    const std::lock_guard lock(exchange_context_mutex);
    exchange_context = std::move(name);
}

// --- raw helpers ---------------------------------------------------------------------------------------

std::string raw_exchange(std::uint16_t port, std::string_view bytes, std::chrono::milliseconds timeout) {
    timed_socket s;
    s.connect(port);
    s.send(bytes, timeout);  // the server may close before taking it all; what came back still counts
    return s.receive_until_close(timeout).data;
}

std::optional<http_response> parse_response(std::string_view bytes, bool head) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.eager(true);
    parser.body_limit(64 * 1024 * 1024);
    if (head)
        parser.skip(true);
    boost::system::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done() && used < bytes.size()) {
        auto n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
        if (ec == bhttp::error::need_more)
            break;
        if (ec)
            return std::nullopt;
        if (n == 0)
            break;
        used += n;
    }
    if (!parser.is_done()) {
        // A body delimited by the end of the connection is complete when the bytes end.
        parser.put_eof(ec);
        if (ec || !parser.is_done())
            return std::nullopt;
    }
    return to_response(parser.release());
}

}  // namespace relais::api_test
