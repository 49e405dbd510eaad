#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relais::api_test {

using namespace std::chrono_literals;

/// One HTTP response as the client saw it.
struct http_response {
    unsigned status = 0;
    boost::beast::http::fields headers;
    std::string body;
    bool keep_alive = false;

    /// The header's value, or "" (case-insensitive name).
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    /// The body parsed as JSON; throws std::runtime_error (with the body) if it is not JSON.
    boost::json::value json() const;
    /// "STATUS content-type body" for failure messages.
    std::string describe() const;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

/// A socket on 127.0.0.1 with deadlines on every operation, driven by a private io_context: the blocking
/// calls below run that context until the operation completes or its deadline passes. A timeout cancels
/// the operation but leaves the connection open.
class timed_socket {
public:
    timed_socket() : socket_(ioc_) {}

    /// Connects to 127.0.0.1:port; throws on failure.
    void connect(std::uint16_t port, std::chrono::milliseconds timeout = 5s);
    bool is_open() const { return socket_.is_open(); }
    void close();
    /// Sends all of `bytes`; false if the connection failed (reset, closed) or the deadline passed.
    bool send(std::string_view bytes, std::chrono::milliseconds timeout = 5s);

    struct chunk {
        std::string data;
        bool closed = false;     ///< the peer closed (EOF) or reset the connection
        bool timed_out = false;  ///< nothing more arrived before the deadline
    };
    /// Whatever arrives within `timeout` (one read), or that the peer closed.
    chunk receive_some(std::chrono::milliseconds timeout);
    /// Everything until the peer closes or `timeout` passes (then `timed_out` is set).
    chunk receive_until_close(std::chrono::milliseconds timeout);
    /// Reads one HTTP response (bytes already received are used first). nullopt if the connection closed or
    /// the deadline passed before a whole response arrived. `head` skips the body, as for a HEAD request.
    std::optional<http_response> read_response(std::chrono::milliseconds timeout = 10s, bool head = false);

private:
    template <class Start>
    boost::system::error_code run(std::chrono::milliseconds timeout, Start start, std::size_t* n = nullptr);

    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
};

/// A blocking HTTP/1.1 client for 127.0.0.1:port: keep-alive (one connection reused while the server keeps
/// it open), a cookie jar, and the CSRF header on unsafe methods once set_csrf() was called.
class http_client {
public:
    explicit http_client(std::uint16_t port, std::chrono::milliseconds timeout = 10s);

    /// Sends one request and returns the response; throws std::runtime_error if no response arrives.
    /// `headers` are added as given (a Content-Type among them wins over the default).
    http_response request(std::string_view method, const std::string& target, const std::string& body = "",
                          const header_list& headers = {});
    http_response get(const std::string& target, const header_list& headers = {}) {
        return request("GET", target, "", headers);
    }
    /// POST with a JSON body (Content-Type: application/json).
    http_response post_json(const std::string& target, const boost::json::value& body,
                            const header_list& headers = {});
    /// Sends any method with a JSON body.
    http_response send_json(std::string_view method, const std::string& target, const boost::json::value& body,
                            const header_list& headers = {});
    /// GET and parse; throws std::runtime_error (with the response) unless the status is `expect`.
    boost::json::value get_json(const std::string& target, unsigned expect = 200);

    /// Sends `X-CSRF-Token: token` on POST, PUT, PATCH and DELETE from now on ("" to stop).
    void set_csrf(std::string token) { csrf_ = std::move(token); }
    /// Cookies received (Set-Cookie) and sent back on every request.
    const std::map<std::string, std::string>& cookies() const noexcept { return cookies_; }
    void set_cookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
    void clear_cookies() { cookies_.clear(); }
    /// Ask the server to close after each response instead of keeping the connection.
    void set_keep_alive(bool on) { keep_alive_ = on; }
    /// Connections opened so far (1 after any number of requests on one kept-alive connection).
    std::size_t connects() const noexcept { return connects_; }
    void disconnect() { socket_.close(); }

private:
    void remember_cookies(const http_response& res);

    std::uint16_t port_;
    std::chrono::milliseconds timeout_;
    timed_socket socket_;
    std::map<std::string, std::string> cookies_;
    std::string csrf_;
    bool keep_alive_ = true;
    std::size_t connects_ = 0;
};

/// Names the test case whose exchanges http_client records from now on (see record_exchange in
/// replay/exchange_log.hpp: with RELAIS_EXCHANGE_LOG set, every request()/response pair is appended there for
/// the contract check of bodies). Set by a doctest listener in main.cpp; thread-safe.
void set_exchange_context(std::string name);

/// Opens a connection, sends `bytes` as they are, and returns everything that came back until the server
/// closed the connection or `timeout` passed.
std::string raw_exchange(std::uint16_t port, std::string_view bytes, std::chrono::milliseconds timeout = 5s);

/// Parses the first HTTP response in raw bytes (for raw_exchange results); nullopt if there is none.
std::optional<http_response> parse_response(std::string_view bytes, bool head = false);

}  // namespace relais::api_test
