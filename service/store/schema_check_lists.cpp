#include "store/schema.hpp"

namespace relais::store {

// A CHECK constraint `x IN ('a','b','c')` with more than two values makes SQLite build a temporary b-tree of
// the list at each execution of a statement that writes the row (measured: about 1.8 µs per list and insert,
// and a public request's commit with an email checks seven). The same rules written as `x = 'a' OR x = 'b'
// ...` cost a few comparisons. The rows already satisfy them (the rule is the same), so the declarations are
// edited in place, the documented way (https://www.sqlite.org/lang_altertable.html, "making other kinds of
// table schema changes"); apply_migrations moves the schema version so that every connection reads them
// again.
const char* schema_check_lists_sql() {
    return R"sql(
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (status IN (''registered'',''active'',''paused'',''withdrawn''))',
  'CHECK (status = ''registered'' OR status = ''active'' OR status = ''paused'' OR status = ''withdrawn'')')
WHERE type = 'table' AND name = 'volunteer';
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (role IN (''admin'',''coordinator'',''volunteer'',''partner''))',
  'CHECK (role = ''admin'' OR role = ''coordinator'' OR role = ''volunteer'' OR role = ''partner'')')
WHERE type = 'table' AND name = 'users';
UPDATE sqlite_schema SET sql = replace(replace(replace(replace(sql,
  'CHECK (urgency IN (''today'',''48h'',''week''))',
  'CHECK (urgency = ''today'' OR urgency = ''48h'' OR urgency = ''week'')'),
  'CHECK (channel IN (''web'',''phone'',''partner'',''outreach''))',
  'CHECK (channel = ''web'' OR channel = ''phone'' OR channel = ''partner'' OR channel = ''outreach'')'),
  'CHECK (status IN (''new'',''matched'',''closed''))',
  'CHECK (status = ''new'' OR status = ''matched'' OR status = ''closed'')'),
  'CHECK (outcome IN (''fulfilled'',''cancelled'',''unfulfillable''))',
  'CHECK (outcome = ''fulfilled'' OR outcome = ''cancelled'' OR outcome = ''unfulfillable'')')
WHERE type = 'table' AND name = 'request';
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (status IN (''active'',''ended'',''handed_over''))',
  'CHECK (status = ''active'' OR status = ''ended'' OR status = ''handed_over'')')
WHERE type = 'table' AND name = 'support';
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (status IN (''proposed'',''accepted'',''declined'',''done'',''missed'',''cancelled'',''dropped'',''expired''))',
  'CHECK (status = ''proposed'' OR status = ''accepted'' OR status = ''declined'' OR status = ''done'' OR '
  || 'status = ''missed'' OR status = ''cancelled'' OR status = ''dropped'' OR status = ''expired'')')
WHERE type = 'table' AND name = 'mission';
UPDATE sqlite_schema SET sql = replace(replace(replace(sql,
  'CHECK (channel IN (''email'',''sms'',''push''))',
  'CHECK (channel = ''email'' OR channel = ''sms'' OR channel = ''push'')'),
  'CHECK (recipient_kind IN (''volunteer'',''resident'',''coordinator'',''partner''))',
  'CHECK (recipient_kind = ''volunteer'' OR recipient_kind = ''resident'' OR recipient_kind = ''coordinator'' '
  || 'OR recipient_kind = ''partner'')'),
  'CHECK (status IN (''queued'',''sent'',''failed'',''cancelled''))',
  'CHECK (status = ''queued'' OR status = ''sent'' OR status = ''failed'' OR status = ''cancelled'')')
WHERE type = 'table' AND name = 'outbox';
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (outcome IN (''reached_fine'',''needs_help'',''not_reached'',''declined''))',
  'CHECK (outcome = ''reached_fine'' OR outcome = ''needs_help'' OR outcome = ''not_reached'' OR '
  || 'outcome = ''declined'')')
WHERE type = 'table' AND name = 'outreach_outcome';
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (source IN (''volunteer'',''coordinator'',''import''))',
  'CHECK (source = ''volunteer'' OR source = ''coordinator'' OR source = ''import'')')
WHERE type = 'table' AND name = 'reserve_member';
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (answer IN (''available'',''stay'',''leave''))',
  'CHECK (answer = ''available'' OR answer = ''stay'' OR answer = ''leave'')')
WHERE type = 'table' AND name = 'campaign_recipient';
PRAGMA writable_schema = OFF;
)sql";
}

}  // namespace relais::store
