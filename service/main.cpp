// relais: parses the command line and hands over to the server or a command. Nothing else lives here.
#include "app/config.hpp"
#include "app/runner.hpp"
#include "app/server_log.hpp"
#include "auth/user_command.hpp"
#include "replay/demo.hpp"
#include "replay/replay_command.hpp"
#include "store/connection.hpp"
#include "tools/backup.hpp"
#include "tools/import_command.hpp"
#include "tools/retention.hpp"
#include "tools/seed.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <iostream>

int main(int argc, char** argv) {
    // Every file this process creates (the database, its -wal and -shm, backups) is its owner's alone:
    // it holds personal data. (SQLite gives the -wal and -shm the database file's own mode.)
    ::umask(0077);
    relais::store::configure_sqlite();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "user") {
        // Standard output carries only the new id (scripts capture it); log lines go to standard error.
        spdlog::set_default_logger(spdlog::stderr_logger_mt("relais"));
        return relais::auth::run_user_command({args.begin() + 1, args.end()}, std::cin, std::cout, std::cerr);
    }
    if (!args.empty() && (args[0] == "seed" || args[0] == "backup")) {
        spdlog::set_default_logger(spdlog::stderr_logger_mt("relais"));
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        return args[0] == "seed" ? relais::tools::run_seed_command(rest, std::cout, std::cerr)
                                 : relais::tools::run_backup_command(rest, std::cout, std::cerr);
    }
    if (!args.empty() && args[0] == "replay") {
        spdlog::set_default_logger(spdlog::stderr_logger_mt("relais"));
        return relais::replay::run_replay_command({args.begin() + 1, args.end()}, std::cout, std::cerr);
    }
    if (!args.empty() && args[0] == "import") {
        spdlog::set_default_logger(spdlog::stderr_logger_mt("relais"));
        return relais::tools::run_import_command({args.begin() + 1, args.end()}, std::cout, std::cerr);
    }
    if (!args.empty() && args[0] == "retention") {
        spdlog::set_default_logger(spdlog::stderr_logger_mt("relais"));
        return relais::tools::run_retention_command({args.begin() + 1, args.end()}, std::cout, std::cerr);
    }
    try {
        auto cfg = relais::app::parse_config(args, relais::app::process_env());
        if (cfg.show_help) {
            std::cout << relais::app::help_text();
            return 0;
        }
        // The server's log is spdlog's default logger until it goes out of scope, having written and flushed
        // every line: also after a fatal error, which is logged here rather than lost with an abort.
        relais::app::server_log log(cfg.log_level);
        try {
            return relais::app::run_server(cfg, log, relais::replay::seed_demo_and_print);
        } catch (const std::exception& e) {
            spdlog::critical("relais stopped on an unexpected error: {}", e.what());
            return 1;
        }
    } catch (const relais::app::config_error& e) {
        std::cerr << "relais: " << e.what() << "\n";
        return 64;
    }
}
