// relais: parses the command line and hands over to the server or a command. Nothing else lives here.
#include "app/config.hpp"
#include "app/runner.hpp"

#include <iostream>

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        auto cfg = relais::app::parse_config(args, relais::app::process_env());
        if (cfg.show_help) {
            std::cout << relais::app::help_text();
            return 0;
        }
        relais::app::setup_logging(cfg.log_level);
        return relais::app::run_server(cfg);
    } catch (const relais::app::config_error& e) {
        std::cerr << "relais: " << e.what() << "\n";
        return 64;
    }
}
