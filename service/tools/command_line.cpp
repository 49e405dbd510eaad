#include "tools/command_line.hpp"

#include <algorithm>

namespace relais::tools {

command_line::command_line(std::string_view command, const std::vector<std::string>& args,
                           std::initializer_list<std::string_view> known, std::string_view usage,
                           std::ostream& out, std::ostream& err)
    : command_(command), usage_(usage), err_(err) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        std::string value;
        if (name == "-h" || name == "--help") {
            out << usage_;
            exit_code_ = 0;
            return;
        }
        if (!name.starts_with("--")) {
            fail("unexpected argument '" + name + "'");
            return;
        }
        name = name.substr(2);
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        } else if (std::find(known.begin(), known.end(), name) == known.end()) {
            fail("unknown option --" + name);
            return;
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            fail("--" + name + " needs a value", false);
            return;
        }
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            fail("unknown option --" + name);
            return;
        }
        values_.insert_or_assign(name, value);
    }
}

std::optional<std::string> command_line::get(std::string_view name) const {
    if (auto it = values_.find(name); it != values_.end())
        return it->second;
    return std::nullopt;
}

int command_line::fail(const std::string& message, bool with_usage) {
    err_ << "relais " << command_ << ": " << message << "\n";
    if (with_usage)
        err_ << usage_;
    exit_code_ = 64;
    return 64;
}

}  // namespace relais::tools
