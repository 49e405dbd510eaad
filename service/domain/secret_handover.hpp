#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <string_view>

// Secrets a message must carry but the database must never keep (a request's tracking code, a sign-in code,
// a confirmation link): the operation that makes one leaves it, for its own transaction only, in the memory
// of the writer's thread, where the outbox planner takes it before the commit; whatever is left is wiped
// then. On a connection that did not ask for the handover (a tool's, the seed's) nothing is kept.
//
// It was a TEMP table of the writer's connection: its insert, `DELETE ... RETURNING` and checks cost about
// as much as the outbox row itself in every public request's commit (issue 14's benchmark). Like the
// statement cache (store/statement_cache.hpp), the handover belongs to the thread that owns the connection:
// the writer's, the only one that runs write jobs and the planner.
namespace relais::domain {

/// Makes this thread keep fresh secrets left on `db` for the planner (the server's writer, once at start,
/// on its own thread; until the thread ends).
void hand_over_secrets(SQLite::Database& db);

/// Leaves `secret` of `kind` ("tracking_code", "sign_in_code"...) for `id`, if this connection hands over.
void keep_secret(SQLite::Database& db, std::string_view kind, const std::string& id,
                 const std::string& secret);

/// Takes the first secret of `kind` left for `id` in this transaction and not taken yet; none if there is
/// none.
std::optional<std::string> take_secret(SQLite::Database& db, std::string_view kind, const std::string& id);

/// Makes the secrets taken so far takeable again, in their order (the planner plans a commit's events again
/// after one of them failed, its first writes undone).
void give_back_secrets(SQLite::Database& db);

/// Forgets (wipes) every secret left (before each commit, whatever was sent).
void drop_secrets(SQLite::Database& db);

}  // namespace relais::domain
