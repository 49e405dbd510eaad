#include "store/schema.hpp"

namespace relais::store {

// Sign-in without a password (issue 14). `users.email_confirmed_at`: when the account's owner showed the
// email is theirs (a confirmation link, or a code received at that address); an account registered without a
// password has `password_hash` '' (no password works until one is set). `sign_in_code`: one-time codes
// (6 digits) and links sent to a volunteer who asked to sign in, kept hashed (the code with the row's id, so
// equal codes do not look alike), 10 minutes, at most 5 tries. `email_confirmation`: the links sent to
// confirm an address, kept hashed, single use. Volunteers are found by phone (a code asked by number, a
// text received).
const char* schema_sign_in_sql() {
    return R"sql(
ALTER TABLE users ADD COLUMN email_confirmed_at INTEGER;
CREATE TABLE sign_in_code (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  channel TEXT NOT NULL CHECK (channel IN ('email','sms')),
  code_hash TEXT NOT NULL,
  link_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX sign_in_code_user ON sign_in_code(user_id, created_at);
CREATE TABLE email_confirmation (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  email TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX email_confirmation_user ON email_confirmation(user_id);
CREATE INDEX volunteer_phone ON volunteer(phone);
)sql";
}

}  // namespace relais::store
