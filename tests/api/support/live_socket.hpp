#pragma once

// A WebSocket client of the live feed (GET /api/v1/live) for the black-box tests, opened as the console
// opens it (the session's cookies, a same-origin Origin), with deadlines on every step.

#include "api/support/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace relais::api_test {

class live_socket {
  public:
    /// Opens GET /api/v1/live with `client`'s cookies; `status()` is 101 when it opened.
    live_socket(std::uint16_t port, const http_client& client);

    unsigned status() const { return status_; }
    const std::string& body() const { return body_; }

    /// Reads messages until the server's close frame (true) or `timeout` (false); the messages go to
    /// `messages`.
    bool closed_within(std::chrono::milliseconds timeout);

    /// Reads messages (into `messages`) until one, parsed as a JSON object, satisfies `match`, and returns
    /// it; nullopt if `timeout` passes or the feed closes first. The search starts after the message the
    /// previous wait_for matched (so successive waits also check the order of the messages).
    std::optional<boost::json::object> wait_for(const std::function<bool(const boost::json::object&)>& match,
                                                std::chrono::milliseconds timeout);

    /// The "event" notices received so far, parsed.
    std::vector<boost::json::object> events() const;

    std::vector<std::string> messages;
    unsigned close_code() const { return close_code_; }

  private:
    /// Reads one message before `deadline` into `messages`; false on timeout or close.
    bool read_one(std::chrono::steady_clock::time_point deadline);

    boost::asio::io_context ioc_;
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
    unsigned status_ = 0;
    std::string body_;
    bool open_ = false;
    unsigned close_code_ = 0;
    std::size_t looked_at_ = 0;  ///< messages wait_for has already tried
};

/// A matcher for wait_for: an "event" notice about `entity` with `action` (and `id`, when not empty).
std::function<bool(const boost::json::object&)> event_is(const std::string& entity, const std::string& action,
                                                         const std::string& id = "");

}  // namespace relais::api_test
