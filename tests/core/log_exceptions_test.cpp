// The completion handler every background coroutine is spawned with instead of asio::detached: an exception
// that ends a coroutine is logged at error level with what the coroutine was, instead of vanishing.
#include "core/log_exceptions.hpp"

#include "support/log_capture.hpp"

#include <doctest/doctest.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <stdexcept>

namespace asio = boost::asio;
using relais::core::log_exceptions;

namespace {

asio::awaitable<void> failing_loop() {
    throw std::runtime_error("the loop broke");
    co_return;
}

asio::awaitable<int> failing_value() {
    throw std::logic_error("no value today");
    co_return 1;
}

asio::awaitable<void> quiet_loop() {
    co_return;
}

}  // namespace

TEST_CASE("log_exceptions: a coroutine's exception is logged at error level, naming the coroutine") {
    relais::testing::log_capture log;
    asio::io_context ioc;
    asio::co_spawn(ioc, failing_loop(), log_exceptions("the test loop"));
    asio::co_spawn(ioc, failing_value(), log_exceptions("the value job"));
    asio::co_spawn(ioc, quiet_loop(), log_exceptions("the quiet loop"));
    ioc.run();
    const auto text = log.text();
    CHECK(text.find("error the test loop ended with an exception: the loop broke\n") != std::string::npos);
    CHECK(text.find("error the value job ended with an exception: no value today\n") != std::string::npos);
    CHECK(text.find("quiet loop") == std::string::npos);  // a normal end says nothing
}

TEST_CASE("log_exceptions: called directly; exceptions of any type; describe") {
    relais::testing::log_capture log;
    log_exceptions("a job")(nullptr);
    CHECK(log.text().empty());
    log_exceptions("a job")(std::make_exception_ptr(42));
    CHECK(log.text() == "error a job ended with an exception: an exception of an unknown type\n");
    CHECK(log_exceptions::describe(std::make_exception_ptr(std::runtime_error("disk full"))) == "disk full");
}
