// The request form that staff fill in for a resident: the coordinators' phone intake (coordination.js) and a
// partner's referral (partenaire.js). The fields, the checks before sending, the POST /api/v1/requests body
// and the display of a refusal are the same on both pages; each page keeps its own frame (ids prefix,
// headings, buttons, what is shown once the request is made). Plain ES module, no build step.
import {
  t, h, categoryLabel, neighbourhoodName, dateInputValue, showFieldErrors, clearFieldErrors, fieldMessage,
  problemText, formData, ApiError,
} from './lib.js';
import { addressCombobox, chosenLocation } from './address_combobox.js';

const NEEDS = ['isolated', 'reduced_mobility', 'visually_impaired', 'not_french_speaking'];
const REQUIRED = ['category', 'resident.first_name', 'resident.last_name', 'resident.phone', 'resident.address',
  'resident.neighbourhood'];

const optionalMark = () => [' ', h('span', { class: 'optional' }, t('form.optional'))];

/**
 * The form's fields, ids `<prefix>-<name>`: `need` (category, details, urgency, start, recurrence), `resident`
 * (name, phone, email, address, neighbourhood, needs, preferred contact) and `consent` (a panel whose checkbox
 * is labelled `consentLabel`). Options: markOptional (details and needs marked optional too), phoneHint.
 */
export function requestFields(ref, prefix, { consentLabel, markOptional = false, phoneHint = false } = {}) {
  const input = (name, label, type, opts = {}) => {
    const id = `${prefix}-${name.replace('.', '-')}`;
    return h('div', { class: 'field' }, h('label', { for: id }, label, opts.optional ? optionalMark() : ''),
      opts.hint ? h('p', { class: 'hint', id: `${id}-hint` }, opts.hint) : null,
      h('input', { id, name, type, autocomplete: 'off', required: !opts.optional, 'aria-describedby': opts.hint ? `${id}-hint` : null }));
  };
  const radios = (name, legend, values, checked) => h('fieldset', {},
    h('legend', {}, legend), h('div', { class: 'inline-choices' }, values.map(([v, label]) => {
      const id = `${prefix}-${name.replace('.', '-')}-${v}`;
      return h('div', { class: 'choice' }, h('input', { type: 'radio', id, name, value: v, checked: v === checked }),
        h('label', { for: id }, label));
    })));
  const need = [
    h('div', { class: 'field' }, h('label', { for: `${prefix}-category` }, t('co.f.category')),
      h('select', { id: `${prefix}-category`, name: 'category', required: true },
        h('option', { value: '' }, t('co.intake.choose')),
        ref.categories.map((c) => h('option', { value: c.code }, categoryLabel(ref, c.code))))),
    h('div', { class: 'field' }, h('label', { for: `${prefix}-details` }, t('co.f.details'), markOptional ? optionalMark() : ''),
      h('textarea', { id: `${prefix}-details`, name: 'details', rows: '3', maxlength: '2000' })),
    radios('urgency', t('demande.urgency_legend'), [['today', t('urgency.today')], ['48h', t('urgency.48h')], ['week', t('urgency.week')]], '48h'),
    h('div', { class: 'field' }, h('label', { for: `${prefix}-from` }, t('co.intake.from')),
      h('input', { id: `${prefix}-from`, name: 'from', type: 'date', value: dateInputValue(new Date()) })),
    radios('recurrence', t('demande.recurrence_legend'), [['once', t('recurrence.once')], ['weekly', t('recurrence.weekly')]], 'once'),
  ];
  const address = input('resident.address', t('demande.address'), 'text');
  const neighbourhood = h('select', { id: `${prefix}-resident-neighbourhood`, name: 'resident.neighbourhood', required: true },
    h('option', { value: '' }, t('demande.neighbourhood_choose')),
    ref.neighbourhoods.map((n) => h('option', { value: n.code }, n.name)));
  // The city imported its addresses: the field completes them and places them (address_combobox.js).
  if (ref.programme && ref.programme.address_completion) {
    addressCombobox(address.querySelector('input'),
      { neighbourhood, neighbourhoodName: (code) => neighbourhoodName(ref, code) });
  }
  const resident = [
    input('resident.first_name', t('demande.first_name'), 'text'),
    input('resident.last_name', t('demande.last_name'), 'text'),
    input('resident.phone', t('demande.phone'), 'tel', { hint: phoneHint ? t('demande.phone_hint') : null }),
    input('resident.email', t('demande.email'), 'email', { optional: true }),
    address,
    h('div', { class: 'field' }, h('label', { for: `${prefix}-resident-neighbourhood` }, t('demande.neighbourhood')),
      neighbourhood),
    h('fieldset', { class: 'checks' }, h('legend', {}, t('demande.needs_legend'), markOptional ? optionalMark() : ''),
      NEEDS.map((n) => h('div', { class: 'choice' },
        h('input', { type: 'checkbox', id: `${prefix}-needs-${n}`, name: 'needs', value: n }),
        h('label', { for: `${prefix}-needs-${n}` }, t(`needs.${n}`))))),
    radios('resident.preferred_contact', t('demande.contact_legend'), [['phone', t('contact.phone')], ['sms', t('contact.sms')], ['email', t('contact.email')]], 'phone'),
  ];
  const consent = h('section', { class: 'panel' }, h('h2', {}, t('co.intake.consent_title')),
    h('p', { id: `${prefix}-consent-text` }, t('consent.text')),
    h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: `${prefix}-consent`, name: 'consent', value: 'yes', 'aria-describedby': `${prefix}-consent-text` }),
      h('label', { for: `${prefix}-consent` }, consentLabel)));
  return { need, resident, consent };
}

/**
 * Reads the form; if a required field or the consent is missing, shows the errors and returns null.
 * `knownResident`: the request is for a resident already known (their fields are not in the form).
 */
export function readRequestForm(form, { knownResident = false } = {}) {
  const d = formData(form, ['needs']);
  const errors = {};
  for (const f of REQUIRED) {
    if (knownResident && f.startsWith('resident.')) continue;
    // A chosen address's location places the request in its neighbourhood (the server's map).
    if (f === 'resident.neighbourhood' && chosenLocation(d)) continue;
    if (!d[f]) errors[f] = t(`error.${f}`);
  }
  if (!d.consent) errors.consent = t('error.consent');
  if (showFieldErrors(form, errors)) return null;
  clearFieldErrors(form);
  return d;
}

/**
 * The POST /api/v1/requests body from the read form `d`: the window starts on the chosen day at 08:00 (not
 * before now) and lasts as long as the urgency allows. `extra` is added at the end (e.g. channel).
 */
export function requestBody(d, extra = {}) {
  const from = d.from ? Math.max(Date.now(), new Date(`${d.from}T08:00:00`).getTime()) : Date.now();
  const span = { today: 1, '48h': 2, week: 7 }[d.urgency] * 86400000;
  const resident = {
    first_name: d['resident.first_name'], last_name: d['resident.last_name'], phone: d['resident.phone'],
    address: d['resident.address'], neighbourhood: d['resident.neighbourhood'], preferred_contact: d['resident.preferred_contact'],
  };
  if (d['resident.email']) resident.email = d['resident.email'];
  const location = chosenLocation(d);
  if (location) resident.location = location;
  if (location && !resident.neighbourhood) delete resident.neighbourhood;
  if (d.needs.length) resident.needs = Object.fromEntries(d.needs.map((n) => [n, true]));
  return {
    resident, category: d.category, details: d.details || '', urgency: d.urgency, recurrence: d.recurrence,
    window: { from: new Date(from).toISOString(), until: new Date(from + span).toISOString() }, consent: true,
    ...extra,
  };
}

/** A refused POST: the status line, and on 422 the API's field errors next to the fields (window: the date). */
export function showRequestError(form, status, err) {
  status.textContent = problemText(err);
  if (err instanceof ApiError && err.status === 422) {
    const shown = {};
    for (const [f, m] of Object.entries(err.fields)) shown[f.startsWith('window') ? 'from' : f] = fieldMessage(f, m);
    showFieldErrors(form, shown);
  }
}
