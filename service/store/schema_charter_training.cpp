#include "store/schema.hpp"

namespace relais::store {

// The volunteers' charter and training records (issue 16).
// - charter: the text volunteers accept at registration, versioned per programme (a new programme publishes
//   its own; a correction publishes a new version). The current charter is the current programme's latest.
// - charter_acceptance: who accepted which version, when (kept as the record of their agreement).
// - category.training: the name of the training a category requires (NULL: none). Only volunteers with a
//   volunteer_training row for the category are its candidates.
const char* schema_charter_training_sql() {
    return R"sql(
CREATE TABLE charter (
  seq INTEGER PRIMARY KEY,
  programme_id TEXT NOT NULL REFERENCES programme_period(id),
  version TEXT NOT NULL,
  text_fr TEXT NOT NULL,
  text_en TEXT NOT NULL DEFAULT '',
  published_at INTEGER NOT NULL,
  UNIQUE (programme_id, version)
);

CREATE TABLE charter_acceptance (
  volunteer_id TEXT NOT NULL REFERENCES volunteer(id),
  charter_seq INTEGER NOT NULL REFERENCES charter(seq),
  accepted_at INTEGER NOT NULL,
  PRIMARY KEY (volunteer_id, charter_seq)
) WITHOUT ROWID;

ALTER TABLE category ADD COLUMN training TEXT;

CREATE TABLE volunteer_training (
  volunteer_id TEXT NOT NULL REFERENCES volunteer(id),
  category TEXT NOT NULL REFERENCES category(code),
  trained_on TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (volunteer_id, category)
) WITHOUT ROWID;
)sql";
}

}  // namespace relais::store
