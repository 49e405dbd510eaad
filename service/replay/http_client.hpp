#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace relais::replay {

/// One HTTP answer.
struct http_answer {
    unsigned status = 0;
    std::string content_type;
    std::string body;

    /// The body as JSON (null if it is not JSON).
    boost::json::value json() const;
    /// "STATUS detail" for messages (the problem's detail when there is one).
    std::string describe() const;
};

/// A small blocking HTTP/1.1 client for one server (host:port): keeps its connection alive (reconnecting when
/// the server closed it), keeps the cookies the server sets (the session) and sends the CSRF token on unsafe
/// methods once it has one. Every operation has a deadline. Not thread-safe: one per simulated user.
class http_client {
public:
    http_client(std::string host, std::uint16_t port, std::chrono::seconds timeout = std::chrono::seconds(60));

    /// Sends one request (`body` as JSON unless null) and returns the answer; throws std::runtime_error on a
    /// network failure or a timeout (after one retry on a fresh connection when a kept-alive one was closed).
    http_answer request(std::string_view method, const std::string& target,
                        const std::optional<boost::json::value>& body = std::nullopt);
    http_answer get(const std::string& target) { return request("GET", target); }
    http_answer post(const std::string& target, const boost::json::value& body) { return request("POST", target, body); }
    http_answer patch(const std::string& target, const boost::json::value& body) {
        return request("PATCH", target, body);
    }

    /// POST /api/v1/auth/login; keeps the session cookie and CSRF token. Throws unless 200.
    void sign_in(const std::string& email, const std::string& password);

    /// Parses "http://host:port" (no path); nullopt if malformed or not http.
    static std::optional<std::pair<std::string, std::uint16_t>> parse_url(std::string_view url);

private:
    http_answer exchange(std::string_view method, const std::string& target, const std::string& body, bool json_body);
    void connect();

    std::string host_;
    std::uint16_t port_;
    std::chrono::seconds timeout_;
    boost::asio::io_context ioc_;
    std::optional<boost::beast::tcp_stream> stream_;
    boost::beast::flat_buffer buffer_;
    std::map<std::string, std::string> cookies_;
    std::string csrf_;
};

}  // namespace relais::replay
