#include "api/support/live_socket.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/json/parse.hpp>

namespace relais::api_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using namespace std::chrono_literals;

live_socket::live_socket(std::uint16_t port, const http_client& client) : ws_(ioc_) {
    std::string cookie;
    for (const auto& [k, v] : client.cookies())
        cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    const std::string host = "127.0.0.1:" + std::to_string(port);
    ws_.set_option(websocket::stream_base::decorator([cookie, host](websocket::request_type& req) {
        req.set(beast::http::field::cookie, cookie);
        req.set(beast::http::field::origin, "http://" + host);
    }));
    beast::get_lowest_layer(ws_).connect({asio::ip::make_address("127.0.0.1"), port});
    websocket::response_type res;
    boost::system::error_code ec;
    bool done = false;
    ws_.async_handshake(res, host, "/api/v1/live", [&](boost::system::error_code e) {
        ec = e;
        done = true;
    });
    ioc_.run_for(5s);
    status_ = done ? res.result_int() : 0;
    body_ = res.body();
    open_ = done && !ec;
}

bool live_socket::read_one(std::chrono::steady_clock::time_point deadline) {
    if (!open_)
        return false;
    beast::flat_buffer buf;
    std::optional<boost::system::error_code> result;
    ws_.async_read(buf, [&](boost::system::error_code e, std::size_t) { result = e; });
    ioc_.restart();
    ioc_.run_until(deadline);
    if (!result) {
        // Timed out: cancel the read (the socket stays usable for the next one after a fresh read).
        beast::get_lowest_layer(ws_).cancel();
        ioc_.restart();
        ioc_.run_for(1s);
        return false;
    }
    if (*result) {
        open_ = false;
        close_code_ = ws_.reason().code;
        return false;
    }
    messages.push_back(beast::buffers_to_string(buf.data()));
    return true;
}

bool live_socket::closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (open_ && std::chrono::steady_clock::now() < deadline)
        if (!read_one(deadline) && open_)
            return false;
    return !open_;
}

std::optional<json::object> live_socket::wait_for(const std::function<bool(const json::object&)>& match,
                                                  std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (; looked_at_ < messages.size(); ++looked_at_) {
            boost::system::error_code ec;
            auto v = json::parse(messages[looked_at_], ec);
            if (!ec && v.is_object() && match(v.as_object())) {
                ++looked_at_;
                return v.as_object();
            }
        }
        if (std::chrono::steady_clock::now() >= deadline || !read_one(deadline))
            return std::nullopt;
    }
}

std::vector<json::object> live_socket::events() const {
    std::vector<json::object> out;
    for (const auto& m : messages) {
        boost::system::error_code ec;
        auto v = json::parse(m, ec);
        if (!ec && v.is_object() && v.as_object().contains("type") && v.at("type") == "event")
            out.push_back(v.as_object());
    }
    return out;
}

std::function<bool(const json::object&)> event_is(const std::string& entity, const std::string& action,
                                                  const std::string& id) {
    return [entity, action, id](const json::object& o) {
        auto str = [&](const char* k) -> std::string {
            auto it = o.find(k);
            return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
        };
        return str("type") == "event" && str("entity") == entity && str("action") == action &&
               (id.empty() || str("id") == id);
    };
}

}  // namespace relais::api_test
