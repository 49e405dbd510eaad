#include "store/schema.hpp"

namespace relais::store {

// Conventions: every entity has `seq` (rowid, stable order for pagination) and `id` (opaque, random,
// what the API shows). Times are Unix seconds (UTC) in INTEGER columns. Personal data lives only in
// `volunteer`, `resident`, `users` and free-text columns named in the retention job; `event` never holds
// any, so statistics survive erasure.
const char* schema_core_sql() {
    return R"sql(
CREATE TABLE programme (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT,
  registration_open INTEGER NOT NULL DEFAULT 1,
  coordination_phone TEXT NOT NULL DEFAULT '',
  auto_dispatch INTEGER NOT NULL DEFAULT 0,
  proposal_ttl_minutes INTEGER NOT NULL DEFAULT 1440,
  max_distance_km REAL NOT NULL DEFAULT 5,
  retention_days INTEGER NOT NULL DEFAULT 180,
  consent_version TEXT NOT NULL DEFAULT '2026-01',
  weights TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL
);

CREATE TABLE category (
  code TEXT PRIMARY KEY,
  label_fr TEXT NOT NULL,
  label_en TEXT NOT NULL,
  description_fr TEXT NOT NULL DEFAULT '',
  description_en TEXT NOT NULL DEFAULT '',
  home_visit INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  sort INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE neighbourhood (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  lat REAL,
  lon REAL
);

CREATE TABLE partner (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'association',
  contact_email TEXT,
  contact_phone TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE volunteer (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL,
  neighbourhood TEXT NOT NULL REFERENCES neighbourhood(code),
  lat REAL,
  lon REAL,
  skills TEXT NOT NULL DEFAULT '[]',
  availability TEXT NOT NULL DEFAULT '[]',
  languages TEXT NOT NULL DEFAULT '["fr"]',
  max_missions_per_week INTEGER NOT NULL DEFAULT 2,
  status TEXT NOT NULL CHECK (status IN ('registered','active','paused','withdrawn')),
  withdrawal_reason TEXT,
  withdrawal_note TEXT,
  consent_at INTEGER NOT NULL,
  consent_version TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  validated_at INTEGER,
  withdrawn_at INTEGER,
  updated_at INTEGER NOT NULL,
  erased_at INTEGER
);
-- A person may register again after withdrawing; only one live registration per email.
CREATE UNIQUE INDEX volunteer_live_email ON volunteer(email) WHERE status <> 'withdrawn' AND erased_at IS NULL;
CREATE INDEX volunteer_status ON volunteer(status, seq);
CREATE INDEX volunteer_neighbourhood ON volunteer(neighbourhood, status);

CREATE TABLE users (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','coordinator','volunteer','partner')),
  password_hash TEXT NOT NULL,
  volunteer_id TEXT REFERENCES volunteer(id),
  partner_id TEXT REFERENCES partner(id),
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL,
  disabled_at INTEGER
);
CREATE UNIQUE INDEX users_live_email ON users(email) WHERE disabled_at IS NULL;

CREATE TABLE resident (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  phone TEXT NOT NULL,
  email TEXT,
  address TEXT NOT NULL,
  neighbourhood TEXT NOT NULL REFERENCES neighbourhood(code),
  lat REAL,
  lon REAL,
  isolated INTEGER NOT NULL DEFAULT 0,
  reduced_mobility INTEGER NOT NULL DEFAULT 0,
  visually_impaired INTEGER NOT NULL DEFAULT 0,
  not_french_speaking INTEGER NOT NULL DEFAULT 0,
  languages TEXT NOT NULL DEFAULT '["fr"]',
  preferred_contact TEXT NOT NULL DEFAULT 'phone',
  consent_at INTEGER NOT NULL,
  consent_version TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  erased_at INTEGER
);
CREATE INDEX resident_phone ON resident(phone);

CREATE TABLE request (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  resident_id TEXT NOT NULL REFERENCES resident(id),
  category TEXT NOT NULL REFERENCES category(code),
  details TEXT NOT NULL DEFAULT '',
  urgency TEXT NOT NULL CHECK (urgency IN ('today','48h','week')),
  window_from INTEGER NOT NULL,
  window_until INTEGER NOT NULL,
  recurrence TEXT NOT NULL CHECK (recurrence IN ('once','weekly')),
  channel TEXT NOT NULL CHECK (channel IN ('web','phone','partner')),
  partner_id TEXT REFERENCES partner(id),
  status TEXT NOT NULL CHECK (status IN ('new','matched','closed')),
  outcome TEXT CHECK (outcome IN ('fulfilled','cancelled','unfulfillable')),
  close_reason TEXT,
  tracking_hash TEXT NOT NULL UNIQUE,
  redispatch INTEGER NOT NULL DEFAULT 0,
  redispatch_count INTEGER NOT NULL DEFAULT 0,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  first_proposed_at INTEGER,
  first_accepted_at INTEGER,
  first_done_at INTEGER,
  closed_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX request_status ON request(status, redispatch, urgency, created_at);
CREATE INDEX request_resident ON request(resident_id);

CREATE TABLE support (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  request_id TEXT NOT NULL REFERENCES request(id),
  resident_id TEXT NOT NULL REFERENCES resident(id),
  volunteer_id TEXT NOT NULL REFERENCES volunteer(id),
  standin_volunteer_id TEXT REFERENCES volunteer(id),
  status TEXT NOT NULL CHECK (status IN ('active','ended','handed_over')),
  partner_id TEXT REFERENCES partner(id),
  handover_note TEXT,
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX support_volunteer ON support(volunteer_id, status);
-- At most one support in place per request (a dropped one-off support ends; a new volunteer gets a new one).
CREATE UNIQUE INDEX support_active_request ON support(request_id) WHERE status = 'active';
CREATE INDEX support_request ON support(request_id);

CREATE TABLE mission (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  request_id TEXT NOT NULL REFERENCES request(id),
  support_id TEXT REFERENCES support(id),
  volunteer_id TEXT NOT NULL REFERENCES volunteer(id),
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
  status TEXT NOT NULL CHECK (status IN ('proposed','accepted','declined','done','missed','cancelled','dropped','expired')),
  reason TEXT,
  note TEXT,
  report_duration_minutes INTEGER,
  report_outcome TEXT,
  welfare_concern INTEGER NOT NULL DEFAULT 0,
  welfare_note TEXT,
  welfare_ack_at INTEGER,
  welfare_ack_by TEXT,
  proposed_by TEXT,
  proposed_at INTEGER NOT NULL,
  expires_at INTEGER,
  answered_at INTEGER,
  ended_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX mission_volunteer_time ON mission(volunteer_id, status, starts_at);
CREATE INDEX mission_request ON mission(request_id, status);
CREATE INDEX mission_status ON mission(status, expires_at);
CREATE INDEX mission_welfare ON mission(welfare_concern, welfare_ack_at);

CREATE TABLE collective_mission (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  partner_id TEXT NOT NULL REFERENCES partner(id),
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
  PRIMARY KEY (collective_id, volunteer_id)
);

-- Append-only history of every state change. No personal data: ids, statuses, reasons and codes only.
CREATE TABLE event (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  action TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  reason TEXT,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX event_entity ON event(entity, entity_id, seq);
CREATE INDEX event_action ON event(action, at);
CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- A public POST carrying an Idempotency-Key is answered from here the second time (same transaction as
-- the write it records, so a double-submitted form creates one request).
CREATE TABLE idempotency (
  route TEXT NOT NULL,
  key TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (route, key)
);

-- Every read or change of a person's personal data by a signed-in user. Append-only.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  subject_type TEXT NOT NULL CHECK (subject_type IN ('resident','volunteer')),
  subject_id TEXT NOT NULL,
  action TEXT NOT NULL,
  route TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit_log(subject_type, subject_id, seq);
CREATE INDEX audit_user ON audit_log(user_id, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

INSERT INTO category(code, label_fr, label_en, description_fr, description_en, home_visit, sort) VALUES
 ('shopping', 'Courses', 'Shopping', 'Quelqu''un fait vos courses et vous les apporte.', 'Someone does your shopping and brings it to you.', 1, 1),
 ('medicines', 'Médicaments', 'Medicines', 'Quelqu''un va chercher vos médicaments à la pharmacie.', 'Someone collects your medicines from the pharmacy.', 1, 2),
 ('books', 'Livres', 'Books', 'Quelqu''un vous apporte des livres de la bibliothèque.', 'Someone brings you library books.', 1, 3),
 ('admin', 'Démarches administratives', 'Paperwork', 'De l''aide pour un papier, un formulaire, un courrier.', 'Help with a form, a letter or an administrative task.', 1, 4),
 ('friendly_call', 'Appel de convivialité', 'Friendly call', 'Quelqu''un vous appelle pour discuter, régulièrement.', 'Someone calls you for a chat, regularly.', 0, 5),
 ('walk', 'Promenade', 'Walk', 'Quelqu''un vous accompagne pour une promenade.', 'Someone comes with you for a walk.', 1, 6),
 ('appointment', 'Accompagnement à un rendez-vous', 'Appointment', 'Quelqu''un vous accompagne chez le médecin ou à un rendez-vous.', 'Someone comes with you to a doctor or an appointment.', 1, 7),
 ('digital', 'Aide informatique', 'Computer help', 'De l''aide avec un ordinateur, un téléphone ou internet.', 'Help with a computer, a phone or the internet.', 1, 8),
 ('reading', 'Lecture', 'Reading', 'Quelqu''un vous lit des livres ou du courrier (personnes malvoyantes).', 'Someone reads books or letters to you (visually impaired people).', 1, 9),
 ('language', 'Pratique du français', 'French practice', 'Parler français avec quelqu''un pour progresser.', 'Practise French with someone.', 0, 10),
 ('schooling', 'Accompagnement scolaire', 'Homework help', 'De l''aide aux devoirs pour un enfant.', 'Homework help for a child.', 0, 11);

INSERT INTO neighbourhood(code, name, lat, lon) VALUES
 ('centre', 'Centre', 48.1113, -1.6800),
 ('thabor', 'Thabor - Saint-Hélier - Alphonse Guérin', 48.1140, -1.6620),
 ('bourg-leveque', 'Bourg-l''Évêque - La Touche - Moulin du Comte', 48.1160, -1.6990),
 ('saint-martin', 'Saint-Martin', 48.1250, -1.6800),
 ('maurepas', 'Maurepas - Bellangerais', 48.1300, -1.6560),
 ('jeanne-darc', 'Jeanne d''Arc - Longs Champs - Beaulieu', 48.1220, -1.6390),
 ('francisco-ferrer', 'Francisco Ferrer - Landry - Poterie', 48.0990, -1.6480),
 ('sud-gare', 'Sud-Gare', 48.0960, -1.6720),
 ('cleunay', 'Cleunay - Arsenal-Redon - La Courrouze', 48.1040, -1.7090),
 ('villejean', 'Villejean - Beauregard', 48.1230, -1.7070),
 ('le-blosne', 'Le Blosne', 48.0850, -1.6560),
 ('brequigny', 'Bréquigny', 48.0880, -1.6890);

INSERT INTO programme(id, name, starts_on, ends_on, registration_open, coordination_phone, updated_at)
VALUES (1, 'Volontaires Solidaires', '2026-01-01', NULL, 1, '02 23 62 10 10', strftime('%s','now'));
)sql";
}

}  // namespace relais::store
