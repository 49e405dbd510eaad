// The API test runner: black-box tests that start the real `relais` binary (see support/server_process.hpp).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "api/support/http_client.hpp"

#include <csignal>
#include <filesystem>
#include <iostream>

#include <sys/stat.h>

namespace {

/// Names each test case's HTTP exchanges in the exchange log (RELAIS_EXCHANGE_LOG), so that a contract
/// violation found in them points at the test that made the request.
struct exchange_context_listener : doctest::IReporter {
    explicit exchange_context_listener(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}
    void test_case_start(const doctest::TestCaseData& in) override {
        const std::string file = in.m_file.c_str();
        relais::api_test::set_exchange_context(file.substr(file.rfind('/') + 1) + ": " + in.m_name);
    }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

REGISTER_LISTENER("exchange_context", 1, exchange_context_listener);

int main(int argc, char** argv) {
    // A test writing to a connection the server already closed must get an error, not die of SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    // Databases a test writes before starting relais stand for relais' own, which it creates owner-only;
    // relais refuses to open database files other users could read (issue 12).
    ::umask(077);
    if (!std::filesystem::exists(RELAIS_BINARY)) {
        std::cerr << "relais_api_tests: the server binary " << RELAIS_BINARY
                  << " is missing; build it first\n";
        return 2;
    }
    doctest::Context ctx(argc, argv);
    return ctx.run();
}
