// The API test runner: black-box tests that start the real `relais` binary (see support/server_process.hpp).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include <sys/stat.h>

int main(int argc, char** argv) {
    // A test writing to a connection the server already closed must get an error, not die of SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    // Databases a test writes before starting relais stand for relais' own, which it creates owner-only;
    // relais refuses to open database files other users could read (issue 12).
    ::umask(077);
    if (!std::filesystem::exists(RELAIS_BINARY)) {
        std::cerr << "relais_api_tests: the server binary " << RELAIS_BINARY << " is missing; build it first\n";
        return 2;
    }
    doctest::Context ctx(argc, argv);
    return ctx.run();
}
