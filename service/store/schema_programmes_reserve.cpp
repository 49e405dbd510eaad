#include "store/schema.hpp"

namespace relais::store {

// Programmes over the years, the reserve and its campaigns (issue 16).
// - programme_period: each programme the city ran ("COVID 2020", "Canicule 2023"...); exactly one is current
//   (new requests belong to it). The single `programme` row keeps the city's settings and mirrors the current
//   period's name and dates. The first period is the programme as it stood.
// - request.programme_id: the programme a request belongs to (set on insert by a trigger, whatever the path:
//   form, phone, partner, import, demo); a support carried on at a programme's end moves with its request.
// - reserve_member: a volunteer who agreed to be contacted again (status `paused` meanwhile), with the
// consent's
//   date, text version and source; `confirmed_at` is renewed when they confirm it (retention erases members
//   who have not confirmed for a year). A row stays after they leave (left_at, left_reason) as the record.
// - campaign + campaign_recipient: a call to reserve members; each recipient's link is a random token kept
//   only as its hash; opened and answered times make the funnel (its messages are the outbox rows whose
//   about_id is the campaign).
const char* schema_programmes_reserve_sql() {
    return R"sql(
CREATE TABLE programme_period (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT,
  status TEXT NOT NULL CHECK (status IN ('current','closed')),
  created_at INTEGER NOT NULL,
  closed_at INTEGER
);
CREATE UNIQUE INDEX programme_period_current ON programme_period(status) WHERE status = 'current';
INSERT INTO programme_period(id, name, starts_on, ends_on, status, created_at)
  SELECT 'prg_' || lower(hex(randomblob(10))), name, starts_on, ends_on, 'current', updated_at FROM programme;
-- The programme row's name and dates are the current period's (whatever writes them: the admin page, setup).
CREATE TRIGGER programme_mirror AFTER UPDATE OF name, starts_on, ends_on ON programme
BEGIN
  UPDATE programme_period SET name = NEW.name, starts_on = NEW.starts_on, ends_on = NEW.ends_on
  WHERE status = 'current';
END;

ALTER TABLE request ADD COLUMN programme_id TEXT;
UPDATE request SET programme_id = (SELECT id FROM programme_period WHERE status = 'current');
CREATE INDEX request_programme ON request(programme_id);
CREATE TRIGGER request_programme_default AFTER INSERT ON request WHEN NEW.programme_id IS NULL
BEGIN
  UPDATE request SET programme_id = (SELECT id FROM programme_period WHERE status = 'current')
  WHERE rowid = NEW.rowid;
END;

CREATE TABLE reserve_member (
  volunteer_id TEXT PRIMARY KEY REFERENCES volunteer(id),
  joined_at INTEGER NOT NULL,
  consent_version TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('volunteer','coordinator','import')),
  confirmed_at INTEGER NOT NULL,
  left_at INTEGER,
  left_reason TEXT
) WITHOUT ROWID;
CREATE INDEX reserve_member_current ON reserve_member(confirmed_at) WHERE left_at IS NULL;

CREATE TABLE campaign (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  message TEXT NOT NULL,
  filter TEXT NOT NULL,
  recipients INTEGER NOT NULL
);
CREATE TABLE campaign_recipient (
  campaign_id TEXT NOT NULL REFERENCES campaign(id),
  volunteer_id TEXT NOT NULL REFERENCES volunteer(id),
  token_hash TEXT UNIQUE,
  expires_at INTEGER NOT NULL,
  opened_at INTEGER,
  answer TEXT CHECK (answer IN ('available','stay','leave')),
  answered_at INTEGER,
  PRIMARY KEY (campaign_id, volunteer_id)
) WITHOUT ROWID;
CREATE INDEX campaign_recipient_answer ON campaign_recipient(campaign_id, answer, answered_at);
)sql";
}

}  // namespace relais::store
