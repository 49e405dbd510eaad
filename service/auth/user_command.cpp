#include "auth/user_command.hpp"

#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "auth/password_policy.hpp"
#include "auth/sessions.hpp"
#include "core/error.hpp"
#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sodium.h>

#include <filesystem>
#include <istream>
#include <map>
#include <ostream>

namespace relais::auth {

namespace {

constexpr int exit_usage = 64;
constexpr int exit_data = 65;

const char* usage = "usage: relais user add --db PATH --role admin|coordinator|partner --email EMAIL "
                    "[--partner-id ID]\n       (the password, at least 12 characters, is read from standard "
                    "input)\n";

}  // namespace

int run_user_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                     std::ostream& err) {
    if (args.empty() || args[0] != "add") {
        err << usage;
        return exit_usage;
    }
    std::map<std::string, std::string> opts;
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::string name = args[i];
        std::string value;
        if (!name.starts_with("--")) {
            err << "relais user add: unexpected argument '" << name << "'\n" << usage;
            return exit_usage;
        }
        name = name.substr(2);
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            err << "relais user add: --" << name << " needs a value\n";
            return exit_usage;
        }
        if (name != "db" && name != "role" && name != "email" && name != "partner-id") {
            err << "relais user add: unknown option --" << name << "\n" << usage;
            return exit_usage;
        }
        opts[name] = value;
    }
    for (const char* required : {"db", "role", "email"})
        if (opts[required].empty()) {
            err << "relais user add: --" << required << " is required\n" << usage;
            return exit_usage;
        }
    const auto r = role_from_string(opts["role"]);
    if (!r || *r == role::volunteer) {
        err << "relais user add: --role must be admin, coordinator or partner (volunteer accounts are created "
               "by volunteer registration)\n";
        return exit_usage;
    }
    const std::string email = normalize_email(opts["email"]);
    if (!plausible_email(email)) {
        err << "relais user add: --email is not a valid email address\n";
        return exit_data;
    }
    if (*r == role::partner && opts["partner-id"].empty()) {
        err << "relais user add: a partner account needs --partner-id\n";
        return exit_data;
    }
    if (*r != role::partner && !opts["partner-id"].empty()) {
        err << "relais user add: --partner-id is only for partner accounts\n";
        return exit_data;
    }

    std::string password;
    if (!std::getline(in, password) || password.empty()) {
        err << "relais user add: no password on standard input\n";
        return exit_data;
    }
    if (!password.empty() && password.back() == '\r')
        password.pop_back();
    if (auto problem = password_problem(password, email)) {
        err << "relais user add: the password " << *problem << "\n";
        return exit_data;
    }

    try {
        if (sodium_init() < 0) {
            err << "relais user add: libsodium failed to initialise\n";
            return 1;
        }
        if (auto dir = std::filesystem::path(opts["db"]).parent_path(); !dir.empty())
            std::filesystem::create_directories(dir);
        store::migrate(opts["db"]);
        new_account a;
        a.email = email;
        a.r = *r;
        a.password_hash = hash_password(password);
        a.partner_id = opts["partner-id"];
        sodium_memzero(password.data(), password.size());
        auto db = store::open_writer(opts["db"], store::sync_mode::full);
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        const std::string id = insert_account(db, a, wall_now_s());
        tx.commit();
        out << id << "\n";
        return 0;
    } catch (const error& e) {
        err << "relais user add: " << e.detail();
        for (const auto& f : e.fields)
            err << " (" << f.field << ": " << f.message << ")";
        err << "\n";
        return e.kind() == error_kind::conflict ? 1 : exit_data;
    } catch (const store::schema_too_new& e) {
        err << "relais user add: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        err << "relais user add: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace relais::auth
