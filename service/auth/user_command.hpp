#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace relais::auth {

/// `relais user add --db PATH --role ROLE --email EMAIL [--partner-id ID]`: creates a staff or partner
/// account from the command line (the first admin in particular). The password is one line of standard
/// input (never an argument, so it stays out of shell history and `ps`). Migrates the database first if
/// needed. Prints the new account's id on `out`; errors on `err`. Returns the process exit code: 0, 64 for
/// a usage error (unknown option, bad role), 65 for bad data (email, password, partner), 1 for a duplicate
/// email or another failure. `args` start after "user".
int run_user_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace relais::auth
