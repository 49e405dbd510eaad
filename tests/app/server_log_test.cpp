// The server's asynchronous log: lines are written by a thread of its own, flushed on warnings (not per
// line), all written out when it goes; a full queue drops the oldest lines, counted, without blocking the
// threads that log.
#include "app/server_log.hpp"

#include "core/metrics.hpp"
#include "support/capture_sink.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <future>
#include <mutex>

using relais::app::server_log;
using relais::testing::capture_sink;
using namespace std::chrono_literals;

namespace {

/// Puts spdlog's default logger back as it was (server_log leaves one on the test's sink).
struct default_logger_guard {
    std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
    ~default_logger_guard() { spdlog::set_default_logger(previous); }
};

/// A sink that holds its first line until opened: the log's writer thread is stuck while the test logs.
class gated_sink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    void wait_entered() {
        std::unique_lock lock(gate_mutex_);
        cv_.wait(lock, [&] { return entered_; });
    }
    void open() {
        std::lock_guard lock(gate_mutex_);
        open_ = true;
        cv_.notify_all();
    }
    std::string text() {
        std::lock_guard lock(mutex_);
        return text_;
    }

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        {
            std::unique_lock lock(gate_mutex_);
            entered_ = true;
            cv_.notify_all();
            cv_.wait(lock, [&] { return open_; });
        }
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        text_.append(line.data(), line.size());
    }
    void flush_() override {}

  private:
    std::mutex gate_mutex_;
    std::condition_variable cv_;
    bool entered_ = false, open_ = false;
    std::string text_;
};

}  // namespace

TEST_CASE("server_log: every line is written and flushed when it goes") {
    default_logger_guard guard;
    auto sink = std::make_shared<capture_sink>();
    {
        server_log log("info", sink, server_log::default_queue, 3600s);
        for (int i = 0; i < 500; ++i)
            spdlog::info("line {}", i);
        spdlog::debug("below the level");
    }
    CHECK(sink->lines() == 500);
    CHECK(sink->flushes() >= 1);
    const auto text = sink->text();
    CHECK(text.find(" info line 0\n") != std::string::npos);
    CHECK(text.find(" info line 499\n") != std::string::npos);
    CHECK(text.find("below the level") == std::string::npos);
    // What is logged afterwards still reaches the same output, synchronously.
    spdlog::warn("after the end");
    CHECK(sink->text().find(" warning after the end\n") != std::string::npos);
}

TEST_CASE("server_log: info lines are not flushed one by one; a warning flushes; flush() on demand") {
    default_logger_guard guard;
    auto sink = std::make_shared<capture_sink>();
    server_log log("info", sink, server_log::default_queue, 3600s);
    for (int i = 0; i < 50; ++i)
        spdlog::info("request {}", i);
    REQUIRE(sink->wait_for("request 49\n", 5s));
    CHECK(sink->flushes() == 0);
    spdlog::warn("something odd");
    REQUIRE(sink->wait_for("something odd\n", 5s));
    for (int i = 0; i < 200 && sink->flushes() == 0; ++i)
        std::this_thread::sleep_for(5ms);
    CHECK(sink->flushes() == 1);
    log.flush();
    for (int i = 0; i < 200 && sink->flushes() == 1; ++i)
        std::this_thread::sleep_for(5ms);
    CHECK(sink->flushes() == 2);
}

TEST_CASE("server_log: flushed every interval") {
    default_logger_guard guard;
    auto sink = std::make_shared<capture_sink>();
    server_log log("info", sink, server_log::default_queue, 1s);
    spdlog::info("quiet hour");
    for (int i = 0; i < 600 && sink->flushes() == 0; ++i)
        std::this_thread::sleep_for(5ms);
    CHECK(sink->flushes() >= 1);
    CHECK(sink->text().find("quiet hour") != std::string::npos);
}

TEST_CASE("server_log: a full queue drops the oldest lines, counts them and never blocks the caller") {
    default_logger_guard guard;
    auto sink = std::make_shared<gated_sink>();
    std::uint64_t dropped = 0;
    std::string metrics_text;
    {
        server_log log("info", sink, 16, 3600s);
        spdlog::info("first");
        sink->wait_entered();  // the writer thread holds "first" and waits: the queue is empty, 16 places
        auto burst = std::async(std::launch::async, [] {
            for (int i = 0; i < 100; ++i)
                spdlog::info("burst {}", i);
        });
        const bool returned = burst.wait_for(5s) == std::future_status::ready;
        CHECK_MESSAGE(returned, "logging blocked on a full queue");
        dropped = log.dropped();
        relais::core::metrics stats;
        stats.log_lines_dropped = [&log] { return log.dropped(); };
        metrics_text = stats.render();
        sink->open();
    }
    CHECK(dropped == 84);  // 100 lines into 16 places
    CHECK(metrics_text.find("\nrelais_log_lines_dropped_total 84\n") != std::string::npos);
    const auto text = sink->text();
    CHECK(text.find("info first\n") != std::string::npos);
    CHECK(text.find("burst 83\n") == std::string::npos);  // the oldest went
    CHECK(text.find("burst 84\n") != std::string::npos);  // the newest 16 were written
    CHECK(text.find("burst 99\n") != std::string::npos);
}
