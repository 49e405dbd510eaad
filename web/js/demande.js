// The resident's request form, enhanced. The server renders a complete form that works without JavaScript
// (POST /demande). With JavaScript: checks before sending, one JSON POST to /api/v1/requests with the
// form's Idempotency-Key (a double click, or a retry after a network error, still creates one request),
// and the confirmation shown in place.
import {
  initI18n, t, h, mount, api, ApiError, showFieldErrors, clearFieldErrors, problemText, reference, hasKey,
  neighbourhoodName,
} from './lib.js';
import { addressCombobox, chosenLocation } from './address_combobox.js';

const form = document.getElementById('request-form');

const NEEDS = ['isolated', 'reduced_mobility', 'visually_impaired', 'not_french_speaking'];
const REQUIRED = ['category', 'resident.first_name', 'resident.last_name', 'urgency', 'resident.phone',
  'resident.address', 'resident.neighbourhood'];

function value(name) {
  const els = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
  for (const el of els) {
    if (el.type === 'radio' || el.type === 'checkbox') { if (el.checked) return el.value.trim(); } else return el.value.trim();
  }
  return '';
}

/** The same checks as the server's, with the same plain-language messages. */
function check() {
  const errors = {};
  const located = chosenLocation({ 'resident.lat': value('resident.lat'), 'resident.lon': value('resident.lon') });
  for (const name of REQUIRED) {
    // A chosen address's location places the request in its neighbourhood (the server's map).
    if (name === 'resident.neighbourhood' && located) continue;
    if (!value(name)) errors[name] = t(`error.${name}`);
  }
  const phone = value('resident.phone');
  if (phone && !/^\+?[0-9][0-9 .()-]{5,31}$/.test(phone)) errors['resident.phone'] = t('error.resident.phone');
  const email = value('resident.email');
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors['resident.email'] = t('error.resident.email');
  if (!form.querySelector('[name="consent"]').checked) errors.consent = t('error.consent');
  if (value('start') === 'date') {
    const d = value('start_date');
    const day = d ? new Date(`${d}T00:00:00`) : null;
    const today = new Date(); today.setHours(0, 0, 0, 0);
    if (!day || Number.isNaN(day.getTime())) errors.start_date = t('error.start_date');
    else if (day < today || day - today > 90 * 86400000) errors.start_date = t('error.start_date_range');
  }
  // Keep the order of the page in the summary.
  const order = ['category', 'details', 'resident.first_name', 'resident.last_name', 'urgency', 'start_date',
    'recurrence', 'resident.phone', 'resident.email', 'resident.preferred_contact', 'resident.address',
    'resident.neighbourhood', 'consent'];
  return Object.fromEntries(order.filter((k) => errors[k]).map((k) => [k, errors[k]]));
}

function body() {
  const now = Date.now();
  let from = now;
  if (value('start') === 'date') {
    const eight = new Date(`${value('start_date')}T08:00:00`).getTime();
    from = Math.max(now, eight);
  }
  const span = { today: 1, '48h': 2, week: 7 }[value('urgency')] * 86400000;
  const resident = {
    first_name: value('resident.first_name'),
    last_name: value('resident.last_name'),
    phone: value('resident.phone'),
    address: value('resident.address'),
    neighbourhood: value('resident.neighbourhood'),
    preferred_contact: value('resident.preferred_contact') || 'phone',
  };
  if (value('resident.email')) resident.email = value('resident.email');
  const location = chosenLocation({ 'resident.lat': value('resident.lat'), 'resident.lon': value('resident.lon') });
  if (location) resident.location = location;
  if (location && !resident.neighbourhood) delete resident.neighbourhood;
  const needs = {};
  for (const n of NEEDS) if (form.querySelector(`[name="needs"][value="${n}"]`).checked) needs[n] = true;
  if (Object.keys(needs).length) resident.needs = needs;
  if (value('lang') === 'en') resident.languages = ['en'];
  return {
    resident,
    category: value('category'),
    details: value('details'),
    urgency: value('urgency'),
    window: { from: new Date(from).toISOString(), until: new Date(from + span).toISOString() },
    recurrence: value('recurrence') || 'once',
    consent: true,
  };
}

function fieldOf(apiField) {
  if (apiField.startsWith('window')) return 'start_date';
  return apiField;
}

async function confirmation(code, contact) {
  const how = ['email', 'sms'].includes(contact) ? contact : 'phone';
  const lang = value('lang') || 'fr';
  let phone = '';
  try { phone = (await reference()).programme.coordination_phone; } catch { /* shown in the footer anyway */ }
  const main = document.getElementById('main');
  mount(main,
    h('div', { class: 'confirmation', role: 'status' },
      h('h1', {}, t('confirm.title')),
      h('p', {}, t('confirm.code_intro')),
      h('p', { class: 'tracking-code', id: 'tracking-code' }, code),
      h('p', {}, t('confirm.keep_code')),
      h('p', {}, h('button', { type: 'button', id: 'print-code', on: { click: () => window.print() } }, t('confirm.print')))),
    h('h2', {}, t('confirm.next_title')),
    h('ol', { class: 'next-steps' }, h('li', {}, t('confirm.next_1')), h('li', {}, t(`confirm.next_2_${how}`)),
      h('li', {}, t('confirm.next_3'))),
    phone && h('p', { class: 'phone-box' }, `${t('confirm.phone_intro')} `,
      h('a', { href: `tel:${phone}`, class: 'phone' }, phone)),
    // The code goes to /suivi in a form, never in an address.
    h('form', { method: 'post', action: '/suivi', class: 'track-now' },
      h('input', { type: 'hidden', name: 'lang', value: lang }),
      h('input', { type: 'hidden', name: 'code', value: code }),
      h('button', { type: 'submit' }, t('confirm.track_link'))));
  document.title = `${t('confirm.title')} – ${document.title.split(' – ').pop()}`;
  main.focus();
  window.scrollTo(0, 0);
}

function toggleDate() {
  const field = document.getElementById('f-start_date').closest('.field');
  field.hidden = value('start') !== 'date';
}

async function submit(event) {
  event.preventDefault();
  const status = document.getElementById('form-status');
  status.textContent = '';
  const errors = check();
  if (showFieldErrors(form, errors)) return;
  clearFieldErrors(form);
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  status.textContent = t('demande.sending');
  try {
    const created = await api('POST', '/api/v1/requests', body(), { idempotencyKey: value('idempotency_key') });
    await confirmation(created.tracking_code, value('resident.preferred_contact'));
  } catch (err) {
    button.disabled = false;
    status.textContent = '';
    if (err instanceof ApiError && err.status === 422) {
      const shown = {};
      for (const [field, message] of Object.entries(err.fields)) {
        const name = fieldOf(field);
        shown[name] = hasKey(`error.${name}`) ? t(`error.${name}`) : `${t('error.generic')} (${message})`;
      }
      showFieldErrors(form, shown);
    } else {
      await refusal(status, err);
    }
  }
}

/** A refusal other than field errors (rate limit, server busy...): what happened, when to retry, whom to call. */
async function refusal(status, err) {
  const key = err instanceof ApiError
    ? { 0: 'error.network', 429: 'refusal.too_many', 403: 'refusal.forbidden', 413: 'refusal.too_large', 503: 'refusal.unavailable' }[err.status]
    : null;
  if (!key) { status.textContent = problemText(err); return; }
  let phone = '';
  try { phone = (await reference()).programme.coordination_phone; } catch { /* the footer has it */ }
  const wait = err.retryAfter ? Math.max(1, Math.ceil(err.retryAfter / 60)) : 0;
  mount(status, h('strong', {}, t('refusal.title')), ' ', t(key),
    wait ? [' ', t('refusal.wait_js', { minutes: String(wait) })] : '',
    phone ? [' ', t('refusal.phone_intro'), ' ', h('a', { href: `tel:${phone}`, class: 'phone' }, phone)] : '');
}

/** With the city's addresses imported, the address field completes them (address_combobox.js). */
async function completeAddresses() {
  let ref = null;
  try { ref = await reference(); } catch { return; }  // no completion: the plain field works
  if (!ref.programme.address_completion) return;
  const address = document.getElementById('f-resident.address');
  addressCombobox(address, {
    neighbourhood: document.getElementById('f-resident.neighbourhood'),
    neighbourhoodName: (code) => neighbourhoodName(ref, code),
  });
  const hint = document.getElementById('hint-resident.address');
  if (hint) hint.append(' ', t('address.hint'));
}

async function main() {
  if (!form) return;
  await initI18n(document.documentElement.lang);  // the server chose the page's language
  form.noValidate = true;
  const button = form.querySelector('button[type="submit"]');
  button.after(h('p', { id: 'form-status', class: 'form-status', role: 'status' }));
  for (const r of form.querySelectorAll('[name="start"]')) r.addEventListener('change', toggleDate);
  toggleDate();
  form.addEventListener('submit', submit);
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();
  completeAddresses();  // the form works already; completion comes when the reference data is there
}

main();
