#include "store/schema.hpp"

namespace relais::store {

// The queue shows each request's real state (issue 15); "no candidate" is the one a row cannot tell by
// itself: when the automatic dispatch last looked for a volunteer and found nobody. A proposal clears it.
// A welfare alert, when handled, keeps the coordinator's note of what was done (personal data: erased with
// the resident). A support handed over to a partner records when the resident agreed that their contact
// goes to it. A category says what it is to volunteers in words of their own ("you do someone's
// shopping"), beside the residents' ("someone does your shopping"); empty: the label alone.
const char* schema_no_candidate_sql() {
    return R"sql(
ALTER TABLE request ADD COLUMN no_candidate_at INTEGER;
ALTER TABLE mission ADD COLUMN welfare_ack_note TEXT;
ALTER TABLE support ADD COLUMN handover_consent_at INTEGER;
ALTER TABLE category ADD COLUMN volunteer_description_fr TEXT NOT NULL DEFAULT '';
ALTER TABLE category ADD COLUMN volunteer_description_en TEXT NOT NULL DEFAULT '';
UPDATE category SET volunteer_description_fr = CASE code
  WHEN 'shopping' THEN 'Faire les courses d''un habitant et les lui apporter.'
  WHEN 'medicines' THEN 'Aller chercher les médicaments d''un habitant à la pharmacie.'
  WHEN 'books' THEN 'Apporter des livres de la bibliothèque à un habitant.'
  WHEN 'admin' THEN 'Aider un habitant pour un papier, un formulaire, un courrier.'
  WHEN 'friendly_call' THEN 'Appeler un habitant pour discuter, régulièrement.'
  WHEN 'walk' THEN 'Accompagner un habitant pour une promenade.'
  WHEN 'appointment' THEN 'Accompagner un habitant chez le médecin ou à un rendez-vous.'
  WHEN 'digital' THEN 'Aider un habitant avec un ordinateur, un téléphone ou internet.'
  WHEN 'reading' THEN 'Lire des livres ou du courrier à un habitant malvoyant.'
  WHEN 'language' THEN 'Parler français avec un habitant qui apprend la langue.'
  WHEN 'schooling' THEN 'Aider un enfant à faire ses devoirs.'
  ELSE '' END,
 volunteer_description_en = CASE code
  WHEN 'shopping' THEN 'Do a resident''s shopping and bring it to them.'
  WHEN 'medicines' THEN 'Collect a resident''s medicines from the pharmacy.'
  WHEN 'books' THEN 'Bring library books to a resident.'
  WHEN 'admin' THEN 'Help a resident with a form, a letter or an administrative task.'
  WHEN 'friendly_call' THEN 'Call a resident for a chat, regularly.'
  WHEN 'walk' THEN 'Go for a walk with a resident.'
  WHEN 'appointment' THEN 'Go with a resident to a doctor or an appointment.'
  WHEN 'digital' THEN 'Help a resident with a computer, a phone or the internet.'
  WHEN 'reading' THEN 'Read books or letters to a visually impaired resident.'
  WHEN 'language' THEN 'Practise French with a resident learning the language.'
  WHEN 'schooling' THEN 'Help a child with their homework.'
  ELSE '' END;
)sql";
}

}  // namespace relais::store
