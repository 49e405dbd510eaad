// The volunteers' app (mobile first): registration, sign-in, my proposals (accept, decline with a reason),
// my missions (resident details as the API gives them: only once accepted), report a mission as done,
// drop out, my availability and profile, pause / resume / withdraw. Installable (manifest + a service
// worker that caches the app shell only; missions always come from the API).
import {
  initI18n, t, h, mount, api, ApiError, setCsrf, getCsrf, langSwitch, announce, reference, categoryLabel,
  volunteerCategoryDescription, neighbourhoodName, fmtDateTime, fmtDate, fmtTime, showFieldErrors, clearFieldErrors,
  fieldMessage, problemText, idempotencyKey, formData, getLang, signInForm, passwordSection, charterBox, fmtDay,
  categoryTraining,
} from './lib.js';

const main = document.getElementById('main');
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const LANGUAGES = ['fr', 'en', 'es', 'de', 'it', 'pt', 'ar', 'uk', 'ru', 'tr'];
const app = { me: null, ref: null };

function view(title, ...children) {
  document.title = `${title} – ${t('vo.title')}`;
  const h1 = h('h1', { tabindex: '-1' }, title);
  mount(main, h1, ...children);
  h1.focus();
  return h1;
}

function errorBox(err) { return h('p', { class: 'notice', role: 'alert' }, problemText(err)); }

function renderNav() {
  const nav = document.getElementById('nav');
  if (!app.me) { mount(nav); return; }
  const here = location.hash.replace(/^#\/?/, '').split('/')[0] || 'missions';
  const link = (name, href, label) => h('li', {}, h('a', { href, 'aria-current': here === name ? 'page' : null }, label));
  mount(nav, h('ul', {},
    link('missions', '#/', t('vo.nav.missions')),
    link('disponibilites', '#/disponibilites', t('vo.nav.availability')),
    link('compte', '#/compte', t('vo.nav.account'))));
}

function signedOut(message) {
  app.me = null;
  setCsrf('');
  renderNav();
  homeView(message);
}

async function guard(fn) {
  try { return await fn(); } catch (err) {
    if (err instanceof ApiError && err.status === 401) { signedOut(); return undefined; }
    throw err;
  }
}

// --- signed out ------------------------------------------------------------------------------------------

function homeView(message) {
  const form = signInForm({
    attrs: { id: 'login-form' },
    prefix: 'vo',
    buttonClass: 'primary big',
    allowed: (role) => role === 'volunteer',
    refusedKey: 'vo.not_volunteer',
    onSignedIn: (user) => { app.me = user; history.replaceState(null, '', '#/'); route(); },
  });
  view(t('vo.home.title'),
    message ? h('p', { class: 'success', role: 'status' }, message) : null,
    h('p', { class: 'lead' }, t('vo.home.lead')),
    h('h2', {}, t('vo.home.signin')), form,
    codeSection(),
    h('h2', {}, t('vo.home.new')), h('p', {}, t('vo.home.new_text')),
    h('p', {}, h('a', { href: '#/inscription', class: 'button' }, t('vo.home.register'))));
}

/** Signing in without a password: a code by email or text message (when the server sends them). */
function codeSection() {
  const methods = app.methods || {};
  if (!methods.email_code && !methods.sms_code) return null;
  const status = h('p', { class: 'form-status', role: 'status', id: 'code-status' });
  const ask = h('form', { novalidate: true, id: 'code-ask-form' },
    h('div', { class: 'field' }, h('label', { for: 'code-to' }, t(methods.sms_code && methods.email_code ? 'vo.code.to'
      : methods.sms_code ? 'vo.code.to_phone' : 'vo.code.to_email')),
    h('input', { id: 'code-to', name: 'to', type: 'text', autocomplete: 'username', required: true })),
    h('button', { type: 'submit', class: 'big' }, t('vo.code.send')));
  const enter = h('form', { novalidate: true, id: 'code-check-form', hidden: true },
    h('div', { class: 'field' }, h('label', { for: 'code-value' }, t('vo.code.code')),
      h('p', { class: 'hint', id: 'hint-code-value' }, t('vo.code.code_hint')),
      h('input', { id: 'code-value', name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
        maxlength: '6', pattern: '[0-9]{6}', required: true, 'aria-describedby': 'hint-code-value' })),
    h('button', { type: 'submit', class: 'primary big' }, t('vo.code.check')));
  let target = null;
  ask.addEventListener('submit', async (e) => {
    e.preventDefault();
    const to = formData(ask).to.trim();
    if (showFieldErrors(ask, to ? {} : { to: t('vo.code.need_to') })) return;
    clearFieldErrors(ask);
    target = to.includes('@') ? { email: to } : { phone: to };
    status.textContent = t('demande.sending');
    try {
      await api('POST', '/api/v1/auth/code', target);
      status.textContent = t('vo.code.sent');
      enter.hidden = false;
      enter.querySelector('#code-value').focus();
    } catch (err) {
      status.textContent = problemText(err);
      if (err instanceof ApiError && err.status === 422) showFieldErrors(ask, { to: Object.values(err.fields)[0] || problemText(err) });
    }
  });
  enter.addEventListener('submit', async (e) => {
    e.preventDefault();
    const code = formData(enter).code.replace(/\s/g, '');
    if (showFieldErrors(enter, /^[0-9]{6}$/.test(code) ? {} : { code: t('vo.code.need_code') })) return;
    clearFieldErrors(enter);
    try {
      const res = await api('POST', '/api/v1/auth/code/check', { ...target, code });
      await codeSignedIn(res);
    } catch (err) {
      status.textContent = err instanceof ApiError && err.status === 401 ? t('vo.code.wrong') : problemText(err);
    }
  });
  return h('section', { 'aria-labelledby': 'code-title', id: 'code-sign-in' },
    h('h2', { id: 'code-title' }, t('vo.code.title')), h('p', {}, t('vo.code.lead')), ask, enter, status);
}

async function codeSignedIn(res) {
  setCsrf(res.csrf_token);
  app.me = res.user;
  history.replaceState(null, '', '#/');
  await route();
}

/** The link of a code's message (#connexion=<secret>: a fragment, never sent to any server but by this call). */
async function signInByLink() {
  const link = location.hash.slice('#connexion='.length);
  history.replaceState(null, '', '#/');  // the secret leaves the address bar at once
  try {
    await codeSignedIn(await api('POST', '/api/v1/auth/code/check', { link }));
  } catch (err) {
    homeView();
    main.querySelector('h1').after(h('p', { class: 'notice', role: 'alert', id: 'link-refused' },
      err instanceof ApiError && err.status === 401 ? t('vo.code.link_used') : problemText(err)));
  }
}

function checkboxGroup(name, legend, options, checked = [], hint) {
  const hintId = hint ? `hint-${name}` : null;
  return h('fieldset', { class: 'checks', id: `fs-${name}`, 'aria-describedby': hintId },
    h('legend', {}, legend), hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    options.map(([value, label, desc]) => {
      const id = `${name}-${value}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'checkbox', id, name, value, checked: checked.includes(value) }),
        h('label', { for: id }, h('span', { class: 'choice-label' }, label), desc ? h('span', { class: 'choice-desc' }, desc) : null));
    }));
}

/** One row per day: available or not, from, to. */
function availabilityEditor(slots = []) {
  const byDay = Object.fromEntries(slots.map((s) => [s.day, s]));
  return h('fieldset', { id: 'availability' }, h('legend', {}, t('vo.avail.legend')),
    h('p', { class: 'hint' }, t('vo.avail.hint')),
    DAYS.map((d) => {
      const s = byDay[d];
      return h('div', { class: 'availability-row', dataset: { day: d } },
        h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: `av-${d}`, name: `av_${d}`, value: 'yes', checked: Boolean(s) }),
          h('label', { for: `av-${d}` }, t(`day.${d}`))),
        h('div', { class: 'field' }, h('label', { for: `av-${d}-start` }, t('vo.avail.from')),
          h('input', { type: 'time', id: `av-${d}-start`, name: `av_${d}_start`, value: s ? s.start : '09:00' })),
        h('div', { class: 'field' }, h('label', { for: `av-${d}-end` }, t('vo.avail.to')),
          h('input', { type: 'time', id: `av-${d}-end`, name: `av_${d}_end`, value: s ? s.end : '12:00' })));
    }));
}

function readAvailability(form) {
  const out = [];
  for (const d of DAYS) {
    if (!form.querySelector(`#av-${d}`).checked) continue;
    out.push({ day: d, start: form.querySelector(`#av-${d}-start`).value, end: form.querySelector(`#av-${d}-end`).value });
  }
  return out;
}

function registerView() {
  const ref = app.ref;
  const prog = ref.programme || {};
  if (prog.registration_open_now === false) {
    // The call is closed (or not open yet): say so, and when it opens if a date is set; no form to fill in vain.
    const later = prog.registration_open && prog.registration_opens_at && new Date(prog.registration_opens_at) > new Date();
    view(t('vo.reg.title'),
      h('p', { class: 'notice', id: 'call-closed' }, later ? t('vo.reg.opens_on', { date: fmtDateTime(prog.registration_opens_at) }) : t('vo.reg.closed')),
      h('p', {}, h('a', { href: '#/' }, t('vo.reg.back'))));
    return;
  }
  const key = idempotencyKey();
  // The charter in force (if any), read before accepting it; redrawn if it changes while they read.
  const charterHolder = h('div', { id: 'reg-charter' });
  let charter = null;
  const drawCharter = (c) => {
    charter = c || null;
    if (!charter) { mount(charterHolder); return; }
    mount(charterHolder, h('section', { 'aria-labelledby': 'reg-charter-title', class: 'charter' },
      h('h2', { id: 'reg-charter-title' }, t('charter.title')),
      h('p', { class: 'charter-meta', id: 'reg-charter-version' }, t('charter.version', { version: charter.version, date: fmtDay(charter.published_at) })),
      h('p', { class: 'hint', id: 'reg-charter-lead' }, t('vo.reg.charter_lead')),
      charterBox(charter, { id: 'reg-charter-text', labelledBy: 'reg-charter-title' }),
      h('div', { class: 'choice' },
        h('input', { type: 'checkbox', id: 'reg-charter-accept', name: 'charter_version', value: charter.version, required: true,
          'aria-describedby': 'reg-charter-version reg-charter-lead' }),
        h('label', { for: 'reg-charter-accept' }, t('vo.reg.charter_accept')))));
  };
  drawCharter(prog.charter);
  const text = (name, label, type, auto, hint) => h('div', { class: 'field' },
    h('label', { for: `reg-${name}` }, label), hint ? h('p', { class: 'hint', id: `hint-reg-${name}` }, hint) : null,
    h('input', { id: `reg-${name}`, name, type, autocomplete: auto, required: true, 'aria-describedby': hint ? `hint-reg-${name}` : null }));
  const form = h('form', { novalidate: true, id: 'register-form' },
    h('p', { class: 'hint' }, t('form.required_note')),
    text('first_name', t('demande.first_name'), 'text', 'given-name'),
    text('last_name', t('demande.last_name'), 'text', 'family-name'),
    text('email', t('demande.email'), 'email', 'email'),
    text('phone', t('demande.phone'), 'tel', 'tel'),
    h('div', { class: 'field' },
      h('label', { for: 'reg-password' }, t('vo.reg.password'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
      h('p', { class: 'hint', id: 'hint-reg-password' }, t('vo.reg.password_hint')),
      h('input', { id: 'reg-password', name: 'password', type: 'password', autocomplete: 'new-password', 'aria-describedby': 'hint-reg-password' })),
    h('div', { class: 'field' }, h('label', { for: 'reg-neighbourhood' }, t('demande.neighbourhood')),
      h('select', { id: 'reg-neighbourhood', name: 'neighbourhood', required: true },
        h('option', { value: '' }, t('demande.neighbourhood_choose')),
        ref.neighbourhoods.map((n) => h('option', { value: n.code }, n.name)))),
    checkboxGroup('skills', t('vo.reg.skills'), ref.categories.map((c) => [c.code, categoryLabel(ref, c.code), volunteerCategoryDescription(ref, c.code)]), [], t('vo.reg.skills_hint')),
    availabilityEditor([]),
    checkboxGroup('languages', t('vo.reg.languages'), LANGUAGES.map((l) => [l, t(`language.${l}`)]), ['fr']),
    h('div', { class: 'field' }, h('label', { for: 'reg-max' }, t('vo.reg.max')),
      h('input', { id: 'reg-max', name: 'max_missions_per_week', type: 'number', min: '1', max: '14', value: '2', required: true })),
    charterHolder,
    h('p', { id: 'reg-consent-text' }, t('vo.reg.consent_text')),
    h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: 'reg-consent', name: 'consent', value: 'yes', 'aria-describedby': 'reg-consent-text' }),
      h('label', { for: 'reg-consent' }, t('vo.reg.consent'))),
    h('p', { class: 'form-status', role: 'status', id: 'reg-status' }),
    h('button', { type: 'submit', class: 'primary big' }, t('vo.reg.submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form, ['skills', 'languages']);
    const errors = {};
    for (const [f, k] of [['first_name', 'error.resident.first_name'], ['last_name', 'error.resident.last_name'],
      ['email', 'vo.err.email'], ['phone', 'error.resident.phone'], ['neighbourhood', 'error.resident.neighbourhood']]) {
      if (!d[f]) errors[f] = t(k);
    }
    if (d.password && d.password.length < 12) errors.password = t('vo.err.password');
    if (!d.skills.length) errors.skills = t('vo.err.skills');
    if (!d.languages.length) errors.languages = t('vo.err.languages');
    if (charter && !d.charter_version) errors.charter_version = t('vo.err.charter');
    if (!d.consent) errors.consent = t('vo.err.consent');
    if (showFieldErrors(form, errors)) return;
    clearFieldErrors(form);
    const status = form.querySelector('#reg-status');
    status.textContent = t('demande.sending');
    const body = {
      first_name: d.first_name, last_name: d.last_name, email: d.email, phone: d.phone,
      neighbourhood: d.neighbourhood, skills: d.skills, availability: readAvailability(form), languages: d.languages,
      max_missions_per_week: Number(d.max_missions_per_week) || 2, consent: true,
    };
    if (d.password) body.password = d.password;
    if (charter) body.charter_version = d.charter_version;
    try {
      await api('POST', '/api/v1/volunteers', body, { idempotencyKey: key });
      history.replaceState(null, '', '#/');  // no hashchange: it would redraw the page without the message
      homeView(t('vo.reg.done'));
    } catch (err) {
      status.textContent = problemText(err);
      if (err instanceof ApiError && err.status === 409) status.textContent = t('vo.reg.conflict');
      if (err instanceof ApiError && err.status === 422) {
        const shown = {};
        for (const [f, m] of Object.entries(err.fields)) {
          if (f === 'charter_version') continue;
          const name = f.startsWith('availability') ? `av_${DAYS[0]}` : f.replace(/\[\d+\]$/, '');
          shown[name] = fieldMessage(f.startsWith('availability') ? 'availability' : f, m);
        }
        if ('charter_version' in err.fields) {
          // The charter changed while they read it (or was published meanwhile): the new text, to accept again.
          try {
            app.ref.programme = await api('GET', '/api/v1/programme');
            drawCharter(app.ref.programme.charter);
          } catch { /* the message below still says why */ }
          shown.charter_version = t(charter ? 'vo.err.charter_changed' : 'vo.err.charter_gone');
        }
        showFieldErrors(form, shown);
      }
    }
  });
  view(t('vo.reg.title'), h('p', {}, t('vo.reg.lead')), form,
    h('p', {}, h('a', { href: '#/' }, t('vo.reg.back'))));
}

// --- my missions -----------------------------------------------------------------------------------------

function slotText(m) {
  return `${fmtDateTime(m.starts_at)} – ${fmtTime(m.ends_at)}`;
}

/** The resident once the mission is accepted: name, address with a map link, phone, what helps to help them. */
function residentBlock(r) {
  const needs = ['reduced_mobility', 'visually_impaired', 'not_french_speaking'].filter((n) => r.needs && r.needs[n]);
  // A geo: URI opens the phone's own map app at the place (RFC 5870); with no coordinates, the address searched.
  const map = r.location ? `geo:${r.location.lat},${r.location.lon}?q=${r.location.lat},${r.location.lon}`
    : r.address ? `geo:0,0?q=${encodeURIComponent(r.address)}` : null;
  return h('div', { class: 'resident', 'aria-label': t('vo.m.resident') },
    h('p', {}, h('strong', {}, r.first_name)),
    r.address ? h('p', { class: 'address' }, r.address, ' ', h('a', { href: map, class: 'map-link' }, t('vo.m.map'))) : null,
    h('p', {}, h('a', { href: `tel:${r.phone}` }, r.phone)),
    needs.length ? h('ul', { class: 'needs', 'aria-label': t('vo.m.needs') }, needs.map((n) => h('li', {}, t(`vo.m.need.${n}`)))) : null);
}

function missionCard(m, ...actions) {
  const ref = app.ref;
  return h('li', { class: 'card', dataset: { missionId: m.id, status: m.status } },
    h('h3', {}, categoryLabel(ref, m.category)),
    h('p', { class: 'meta' }, h('strong', {}, slotText(m))),
    h('p', { class: 'meta' }, t('vo.m.neighbourhood', { name: neighbourhoodName(ref, m.neighbourhood) }),
      m.recurrence === 'weekly' ? ` · ${t('recurrence.weekly')}` : ''),
    m.outreach ? h('p', { class: 'badge' }, t('vo.m.outreach')) : null,
    m.details ? h('p', {}, m.details) : null,
    m.resident ? residentBlock(m.resident) : null,
    m.expires_at && m.status === 'proposed' ? h('p', { class: 'meta' }, t('vo.m.expires', { when: fmtDateTime(m.expires_at) })) : null,
    actions);
}

async function act(path, body, message) {
  await api('POST', path, body);
  announce(message);
  await missionsView(message);
}

function declineForm(m) {
  const id = `decline-${m.id}`;
  const form = h('form', { class: 'decline' },
    h('div', { class: 'field' }, h('label', { for: `${id}-reason` }, t('vo.m.decline_reason')),
      h('select', { id: `${id}-reason`, name: 'reason' }, ['not_available', 'too_far', 'not_comfortable', 'other']
        .map((r) => h('option', { value: r }, t(`reason.${r}`))))),
    h('div', { class: 'field' }, h('label', { for: `${id}-note` }, t('vo.m.note'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
      h('input', { id: `${id}-note`, name: 'note', type: 'text', maxlength: '500' })),
    h('button', { type: 'submit' }, t('vo.m.decline_confirm')),
    h('p', { class: 'form-status', role: 'status' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const body = { reason: d.reason };
    if (d.note) body.note = d.note;
    try { await act(`/api/v1/missions/${m.id}/decline`, body, t('vo.m.declined')); } catch (err) {
      form.querySelector('.form-status').textContent = problemText(err);
    }
  });
  return h('details', {}, h('summary', {}, t('vo.m.decline')), form);
}

function reportForm(m) {
  const id = `report-${m.id}`;
  const minutes = Math.max(1, Math.round((new Date(m.ends_at) - new Date(m.starts_at)) / 60000));
  const form = h('form', { class: 'report', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: `${id}-duration` }, t('vo.r.duration')),
      h('input', { id: `${id}-duration`, name: 'duration_minutes', type: 'number', min: '1', max: '1440', value: String(minutes), required: true })),
    h('fieldset', { class: 'choices' }, h('legend', {}, t('vo.r.outcome')),
      ['good', 'difficult', 'incomplete'].map((o) => h('div', { class: 'choice' },
        h('input', { type: 'radio', id: `${id}-${o}`, name: 'outcome', value: o, checked: o === 'good' }),
        h('label', { for: `${id}-${o}` }, t(`outcome.${o}`))))),
    h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: `${id}-welfare`, name: 'welfare_concern', value: 'yes',
      'aria-describedby': `${id}-welfare-hint` }),
      h('label', { for: `${id}-welfare` }, t('vo.r.welfare'))),
    h('p', { class: 'hint', id: `${id}-welfare-hint` }, t('vo.r.welfare_hint')),
    h('div', { class: 'field' }, h('label', { for: `${id}-note` }, t('vo.r.note'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
      h('textarea', { id: `${id}-note`, name: 'note', rows: '3', maxlength: '2000' })),
    h('button', { type: 'submit', class: 'primary' }, t('vo.r.submit')),
    h('p', { class: 'form-status', role: 'status' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const duration = Number(d.duration_minutes);
    const errors = {};
    if (!Number.isInteger(duration) || duration < 1 || duration > 1440) errors.duration_minutes = t('vo.err.duration');
    if (d.welfare_concern && !d.note) errors.note = t('vo.err.welfare_note');
    if (showFieldErrors(form, errors)) return;
    clearFieldErrors(form);
    const report = { duration_minutes: duration, outcome: d.outcome, welfare_concern: Boolean(d.welfare_concern) };
    if (d.note) report.note = d.note;
    try { await act(`/api/v1/missions/${m.id}/complete`, { report }, t('vo.r.done')); } catch (err) {
      form.querySelector('.form-status').textContent = err instanceof ApiError && err.status === 409
        ? t('vo.r.not_started') : problemText(err);
    }
  });
  return h('details', { class: 'complete' }, h('summary', {}, t('vo.r.open')), form);
}

// An outreach call (a round of friendly calls to people on the city's register): the volunteer says how the
// call went rather than reporting a visit; the coordination's round figures move with it.
function callOutcomeForm(m) {
  const id = `call-${m.id}`;
  const categories = (app.ref && app.ref.categories) || [];
  const needBox = h('div', { class: 'field', hidden: true, id: `${id}-needbox` },
    h('label', { for: `${id}-need` }, t('vo.call.need')),
    h('select', { id: `${id}-need`, name: 'need' }, categories.map((c) => h('option', { value: c.code }, categoryLabel(app.ref, c.code)))),
    h('label', { for: `${id}-details` }, t('vo.call.details'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
    h('input', { id: `${id}-details`, name: 'details', type: 'text', maxlength: '2000' }));
  const outcomes = ['reached_fine', 'needs_help', 'not_reached', 'declined'];
  const form = h('form', { class: 'report call-outcome', novalidate: true },
    h('fieldset', { class: 'choices' }, h('legend', {}, t('vo.call.outcome')),
      outcomes.map((o) => h('div', { class: 'choice' },
        h('input', { type: 'radio', id: `${id}-${o}`, name: 'outcome', value: o, checked: o === 'reached_fine' }),
        h('label', { for: `${id}-${o}` }, t(`vo.call.o.${o}`))))),
    needBox,
    h('div', { class: 'field' }, h('label', { for: `${id}-duration` }, t('vo.call.duration')),
      h('input', { id: `${id}-duration`, name: 'duration_minutes', type: 'number', min: '1', max: '480', value: '15' })),
    h('div', { class: 'field' }, h('label', { for: `${id}-note` }, t('vo.r.note'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
      h('textarea', { id: `${id}-note`, name: 'note', rows: '3', maxlength: '2000' })),
    h('button', { type: 'submit', class: 'primary' }, t('vo.call.submit')),
    h('p', { class: 'form-status', role: 'status' }));
  form.addEventListener('change', () => { needBox.hidden = formData(form).outcome !== 'needs_help'; });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const body = { outcome: d.outcome };
    const errors = {};
    if (d.outcome === 'reached_fine' || d.outcome === 'needs_help') {
      const duration = Number(d.duration_minutes);
      if (!Number.isInteger(duration) || duration < 1 || duration > 480) errors.duration_minutes = t('vo.call.err_duration');
      body.duration_minutes = duration;
    }
    if (showFieldErrors(form, errors)) return;
    clearFieldErrors(form);
    if (d.note) body.note = d.note;
    if (d.outcome === 'needs_help') body.need = d.details ? { category: d.need, details: d.details } : { category: d.need };
    try { await act(`/api/v1/missions/${m.id}/call-outcome`, body, t(`vo.call.done.${d.outcome}`)); } catch (err) {
      form.querySelector('.form-status').textContent = err instanceof ApiError && err.status === 409
        ? t('vo.call.not_yet') : problemText(err);
    }
  });
  return h('details', { class: 'complete' }, h('summary', {}, t('vo.call.open')), form);
}

function dropForm(m) {
  const id = `drop-${m.id}`;
  const form = h('form', {},
    h('p', {}, t('vo.d.warning')),
    h('div', { class: 'field' }, h('label', { for: `${id}-reason` }, t('vo.d.reason')),
      h('select', { id: `${id}-reason`, name: 'reason' }, ['no_longer_available', 'health', 'emergency', 'other']
        .map((r) => h('option', { value: r }, t(`reason.${r}`))))),
    h('div', { class: 'field' }, h('label', { for: `${id}-note` }, t('vo.m.note'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
      h('input', { id: `${id}-note`, name: 'note', type: 'text', maxlength: '500' })),
    h('button', { type: 'submit', class: 'danger' }, t('vo.d.confirm')),
    h('p', { class: 'form-status', role: 'status' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const body = { reason: d.reason };
    if (d.note) body.note = d.note;
    try { await act(`/api/v1/missions/${m.id}/drop`, body, t('vo.d.done')); } catch (err) {
      form.querySelector('.form-status').textContent = problemText(err);
    }
  });
  return h('details', {}, h('summary', {}, t('vo.d.open')), form);
}

/** The partners' group activities still to come: sign up or withdraw in one tap. */
async function collectivesSection() {
  let page;
  try {
    page = await api('GET', `/api/v1/collective-missions?status=open&from=${encodeURIComponent(new Date().toISOString())}&limit=50`);
  } catch { return null; }  // not essential: the missions above stay usable
  const ref = app.ref;
  const status = h('p', { class: 'form-status', role: 'status', id: 'collectives-status' });
  const card = (c) => h('li', { class: 'card', dataset: { collectiveId: c.id } },
    h('h3', {}, c.title),
    h('p', { class: 'meta' }, h('strong', {}, `${fmtDateTime(c.starts_at)} – ${fmtTime(c.ends_at)}`)),
    c.place || c.neighbourhood ? h('p', { class: 'meta' }, c.place || '', c.neighbourhood ? ` (${neighbourhoodName(ref, c.neighbourhood)})` : '') : null,
    c.description ? h('p', {}, c.description) : null,
    h('p', { class: 'meta' }, t('vo.c.organiser', { name: c.organiser_name })),
    h('p', { class: 'meta' }, t('vo.c.places', { remaining: c.remaining, capacity: c.capacity })),
    c.signed_up_by_me ? h('p', { class: 'badge ok' }, t('vo.c.signed_up')) : null,
    // The organiser sees the first names of those signed up; the phone number only if the volunteer agrees.
    !c.signed_up_by_me && c.remaining > 0 ? h('p', { class: 'check' }, h('label', {},
      h('input', { type: 'checkbox', name: 'share_phone', id: `share-phone-${c.id}` }), ' ', t('vo.c.share_phone'))) : null,
    h('div', { class: 'button-row' }, h('button', {
      type: 'button', class: c.signed_up_by_me ? '' : 'primary', disabled: !c.signed_up_by_me && c.remaining <= 0,
      on: { click: async (e) => {
        e.target.disabled = true;
        const path = `/api/v1/collective-missions/${encodeURIComponent(c.id)}/${c.signed_up_by_me ? 'cancel-signup' : 'signup'}`;
        const message = t(c.signed_up_by_me ? 'vo.c.left' : 'vo.c.joined', { title: c.title });
        const share = e.target.closest('li').querySelector('input[name="share_phone"]');
        const body = c.signed_up_by_me ? {} : { share_phone: Boolean(share && share.checked) };
        try { await act(path, body, message); } catch (err) {
          e.target.disabled = false;
          status.textContent = err instanceof ApiError && err.status === 409 ? t('vo.c.full') : problemText(err);
        }
      } },
    }, c.signed_up_by_me ? t('vo.c.leave') : c.remaining <= 0 ? t('vo.c.full_button') : t('vo.c.join'))));
  return h('section', { 'aria-labelledby': 'collectives-title' },
    h('h2', { id: 'collectives-title' }, t('vo.c.title')), h('p', { class: 'hint' }, t('vo.c.lead')),
    page.items.length ? h('ul', { class: 'cards-list', id: 'collectives' }, page.items.map(card)) : h('p', {}, t('vo.c.none')),
    status);
}

/**
 * A charter in force that this volunteer has not accepted (a new version, or a volunteer from before there was
 * one): its text and "I accept", which records the version read; the notice then goes. Null when nothing to do.
 */
async function charterNotice(me) {
  let programme;
  try { programme = await api('GET', '/api/v1/programme'); } catch { return null; }
  app.ref.programme = programme;
  const charter = programme.charter;
  const accepted = me && me.charter ? me.charter.version : null;
  if (!charter || charter.version === accepted) return null;
  const section = h('section', { id: 'charter-notice', class: 'panel charter-notice', 'aria-labelledby': 'charter-notice-title',
    dataset: { version: charter.version } });
  const draw = (c, error) => {
    const button = h('button', { type: 'button', class: 'primary big', id: 'charter-accept', 'aria-describedby': 'charter-notice-lead' },
      t('vo.ch.accept'));
    const status = h('p', { class: 'form-status', role: 'status', id: 'charter-notice-status' }, error || '');
    button.addEventListener('click', async () => {
      button.disabled = true;
      status.textContent = '';
      try {
        await api('POST', '/api/v1/me/charter', { version: c.version });
        // Done: the notice gives way to a thank-you, which takes the focus the button had.
        const done = h('p', { class: 'success', role: 'status', id: 'charter-accepted', tabindex: '-1' }, t('vo.ch.accepted', { version: c.version }));
        section.replaceWith(done);
        done.focus();
      } catch (err) {
        button.disabled = false;
        if (err instanceof ApiError && err.status === 401) { signedOut(); return; }
        if (err instanceof ApiError && err.status === 422) {
          // A newer version was published while they read: show it, to read and accept.
          try {
            const fresh = await api('GET', '/api/v1/programme');
            app.ref.programme = fresh;
            if (fresh.charter) { draw(fresh.charter, t('vo.ch.changed')); section.querySelector('#charter-notice-title').focus(); return; }
          } catch { /* said below */ }
        }
        status.textContent = problemText(err);
      }
    });
    section.dataset.version = c.version;
    mount(section,
      h('h2', { id: 'charter-notice-title', tabindex: '-1' }, t(accepted ? 'vo.ch.new_title' : 'vo.ch.first_title')),
      h('p', { id: 'charter-notice-lead' }, t(accepted ? 'vo.ch.new_lead' : 'vo.ch.first_lead', { version: c.version, previous: accepted || '' })),
      h('p', { class: 'charter-meta' }, t('charter.version', { version: c.version, date: fmtDay(c.published_at) })),
      charterBox(c, { id: 'charter-notice-text', labelledBy: 'charter-notice-title' }),
      h('div', { class: 'button-row' }, button), status);
  };
  draw(charter);
  return section;
}

async function missionsView(notice) {
  const since = new Date(Date.now() - 7 * 86400000).toISOString();
  let page;
  try {
    page = await guard(() => api('GET', `/api/v1/me/missions?from=${encodeURIComponent(since)}&limit=100`));
  } catch (err) { view(t('vo.m.title'), errorBox(err)); return; }
  if (!page) return;
  const proposals = page.items.filter((m) => m.status === 'proposed');
  const upcoming = page.items.filter((m) => m.status === 'accepted');
  const done = page.items.filter((m) => m.status === 'done');
  const acceptButton = (m) => h('button', { type: 'button', class: 'primary', on: { click: async (e) => {
    e.target.disabled = true;
    try { await act(`/api/v1/missions/${m.id}/accept`, {}, t('vo.m.accepted')); } catch (err) {
      e.target.disabled = false;
      e.target.after(h('p', { class: 'notice', role: 'alert' }, err instanceof ApiError && err.status === 409 ? t('vo.m.too_late') : problemText(err)));
    }
  } } }, t('vo.m.accept'));
  const collectives = await collectivesSection();
  const profile = await api('GET', '/api/v1/me/volunteer').catch(() => null);
  const charter = profile ? await charterNotice(profile) : null;
  view(t('vo.m.title'),
    notice ? h('p', { class: 'success', role: 'status' }, notice) : null,
    charter,
    h('section', { 'aria-labelledby': 'proposals-title' }, h('h2', { id: 'proposals-title' }, t('vo.m.proposals', { count: proposals.length })),
      proposals.length ? h('ul', { class: 'cards-list', id: 'proposals' }, proposals.map((m) => missionCard(m,
        h('div', { class: 'button-row' }, acceptButton(m)), declineForm(m))))
        : h('p', {}, t('vo.m.no_proposals'))),
    h('section', { 'aria-labelledby': 'upcoming-title' }, h('h2', { id: 'upcoming-title' }, t('vo.m.upcoming', { count: upcoming.length })),
      upcoming.length ? h('ul', { class: 'cards-list', id: 'upcoming' }, upcoming.map((m) => missionCard(m,
        new Date(m.starts_at) <= new Date() ? (m.outreach ? callOutcomeForm(m) : reportForm(m))
          : h('p', { class: 'hint' }, t(m.outreach ? 'vo.call.later' : 'vo.r.later')), dropForm(m))))
        : h('p', {}, t('vo.m.no_upcoming'))),
    done.length ? h('section', { 'aria-labelledby': 'done-title' }, h('h2', { id: 'done-title' }, t('vo.m.done')),
      h('ul', { class: 'cards-list', id: 'done' }, done.map((m) => missionCard(m, h('p', { class: 'badge ok' }, t('co.mission.done'))))))
      : null,
    collectives);
}

// --- availability and account ----------------------------------------------------------------------------

async function availabilityView(notice) {
  const me = await guard(() => api('GET', '/api/v1/me/volunteer'));
  if (!me) return;
  const ref = app.ref;
  const form = h('form', { novalidate: true, id: 'availability-form' },
    availabilityEditor(me.availability),
    h('div', { class: 'field' }, h('label', { for: 'pf-max' }, t('vo.reg.max')),
      h('input', { id: 'pf-max', name: 'max_missions_per_week', type: 'number', min: '1', max: '14', value: String(me.max_missions_per_week) })),
    checkboxGroup('skills', t('vo.reg.skills'), ref.categories.map((c) => [c.code, categoryLabel(ref, c.code)]), me.skills),
    h('div', { class: 'field' }, h('label', { for: 'pf-phone' }, t('demande.phone')),
      h('input', { id: 'pf-phone', name: 'phone', type: 'tel', autocomplete: 'tel', value: me.phone })),
    h('div', { class: 'field' }, h('label', { for: 'pf-neighbourhood' }, t('demande.neighbourhood')),
      h('select', { id: 'pf-neighbourhood', name: 'neighbourhood' },
        ref.neighbourhoods.map((n) => h('option', { value: n.code, selected: n.code === me.neighbourhood }, n.name)))),
    h('p', { class: 'form-status', role: 'status', id: 'pf-status' }),
    h('button', { type: 'submit', class: 'primary' }, t('vo.avail.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form, ['skills']);
    const errors = {};
    for (const day of DAYS) {
      if (form.querySelector(`#av-${day}`).checked
          && form.querySelector(`#av-${day}-start`).value >= form.querySelector(`#av-${day}-end`).value) {
        errors[`av_${day}_end`] = t('vo.err.slot', { day: t(`day.${day}`) });
      }
    }
    if (!d.skills.length) errors.skills = t('vo.err.skills');
    if (showFieldErrors(form, errors)) return;
    clearFieldErrors(form);
    try {
      await api('PATCH', '/api/v1/me/volunteer', {
        availability: readAvailability(form), max_missions_per_week: Number(d.max_missions_per_week),
        skills: d.skills, phone: d.phone, neighbourhood: d.neighbourhood,
      });
      await availabilityView(t('vo.avail.saved'));
    } catch (err) {
      form.querySelector('#pf-status').textContent = problemText(err);
      if (err instanceof ApiError && err.status === 422) {
        const shown = {};
        for (const [f, m] of Object.entries(err.fields)) shown[f.startsWith('availability') ? 'av_mon' : f] = fieldMessage(f, m);
        showFieldErrors(form, shown);
      }
    }
  });
  view(t('vo.avail.title'), notice ? h('p', { class: 'success', role: 'status' }, notice) : null, form);
}

async function accountView(notice) {
  const me = await guard(() => api('GET', '/api/v1/me/volunteer'));
  if (!me) return;
  const status = h('p', { class: 'form-status', role: 'status' });
  const simple = (path, label, message, cls) => h('button', { type: 'button', class: cls, on: { click: async (e) => {
    e.target.disabled = true;
    try {
      await api('POST', `/api/v1/volunteers/${me.id}/${path}`, {});
      await accountView(message);
    } catch (err) { e.target.disabled = false; status.textContent = problemText(err); }
  } } }, label);
  const parts = [
    notice ? h('p', { class: 'success', role: 'status' }, notice) : null,
    h('p', {}, t('vo.acc.status', { status: me.reserve ? t('co.vol.in_reserve') : t(`co.vol.status.${me.status}`) })),
    h('p', {}, `${me.first_name} ${me.last_name} · ${me.email}`),
  ];
  if (me.status === 'registered') parts.push(h('p', { class: 'notice' }, t('vo.acc.waiting')));
  if (me.email_confirmed === false) parts.push(await emailConfirmationSection());
  if (app.me && app.me.awaiting_validation) parts.push(await charterNotice(me));
  if (me.trainings) parts.push(trainingsSection(me));
  if (me.reserve) parts.push(reserveMemberSection(me, status));
  if (me.status === 'active') parts.push(h('h2', {}, t('vo.acc.pause_title')), h('p', {}, t('vo.acc.pause_text')), simple('pause', t('vo.acc.pause'), t('vo.acc.paused')));
  if (me.status === 'paused' && !me.reserve) parts.push(h('h2', {}, t('vo.acc.resume_title')), simple('resume', t('vo.acc.resume'), t('vo.acc.resumed'), 'primary'));
  if (me.status === 'active' || me.status === 'paused') parts.push(await preferencesSection(status), await pushSection(status), await calendarSection(status));
  // Rather than leaving: the reserve (a reserve member leaves it with its own button, above).
  if ((me.status === 'active' || me.status === 'paused') && !me.reserve) parts.push(reserveJoinSection(me, status));
  if (me.status !== 'withdrawn' && !me.reserve) {
    const reasons = ['no_longer_available', 'back_to_work', 'health', 'moved', 'not_as_expected', 'other'];
    const form = h('form', {},
      h('div', { class: 'field' }, h('label', { for: 'wd-reason' }, t('co.vol.withdraw_reason')),
        h('select', { id: 'wd-reason', name: 'reason' }, reasons.map((r) => h('option', { value: r }, t(`withdraw.${r}`))))),
      h('div', { class: 'field' }, h('label', { for: 'wd-note' }, t('vo.m.note'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
        h('input', { id: 'wd-note', name: 'note', type: 'text', maxlength: '500' })),
      h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: 'wd-confirm', name: 'confirm', value: 'yes' }),
        h('label', { for: 'wd-confirm' }, t('vo.acc.withdraw_confirm'))),
      h('button', { type: 'submit', class: 'danger' }, t('vo.acc.withdraw')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const d = formData(form);
      if (showFieldErrors(form, d.confirm ? {} : { confirm: t('vo.err.confirm') })) return;
      const body = { reason: d.reason };
      if (d.note) body.note = d.note;
      try {
        await api('POST', `/api/v1/volunteers/${me.id}/withdraw`, body);
        // Leaving ends the account's sessions: the thanks are said on the signed-out page.
        signedOut(t('vo.acc.withdrawn'));
      } catch (err) { status.textContent = problemText(err); }
    });
    parts.push(h('h2', {}, t('vo.acc.withdraw_title')), h('p', {}, t('vo.acc.withdraw_text')), form);
  }
  parts.push(passwordSection(status));
  parts.push(status, h('h2', {}, t('vo.acc.session')), h('button', { type: 'button', on: { click: async () => {
    try { await api('POST', '/api/v1/auth/logout', {}); } catch { /* signed out anyway */ }
    signedOut();
  } } }, t('co.nav.logout')));
  view(t('vo.acc.title'), ...parts);
}

/** Their address is not confirmed yet (the link of their registration, or of a coordinator's change, was not
 * opened): they may ask for it again, when this server sends email. */
async function emailConfirmationSection() {
  const methods = await api('GET', '/api/v1/auth/methods').catch(() => null);
  const said = h('p', { class: 'form-status', role: 'status', id: 'email-confirmation-status' });
  const button = h('button', { type: 'button', id: 'email-confirmation-resend', on: { click: async () => {
    button.disabled = true;
    try {
      await api('POST', '/api/v1/me/email-confirmation', {});
      said.textContent = t('vo.acc.email_resent');
    } catch (err) { button.disabled = false; said.textContent = problemText(err); }
  } } }, t('vo.acc.email_resend'));
  return h('section', { id: 'email-confirmation', class: 'notice' },
    h('p', {}, t('vo.acc.email_unconfirmed')),
    methods && methods.email_code ? [button, said] : null);
}

/** What the coordination recorded of their trainings (read-only): the kind of help it opens, its name, the day. */
function trainingsSection(me) {
  const ref = app.ref;
  const items = [...me.trainings].sort((a, b) => (a.trained_on < b.trained_on ? 1 : -1));
  return h('section', { id: 'my-trainings', 'aria-labelledby': 'my-trainings-title' },
    h('h2', { id: 'my-trainings-title' }, t('vo.tr.title')),
    items.length ? h('ul', { class: 'cards-list' }, items.map((r) => {
      const training = categoryTraining(ref, r.category);
      return h('li', { class: 'card', dataset: { category: r.category } },
        h('h3', {}, categoryLabel(ref, r.category)),
        training ? h('p', {}, training) : null,
        h('p', { class: 'meta' }, t('vo.tr.on', { date: fmtDay(r.trained_on) })));
    })) : h('p', {}, t('vo.tr.none')),
    h('p', { class: 'hint' }, t('vo.tr.hint')));
}

/** Staying in the reserve instead of leaving: no proposals any more, and the city may call on them again for
 * a future need. The consent is asked in words (recorded with its date); they may leave at any time. */
function reserveJoinSection(me, status) {
  const form = h('form', { id: 'reserve-form', novalidate: true },
    h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: 'reserve-consent', name: 'consent', value: 'yes' }),
      h('label', { for: 'reserve-consent' }, t('vo.res.consent'))),
    h('button', { type: 'submit', class: 'big' }, t('vo.res.join')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    if (showFieldErrors(form, d.consent ? {} : { consent: t('vo.res.err.consent') })) return;
    clearFieldErrors(form);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await api('POST', `/api/v1/volunteers/${me.id}/reserve`, { consent: true });
      await accountView(t('vo.res.joined'));
    } catch (err) { button.disabled = false; status.textContent = problemText(err); }
  });
  return h('section', { id: 'reserve', 'aria-labelledby': 'reserve-title' },
    h('h2', { id: 'reserve-title' }, t('vo.res.title')), h('p', {}, t('vo.res.text')), form);
}

/** A reserve member: since when, "I'm available again" (back to active) and "leave the reserve" (confirmed). */
function reserveMemberSection(me, status) {
  const available = h('button', { type: 'button', class: 'primary big', id: 'reserve-available', on: { click: async () => {
    available.disabled = true;
    try {
      await api('POST', `/api/v1/volunteers/${me.id}/resume`, {});
      await accountView(t('vo.res.available_done'));
    } catch (err) { available.disabled = false; status.textContent = problemText(err); }
  } } }, t('vo.res.available'));
  const leave = h('button', { type: 'button', class: 'danger', id: 'reserve-leave', on: { click: async () => {
    if (!window.confirm(t('vo.res.leave_confirm'))) return;
    leave.disabled = true;
    try {
      await api('POST', `/api/v1/volunteers/${me.id}/reserve/leave`, {});
      signedOut(t('vo.res.left'));  // leaving ends the account's sessions
    } catch (err) { leave.disabled = false; status.textContent = problemText(err); }
  } } }, t('vo.res.leave'));
  return h('section', { id: 'reserve', class: 'panel', 'aria-labelledby': 'reserve-title' },
    h('h2', { id: 'reserve-title' }, t('vo.res.in_title')),
    h('p', {}, t('vo.res.in_text', { date: fmtDate(me.reserve.joined_at) })),
    h('div', { class: 'button-row' }, available),
    h('h3', {}, t('vo.res.leave_title')), h('p', {}, t('vo.res.leave_text')),
    h('div', { class: 'button-row' }, leave));
}

/** The server's VAPID key as the bytes pushManager.subscribe() wants. */
function keyBytes(b64url) {
  const raw = atob(b64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64url.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** Notifications on this phone (web push): subscribe this device, or stop. Hidden where unsupported or off. */
async function pushSection(status) {
  const section = h('section', { 'aria-labelledby': 'push-title', id: 'push' });
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return section;
  let key;
  try { key = (await api('GET', '/api/v1/push/key')).public_key; } catch { return section; }
  const stored = () => localStorage.getItem('relais.push.subscription') || '';
  const draw = () => {
    const on = Boolean(stored());
    mount(section, h('h2', { id: 'push-title' }, t('vo.push.title')), h('p', {}, t(on ? 'vo.push.on' : 'vo.push.lead')),
      h('button', { type: 'button', id: on ? 'push-off' : 'push-on', class: on ? null : 'primary', on: { click: on ? stop : start } },
        t(on ? 'vo.push.stop' : 'vo.push.start')));
  };
  async function start() {
    try {
      if (await Notification.requestPermission() !== 'granted') { status.textContent = t('vo.push.denied'); return; }
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      const saved = await api('POST', '/api/v1/me/push-subscriptions', sub.toJSON());
      localStorage.setItem('relais.push.subscription', saved.id);
      status.textContent = t('vo.push.done');
    } catch (err) { status.textContent = err instanceof ApiError ? problemText(err) : t('vo.push.failed'); }
    draw();
  }
  async function stop() {
    try {
      await api('DELETE', `/api/v1/me/push-subscriptions/${encodeURIComponent(stored())}`);
    } catch (err) { if (!(err instanceof ApiError && err.status === 404)) { status.textContent = problemText(err); return; } }
    localStorage.removeItem('relais.push.subscription');
    try { const reg = await navigator.serviceWorker.ready; const sub = await reg.pushManager.getSubscription(); if (sub) await sub.unsubscribe(); } catch { /* gone already */ }
    status.textContent = t('vo.push.stopped');
    draw();
  }
  draw();
  return section;
}

/** How they want to be told things: channels in order, quiet hours, optional messages. */
async function preferencesSection(status) {
  const section = h('section', { 'aria-labelledby': 'prefs-title', id: 'preferences' });
  let p;
  try { p = await api('GET', '/api/v1/me/preferences'); } catch { return section; }
  const orders = { 'sms,email': 'vo.pref.sms_then_email', 'email,sms': 'vo.pref.email_then_sms', sms: 'vo.pref.sms_only', email: 'vo.pref.email_only' };
  const current = p.channels.join(',');
  const form = h('form', { id: 'prefs-form' },
    h('div', { class: 'field' }, h('label', { for: 'pref-channels' }, t('vo.pref.channels')),
      h('select', { id: 'pref-channels', name: 'channels' }, Object.entries(orders).map(([value, key]) =>
        h('option', { value, selected: value === current ? true : null }, t(key))))),
    h('fieldset', {}, h('legend', {}, t('vo.pref.quiet')),
      h('div', { class: 'field' }, h('label', { for: 'pref-from' }, t('vo.pref.from')),
        h('input', { id: 'pref-from', name: 'from', type: 'time', value: p.quiet_hours.from, required: true })),
      h('div', { class: 'field' }, h('label', { for: 'pref-until' }, t('vo.pref.until')),
        h('input', { id: 'pref-until', name: 'until', type: 'time', value: p.quiet_hours.until, required: true }))),
    h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: 'pref-optional', name: 'optional', value: 'yes', checked: p.optional_messages ? true : null }),
      h('label', { for: 'pref-optional' }, t('vo.pref.optional'))),
    h('div', { class: 'field' }, h('label', { for: 'pref-language' }, t('account.msg.language')),
      h('select', { id: 'pref-language', name: 'language' },
        [['', 'account.msg.language_auto'], ['fr', 'account.msg.language_fr'], ['en', 'account.msg.language_en']].map(([value, key]) =>
          h('option', { value, selected: value === (p.language || '') ? true : null }, t(key))))),
    h('button', { type: 'submit' }, t('vo.pref.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    try {
      await api('PUT', '/api/v1/me/preferences', {
        channels: d.channels.split(','), quiet_hours: { from: d.from, until: d.until }, optional_messages: Boolean(d.optional),
        language: d.language || null,
      });
      announce(t('vo.pref.saved'));
      status.textContent = t('vo.pref.saved');
    } catch (err) { status.textContent = problemText(err); }
  });
  const notes = [];
  if (!p.sms_enabled && !p.email_enabled) notes.push(t('vo.pref.none_on'));
  else if (p.sms_enabled && !p.mobile) notes.push(t('vo.pref.no_mobile'));
  if (p.texts_stopped) notes.push(t('vo.pref.stopped'));
  mount(section, h('h2', { id: 'prefs-title' }, t('vo.pref.title')), h('p', {}, t('vo.pref.lead')),
    ...notes.map((n) => h('p', { class: 'notice' }, n)), form);
  return section;
}

/** The personal calendar feed: make, remake or turn off the secret URL (shown once, right after making it). */
async function calendarSection(status) {
  const section = h('section', { 'aria-labelledby': 'calendar-title', id: 'calendar' });
  const draw = async (freshUrl) => {
    let state = { active: false };
    try { state = await api('GET', '/api/v1/me/calendar'); } catch { /* shown as off */ }
    const make = h('button', { type: 'button', class: state.active ? '' : 'primary', on: { click: async (e) => {
      e.target.disabled = true;
      try {
        const made = await api('POST', '/api/v1/me/calendar', {});
        await draw(`${location.origin}${made.path}`);
        section.querySelector('#calendar-url').focus();
      } catch (err) { e.target.disabled = false; status.textContent = problemText(err); }
    } } }, state.active ? t('vo.cal.remake') : t('vo.cal.make'));
    const off = state.active ? h('button', { type: 'button', on: { click: async () => {
      try { await api('DELETE', '/api/v1/me/calendar'); await draw(); announce(t('vo.cal.off_done')); } catch (err) { status.textContent = problemText(err); }
    } } }, t('vo.cal.off')) : null;
    mount(section, h('h2', { id: 'calendar-title' }, t('vo.cal.title')), h('p', {}, t('vo.cal.lead')),
      freshUrl ? [
        h('div', { class: 'field' }, h('label', { for: 'calendar-url' }, t('vo.cal.url')),
          h('p', { class: 'hint', id: 'calendar-hint' }, t('vo.cal.url_hint')),
          h('input', { id: 'calendar-url', type: 'text', readonly: true, value: freshUrl, 'aria-describedby': 'calendar-hint' })),
        h('p', {}, h('a', { href: freshUrl.replace(/^https?:/, 'webcal:') }, t('vo.cal.subscribe'))),
      ] : h('p', {}, state.active ? t('vo.cal.active', { date: fmtDateTime(state.created_at) }) : t('vo.cal.none')),
      h('div', { class: 'button-row' }, make, off));
  };
  await draw();
  return section;
}

// --- routing ---------------------------------------------------------------------------------------------

async function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  if (!app.me) {
    renderNav();
    if (parts[0] === 'inscription') registerView(); else homeView();
    return;
  }
  renderNav();
  try {
    switch (parts[0]) {
      case 'disponibilites': await availabilityView(); break;
      case 'compte': await accountView(); break;
      case 'inscription': registerView(); break;
      // Awaiting validation, the account page (the registration's status) is all there is to see.
      default:
        if (app.me.awaiting_validation) { await accountView(); break; }
        await missionsView();
        // "Did it happen?" links to #/missions/<id>: that mission's report, ready to fill in.
        if (parts[0] === 'missions' && parts[1]) {
          const field = document.getElementById(`report-${parts[1]}-duration`);
          if (field) {
            const fold = field.closest('details');
            if (fold) fold.open = true;
            field.scrollIntoView({ block: 'center' });
            field.focus();
          }
        }
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signedOut(); else view(t('error.unexpected'), errorBox(err));
  }
}

async function boot() {
  await initI18n();
  document.getElementById('skip-link').textContent = t('common.skip');
  document.getElementById('brand').textContent = t('vo.brand');
  mount(document.getElementById('lang'), langSwitch());
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/benevole-sw.js', { scope: '/benevole' }).catch(() => { /* works without */ });
  }
  try { app.ref = await reference(); } catch (err) { view(t('error.unexpected'), errorBox(err)); return; }
  try { app.methods = await api('GET', '/api/v1/auth/methods'); } catch { app.methods = {}; }
  if (location.hash.startsWith('#connexion=')) {
    await signInByLink();
    window.addEventListener('hashchange', route);
    document.documentElement.dataset.ready = getLang();
    return;
  }
  window.addEventListener('hashchange', route);
  if (getCsrf()) {
    try {
      const me = await api('GET', '/api/v1/me');
      if (me.user.role === 'volunteer') app.me = me.user;
    } catch { /* signed out */ }
  }
  await route();
  document.documentElement.dataset.ready = getLang();
}

boot();
