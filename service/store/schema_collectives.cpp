#include "store/schema.hpp"

namespace relais::store {

// Collective activities (issue 15): the city runs some itself (no partner: partner_id NULL), a volunteer who
// signs up may agree that the organiser sees their phone number (share_phone), and the organiser records who
// came (attended: 1 came, 0 did not, NULL not recorded) so the bilan counts attendance. SQLite cannot drop a
// NOT NULL constraint in place: both tables are copied aside, dropped (the sign-ups first, so no foreign key
// is ever broken) and made again with the same rows and seq numbers.
const char* schema_collectives_sql() {
    return R"sql(
CREATE TEMP TABLE collective_mission_copy AS SELECT * FROM collective_mission;
CREATE TEMP TABLE collective_signup_copy AS SELECT * FROM collective_signup;
DROP TABLE collective_signup;
DROP TABLE collective_mission;
CREATE TABLE collective_mission (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  partner_id TEXT REFERENCES partner(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  place TEXT NOT NULL DEFAULT '',
  neighbourhood TEXT REFERENCES neighbourhood(code),
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
  capacity INTEGER NOT NULL CHECK (capacity > 0),
  status TEXT NOT NULL CHECK (status IN ('open','cancelled')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE collective_signup (
  collective_id TEXT NOT NULL REFERENCES collective_mission(id),
  volunteer_id TEXT NOT NULL REFERENCES volunteer(id),
  created_at INTEGER NOT NULL,
  cancelled_at INTEGER,
  share_phone INTEGER NOT NULL DEFAULT 0 CHECK (share_phone IN (0,1)),
  attended INTEGER CHECK (attended IN (0,1)),
  attendance_at INTEGER,
  PRIMARY KEY (collective_id, volunteer_id)
);
INSERT INTO collective_mission(seq, id, partner_id, title, description, place, neighbourhood, starts_at, ends_at,
                               capacity, status, created_at, updated_at)
  SELECT seq, id, partner_id, title, description, place, neighbourhood, starts_at, ends_at, capacity, status,
         created_at, updated_at FROM temp.collective_mission_copy;
INSERT INTO collective_signup(collective_id, volunteer_id, created_at, cancelled_at)
  SELECT collective_id, volunteer_id, created_at, cancelled_at FROM temp.collective_signup_copy;
DROP TABLE temp.collective_signup_copy;
DROP TABLE temp.collective_mission_copy;
CREATE INDEX collective_partner ON collective_mission(partner_id, seq);
CREATE INDEX collective_starts ON collective_mission(starts_at);
CREATE INDEX collective_signup_volunteer ON collective_signup(volunteer_id);
)sql";
}

}  // namespace relais::store
