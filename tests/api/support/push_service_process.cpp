#include "api/support/push_service_process.hpp"

#include "api/support/http_client.hpp"
#include "support/smtp_sink_process.hpp"

#include <boost/json.hpp>

#include <stdexcept>
#include <thread>

namespace relais::api_test {

namespace json = boost::json;

push_service_process::push_service_process() {
    port_ = relais::testing::free_loopback_port();
    pid_ = relais::testing::spawn_until_ready(
        {"/usr/bin/python3", std::string(RELAIS_SOURCE_DIR) + "/tests/support/push_service.py", "--port",
         std::to_string(port_)},
        dir_.path() / "ready", "the push service");
}

push_service_process::~push_service_process() {
    relais::testing::stop_child(pid_);
}

json::value push_service_process::subscription(const std::string& name,
                                               const std::string& application_server_key) const {
    http_client c(port_);
    std::string target = "/push/" + name + "/_test/subscription";
    if (!application_server_key.empty())
        target += "?application_server_key=" + application_server_key;  // base64url: nothing to escape
    return c.get_json(target);
}

std::vector<json::value> push_service_process::messages() const {
    http_client c(port_);
    const auto v = c.get_json("/_test/messages");
    return {v.as_array().begin(), v.as_array().end()};
}

bool push_service_process::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (messages().size() >= n)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return messages().size() >= n;
}

void push_service_process::set_status(const std::string& name, unsigned status) const {
    http_client c(port_);
    json::object body{{"name", name}};
    if (status != 0)
        body["status"] = status;
    else
        body["status"] = nullptr;
    if (c.post_json("/_test/config", body).status != 200)
        throw std::runtime_error("the push service did not take its configuration");
}

void push_service_process::fail_next(int n, unsigned status) const {
    http_client c(port_);
    if (c.post_json("/_test/config", json::object{{"fail_next", n}, {"fail_status", status}}).status != 200)
        throw std::runtime_error("the push service did not take its configuration");
}

}  // namespace relais::api_test
