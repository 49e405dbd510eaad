// The city's administration (admin role): the programme's settings, the personal-data desk (find a resident
// or a volunteer, export their data, erase it with a reason, run retention now), staff accounts and the audit
// log. Hash routes (#/...) so the server serves one page. Every action goes through the same API as the
// other pages; nothing personal goes into a URL (searches are POSTs).
import {
  initI18n, t, h, mount, api, ApiError, setCsrf, getCsrf, langSwitch, announce, fmtDateTime, problemText,
  formData, signInForm, passwordSection, passwordLinkBox, hasKey, reference, categoryLabel, neighbourhoodName,
} from './lib.js';
import { categoriesView } from './admin_categories.js';
import { mapView } from './admin_map.js';
import { partnersView } from './admin_partners.js';
import { programmesView } from './admin_programmes.js';

const main = document.getElementById('main');
const app = { me: null };

function routeName() {
  return location.hash.replace(/^#\/?/, '').split('/')[0] || 'programme';
}

function renderNav() {
  const nav = document.getElementById('nav');
  if (!app.me) { mount(nav); return; }
  const current = routeName();
  const link = (r, label) => h('li', {}, h('a', { href: `#/${r === 'programme' ? '' : r}`, 'aria-current': current === r ? 'page' : null }, label));
  mount(nav, h('ul', {},
    link('programme', t('ad.nav.programme')),
    link('programmes', t('ad.nav.programmes')),
    link('categories', t('ad.nav.categories')),
    link('quartiers', t('ad.nav.map')),
    link('partenaires', t('ad.nav.partners')),
    link('donnees', t('ad.nav.data')),
    link('comptes', t('ad.nav.accounts')),
    link('journal', t('ad.nav.audit')),
    link('compte', t('co.nav.account')),
    h('li', {}, h('a', { href: '/coordination' }, t('ad.nav.console'))),
    h('li', {}, h('button', { type: 'button', class: 'link', on: { click: logout } }, t('co.nav.logout')))));
}

function view(title, ...children) {
  document.title = `${title} – ${t('ad.title')}`;
  const h1 = h('h1', { tabindex: '-1', id: 'page-title' }, title);
  mount(main, h1, ...children);
  h1.focus();
  return h1;
}

function errorBox(err) {
  return h('p', { class: 'notice', role: 'alert' }, problemText(err));
}

function signedOut(message) {
  app.me = null;
  setCsrf('');
  renderNav();
  loginView(message);
}

function loginView(message) {
  const form = signInForm({
    attrs: { class: 'big-form', id: 'login-form' },
    allowed: (role) => role === 'admin',
    refusedKey: 'ad.login.not_admin',
    onSignedIn: async (user) => {
      app.me = user;
      try { app.ref = await reference(); } catch { app.ref = null; }
      started();
    },
  });
  view(t('ad.login.title'), message ? h('p', { class: 'notice' }, message) : null, form);
}

async function logout() {
  try { await api('POST', '/api/v1/auth/logout', {}); } catch { /* signed out anyway */ }
  signedOut();
}

const field = (id, label, input, hint) => h('div', { class: 'field' }, h('label', { for: id }, label),
  hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, input);
const check = (id, name, label, checked) => h('div', { class: 'choice' },
  h('input', { type: 'checkbox', id, name, value: 'yes', checked: checked ? true : null }), h('label', { for: id }, label));

// --- the programme -------------------------------------------------------------------------------------

/** The score's components and their defaults (ScoreWeights in proto/openapi.yaml). */
const WEIGHTS = [['distance', 0.3], ['availability', 0.1], ['continuity', 0.2], ['fairness', 0.2], ['language', 0.1], ['urgency', 0.1]];

/** "2026-12-10T08:00:00Z" as a datetime-local input's value (this computer's time), and back. */
function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function isoOf(local) {
  return local ? new Date(local).toISOString().replace('.000Z', 'Z') : null;
}

/** Where the call for volunteers stands, in words. */
function callState(p) {
  if (p.registration_open_now) {
    return p.registration_closes_at ? t('ad.pg.call_open_until', { date: fmtDateTime(p.registration_closes_at) }) : t('ad.pg.call_open');
  }
  if (p.registration_open && p.registration_opens_at && new Date(p.registration_opens_at) > new Date()) {
    return t('ad.pg.call_opens', { date: fmtDateTime(p.registration_opens_at) });
  }
  return t('ad.pg.call_closed');
}

async function programmeView() {
  const p = await api('GET', '/api/v1/programme');
  const status = h('p', { role: 'status', id: 'programme-status', class: 'form-status' });
  const text = (name, value, attrs = {}) => h('input', { id: `pg-${name}`, name, value: value ?? '', ...attrs });
  const form = h('form', { id: 'programme-form', novalidate: true },
    field('pg-name', t('ad.pg.name'), text('name', p.name, { required: true, maxlength: '120' })),
    h('div', { class: 'columns' },
      field('pg-starts_on', t('ad.pg.starts_on'), text('starts_on', p.starts_on, { type: 'date', required: true })),
      field('pg-ends_on', t('ad.pg.ends_on'), text('ends_on', p.ends_on, { type: 'date' }), t('ad.pg.ends_on_hint'))),
    field('pg-coordination_phone', t('ad.pg.phone'), text('coordination_phone', p.coordination_phone, { type: 'tel', required: true }), t('ad.pg.phone_hint')),
    h('fieldset', {}, h('legend', {}, t('ad.pg.call')),
      h('p', { id: 'pg-call-state', class: p.registration_open_now ? 'badge ok' : 'badge' }, callState(p)),
      check('pg-registration_open', 'registration_open', t('ad.pg.registration_open'), p.registration_open),
      h('div', { class: 'columns' },
        field('pg-registration_opens_at', t('ad.pg.opens_at'), text('registration_opens_at', localInput(p.registration_opens_at), { type: 'datetime-local' }), t('ad.pg.opens_at_hint')),
        field('pg-registration_closes_at', t('ad.pg.closes_at'), text('registration_closes_at', localInput(p.registration_closes_at), { type: 'datetime-local' }), t('ad.pg.closes_at_hint')))),
    h('fieldset', {}, h('legend', {}, t('ad.pg.dispatch')),
      check('pg-auto_dispatch', 'auto_dispatch', t('ad.pg.auto_dispatch'), p.auto_dispatch),
      field('pg-proposal_ttl_minutes', t('ad.pg.ttl'), text('proposal_ttl_minutes', p.proposal_ttl_minutes, { type: 'number', min: '5', max: '10080', required: true })),
      field('pg-max_distance_km', t('ad.pg.max_distance'), text('max_distance_km', p.max_distance_km, { type: 'number', min: '0.1', max: '100', step: '0.1', required: true }))),
    h('fieldset', { id: 'pg-weights' }, h('legend', {}, t('ad.pg.weights')), h('p', { class: 'hint' }, t('ad.pg.weights_hint')),
      h('div', { class: 'columns' }, WEIGHTS.map(([k, def]) => field(`pg-w-${k}`, t(`ad.pg.w.${k}`),
        h('input', { id: `pg-w-${k}`, name: `w_${k}`, type: 'number', min: '0', max: '100', step: '0.05', value: String((p.weights || {})[k] ?? def) }))))),
    h('fieldset', {}, h('legend', {}, t('ad.pg.privacy')),
      field('pg-retention_days', t('ad.pg.retention'), text('retention_days', p.retention_days, { type: 'number', min: '1', max: '3650', required: true }), t('ad.pg.retention_hint'))),
    h('button', { type: 'submit', class: 'primary' }, t('ad.pg.save')),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    // Only what changed: the other settings stay as they are (and their events say what moved).
    const now = {
      name: d.name, starts_on: d.starts_on, ends_on: d.ends_on || null, coordination_phone: d.coordination_phone,
      registration_open: Boolean(d.registration_open), auto_dispatch: Boolean(d.auto_dispatch),
      proposal_ttl_minutes: Number(d.proposal_ttl_minutes), max_distance_km: Number(d.max_distance_km),
      retention_days: Number(d.retention_days),
      registration_opens_at: isoOf(d.registration_opens_at), registration_closes_at: isoOf(d.registration_closes_at),
    };
    const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => v !== (p[k] ?? null)));
    // The weights go as a whole when one of them moved (a key left out would take its default).
    const weights = Object.fromEntries(WEIGHTS.map(([k, def]) => [k, d[`w_${k}`] === '' ? def : Number(d[`w_${k}`])]));
    if (WEIGHTS.some(([k, def]) => weights[k] !== ((p.weights || {})[k] ?? def))) changed.weights = weights;
    if (!Object.keys(changed).length) { status.textContent = t('ad.pg.nothing'); return; }
    try {
      Object.assign(p, await api('PATCH', '/api/v1/programme', changed));
      const state = form.querySelector('#pg-call-state');
      state.textContent = callState(p);
      state.className = p.registration_open_now ? 'badge ok' : 'badge';
      status.textContent = t('ad.pg.saved');
      announce(t('ad.pg.saved'));
    } catch (err) { status.textContent = problemText(err); }
  });
  view(t('ad.pg.title'), h('p', {}, t('ad.pg.lead')), h('p', {}, h('a', { href: '#/programmes' }, t('ad.pg.programmes_link'))), form);
}

// --- the personal-data desk ----------------------------------------------------------------------------

/** A code in words when the dictionary has it (`<prefix><code>`), else the code as stored. */
function word(prefix, code) {
  return hasKey(`${prefix}${code}`) ? t(`${prefix}${code}`) : String(code);
}

/** Words for the codes a person reads in their export: kinds of help, neighbourhoods, urgency, states. */
const CODE_WORDS = {
  category: (v) => categoryLabel(app.ref, v),
  neighbourhood: (v) => neighbourhoodName(app.ref, v),
  urgency: (v) => word('urgency.', v),
  recurrence: (v) => word('recurrence.', v),
  preferred_contact: (v) => word('contact.', v),
  role: (v) => word('ad.role.', v),
  skills: (v) => { try { return JSON.parse(v).map((c) => categoryLabel(app.ref, c)).join(', '); } catch { return v; } },
};
const STATUS_WORDS = { requests: 'co.status.', missions: 'co.mission.', supports: 'pa.sup.status.' };

/**
 * A stored value in words: times (Unix seconds in `*_at`, `starts_at`...) as dates, flags as yes/no, codes as
 * their labels (`section`: which list a status belongs to).
 */
function plain(key, v, section) {
  if (v === null || v === undefined || v === '') return null;
  if (app.ref && CODE_WORDS[key] && typeof v === 'string') return CODE_WORDS[key](v);
  if (key === 'status' && STATUS_WORDS[section]) return word(STATUS_WORDS[section], v);
  if (typeof v === 'number' && /(^at|_at|_from|_until|_on)$/.test(key) && v > 100000000) return fmtDateTime(new Date(v * 1000).toISOString());
  if (key === 'languages' && typeof v === 'string') { try { return JSON.parse(v).join(', '); } catch { return v; } }
  if (typeof v === 'number' && /^(isolated|reduced_mobility|visually_impaired|not_french_speaking)$/.test(key)) return v ? t('ad.export.yes') : null;
  return String(v);
}

const EXPORT_FIELDS = {
  person: ['first_name', 'last_name', 'phone', 'email', 'address', 'neighbourhood', 'languages', 'isolated',
    'reduced_mobility', 'visually_impaired', 'not_french_speaking', 'preferred_contact', 'skills', 'consent_at',
    'consent_version', 'created_at', 'registered_at', 'validated_at', 'withdrawn_at'],
  requests: ['created_at', 'category', 'details', 'urgency', 'recurrence', 'status', 'closed_at'],
  missions: ['starts_at', 'ends_at', 'status'],
  supports: ['created_at', 'status', 'ended_at'],
  accounts: ['email', 'role', 'created_at'],
};

function factsOf(row, fields, section) {
  const pairs = fields.map((k) => [k, plain(k, row[k], section)]).filter(([, v]) => v !== null);
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', {}, t(`ad.export.f.${k}`)), h('dd', {}, v)]));
}

/**
 * The exported data as a plain-language page the admin can print and send to the person: who they are, their
 * requests or missions, and who consulted their data. The JSON download beside it holds every stored field.
 */
function exportPage(kind, data) {
  const person = data.resident || data.volunteer || {};
  const list = (key, fields) => (data[key] && data[key].length ? h('section', {},
    h('h3', {}, t(`ad.export.${key}`, { n: data[key].length })),
    h('ol', {}, data[key].map((row) => h('li', {}, factsOf(row, fields, key))))) : null);
  const audit = data.audit || [];
  return h('section', { class: 'panel', id: 'export-page' },
    h('h2', {}, t(`ad.data.export_title_${kind}`)),
    h('p', {}, t('ad.data.export_lead')),
    h('h3', {}, t('ad.export.you')), factsOf(person, EXPORT_FIELDS.person),
    list('accounts', EXPORT_FIELDS.accounts),
    list('requests', EXPORT_FIELDS.requests),
    list('supports', EXPORT_FIELDS.supports),
    list('missions', EXPORT_FIELDS.missions),
    h('h3', {}, t('ad.export.audit_title')),
    h('p', {}, t('ad.export.audit', { n: audit.length })),
    audit.length ? h('ul', {}, audit.slice(-10).map((a) => h('li', {},
      `${plain('at', a.at) || ''} · ${t(`ad.role.${a.role}`)} · ${a.action}`))) : null,
    h('p', {}, h('button', { type: 'button', on: { click: () => window.print() } }, t('ad.data.print'))));
}

function downloadLink(kind, id, data) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  return h('a', { href: URL.createObjectURL(blob), download: `${kind}-${id}.json`, id: 'export-download' }, t('ad.data.download'));
}

function eraseDialog(kind, person, after) {
  const dialog = h('dialog', { 'aria-labelledby': 'erase-title', id: 'erase-dialog' });
  const status = h('p', { role: 'status' });
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'erase-title' }, t('ad.data.erase_title', { name: `${person.first_name} ${person.last_name}` })),
    h('p', {}, t(`ad.data.erase_goes_${kind}`)),
    h('p', {}, t('ad.data.erase_kept')),
    h('div', { class: 'field' }, h('label', { for: 'erase-reason' }, t('ad.data.reason')),
      h('select', { id: 'erase-reason', name: 'reason' },
        h('option', { value: 'request' }, t('ad.data.reason_request')),
        h('option', { value: 'other' }, t('ad.data.reason_other')))),
    check('erase-confirm', 'confirm', t('ad.data.erase_confirm'), false),
    h('div', { class: 'button-row' },
      h('button', { type: 'button', value: 'cancel', on: { click: () => dialog.close() } }, t('ad.data.cancel')),
      h('button', { type: 'submit', class: 'danger', id: 'erase-go' }, t('ad.data.erase'))),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    if (!d.confirm) { status.textContent = t('ad.data.confirm_first'); form.querySelector('#erase-confirm').focus(); return; }
    try {
      await api('POST', `/api/v1/${kind}s/${person.id}/erase`, { reason: d.reason });
      dialog.close();
      announce(t('ad.data.erased'));
      after();
    } catch (err) { status.textContent = problemText(err); }
  });
  mount(dialog, form);
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
  form.querySelector('#erase-reason').focus();
}

function personCard(kind, person, how, results) {
  const detail = h('div', {});
  const card = h('li', { class: 'card', dataset: { personId: person.id } },
    h('h3', {}, `${person.first_name} ${person.last_name}`, ' ',
      h('span', { class: 'badge' }, t(`ad.data.kind_${kind}`))),
    h('p', { class: 'meta' }, [person.phone, person.email].filter(Boolean).join(' · ')),
    h('p', { class: 'hint' }, t('ad.data.matched', { how: how.map((x) => t(`ad.data.on_${x}`)).join(', ') })),
    h('div', { class: 'button-row' },
      h('button', { type: 'button', class: 'export', on: { click: async () => {
        try {
          const data = await api('GET', `/api/v1/${kind}s/${person.id}/export`);
          mount(detail, h('p', {}, downloadLink(kind, person.id, data)), exportPage(kind, data));
        } catch (err) { mount(detail, errorBox(err)); }
      } } }, t('ad.data.export')),
      h('button', { type: 'button', class: 'danger erase', on: { click: () => eraseDialog(kind, person, () => {
        mount(results, h('p', { class: 'success', role: 'status', id: 'erase-done' }, t('ad.data.erased_detail', { name: `${person.first_name} ${person.last_name}` })));
      }) } }, t('ad.data.erase'))),
    detail);
  return card;
}

function dataView() {
  const results = h('div', { id: 'data-results', 'aria-live': 'polite' });
  const box = h('input', { id: 'data-q', type: 'search', autocomplete: 'off', 'aria-describedby': 'data-q-hint' });
  const search = h('form', { id: 'data-search', role: 'search' },
    field('data-q', t('ad.data.search'), box, t('ad.data.search_hint')),
    h('button', { type: 'submit', class: 'primary' }, t('ad.data.find')));
  search.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const [residents, volunteers] = await Promise.all([
        api('POST', '/api/v1/residents/search', { q: box.value, limit: 20 }),
        api('POST', '/api/v1/volunteers/search', { q: box.value, limit: 20 })]);
      const cards = [
        ...residents.items.map((m) => personCard('resident', m.resident, m.matched_on, results)),
        ...volunteers.items.map((m) => personCard('volunteer', m.volunteer, m.matched_on, results))];
      mount(results, cards.length ? h('ul', { class: 'cards-list' }, cards) : h('p', {}, t('ad.data.nobody')));
    } catch (err) { mount(results, errorBox(err)); }
  });
  const retentionStatus = h('p', { role: 'status', id: 'retention-status' });
  const retention = h('section', { class: 'panel', id: 'retention' },
    h('h2', {}, t('ad.data.retention_title')), h('p', {}, t('ad.data.retention_lead')),
    h('button', { type: 'button', id: 'retention-run', on: { click: async () => {
      try {
        const r = await api('POST', '/api/v1/retention/run', {});
        retentionStatus.textContent = t('ad.data.retention_done', { residents: r.residents_erased, volunteers: r.volunteers_erased, messages: r.messages_purged });
      } catch (err) { retentionStatus.textContent = problemText(err); }
    } } }, t('ad.data.retention_run')), retentionStatus);
  view(t('ad.data.title'), h('p', {}, t('ad.data.lead')), search, results, retention);
  box.focus();
}

// --- staff accounts ------------------------------------------------------------------------------------

/** A staff account's role, changed in place (the person's sessions end; they sign in again with it). */
function roleSwitch(u, status, reload) {
  const id = `role-${u.id}`;
  const select = h('select', { id, 'aria-label': t('ad.acc.role_of', { email: u.email }), dataset: { userId: u.id } },
    ['coordinator', 'admin'].map((r) => h('option', { value: r, selected: r === u.role ? true : null }, t(`ad.role.${r}`))));
  select.addEventListener('change', async () => {
    if (!window.confirm(t('ad.acc.role_confirm', { email: u.email, role: t(`ad.role.${select.value}`) }))) {
      select.value = u.role;
      return;
    }
    try {
      await api('POST', `/api/v1/users/${u.id}/role`, { role: select.value });
      status.textContent = t('ad.acc.role_changed', { email: u.email, role: t(`ad.role.${select.value}`) });
      announce(status.textContent);
      await reload();
    } catch (err) { select.value = u.role; status.textContent = problemText(err); }
  });
  return select;
}

async function accountsView() {
  const list = h('div', { id: 'accounts-list' });
  const status = h('p', { role: 'status', id: 'accounts-status', class: 'form-status' });
  const load = async () => {
    const page = await api('GET', '/api/v1/users?limit=200');
    const staff = page.items.filter((u) => u.role !== 'volunteer');
    mount(list, h('table', {}, h('caption', {}, t('ad.acc.caption')),
      h('thead', {}, h('tr', {}, [t('ad.acc.email'), t('ad.acc.role'), t('ad.acc.state'), ''].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, staff.map((u) => h('tr', { dataset: { userId: u.id } },
        h('td', {}, u.email),
        h('td', {}, (u.role === 'admin' || u.role === 'coordinator') && !u.disabled_at && u.id !== app.me.id
          ? roleSwitch(u, status, load) : t(`ad.role.${u.role}`)),
        h('td', {}, u.disabled_at ? t('ad.acc.disabled', { date: fmtDateTime(u.disabled_at) }) : t('ad.acc.active')),
        h('td', {}, u.disabled_at || u.id === app.me.id ? '' : h('div', { class: 'button-row' },
          h('button', { type: 'button', dataset: { action: 'reset-link' }, on: { click: async () => {
            try {
              const link = await api('POST', `/api/v1/users/${u.id}/password-link`, {});
              mount(linkHolder, passwordLinkBox(link));
              status.textContent = t('ad.link.reset_made', { email: u.email });
            } catch (err) { status.textContent = problemText(err); }
          } } }, t('ad.link.reset')),
          h('button', { type: 'button', class: 'danger', on: { click: async () => {
            if (!window.confirm(t('ad.acc.disable_confirm', { email: u.email }))) return;
            try { await api('POST', `/api/v1/users/${u.id}/disable`, {}); status.textContent = t('ad.acc.disabled_now'); await load(); } catch (err) { status.textContent = problemText(err); }
          } } }, t('ad.acc.disable')))))))));
  };
  const linkHolder = h('div', { id: 'link-holder' });
  const form = h('form', { id: 'account-form', novalidate: true },
    h('h2', {}, t('ad.acc.new')),
    field('acc-email', t('ad.acc.email'), h('input', { id: 'acc-email', name: 'email', type: 'email', required: true, autocomplete: 'off' })),
    field('acc-role', t('ad.acc.role'), h('select', { id: 'acc-role', name: 'role' },
      ['coordinator', 'admin'].map((r) => h('option', { value: r }, t(`ad.role.${r}`))))),
    field('acc-password', [t('ad.acc.password'), ' ', h('span', { class: 'optional' }, t('form.optional'))],
      h('input', { id: 'acc-password', name: 'password', type: 'password', autocomplete: 'new-password', minlength: '12' }), t('ad.acc.password_hint')),
    h('button', { type: 'submit', class: 'primary' }, t('ad.acc.create')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    try {
      const body = { email: d.email, role: d.role };
      if (d.password) body.password = d.password;
      const created = await api('POST', '/api/v1/users', body);
      form.reset();
      mount(linkHolder, created.password_link ? passwordLinkBox(created.password_link) : '');
      status.textContent = t('ad.acc.created');
      await load();
    } catch (err) { status.textContent = problemText(err); }
  });
  view(t('ad.acc.title'), status, linkHolder, list, form);
  try { await load(); } catch (err) { mount(list, errorBox(err)); }
}

// --- the audit log -------------------------------------------------------------------------------------

async function auditView() {
  const table = h('div', { id: 'audit-table' });
  const more = h('p', {});
  const status = h('p', { role: 'status' });
  let rows = [];
  let cursor = null;
  const filters = h('form', { id: 'audit-filters' },
    h('div', { class: 'columns' },
      field('audit-subject', t('ad.audit.subject'), h('input', { id: 'audit-subject', name: 'subject_id', autocomplete: 'off' })),
      field('audit-user', t('ad.audit.user'), h('input', { id: 'audit-user', name: 'user_id', autocomplete: 'off' }))),
    h('div', { class: 'columns' },
      field('audit-action', t('ad.audit.action'), h('select', { id: 'audit-action', name: 'action' },
        ['', 'read', 'update', 'export', 'erase', 'merge'].map((a) => h('option', { value: a }, a ? a : t('ad.audit.any'))))),
      field('audit-from', t('ad.audit.from'), h('input', { id: 'audit-from', name: 'from', type: 'date' })),
      field('audit-until', t('ad.audit.until'), h('input', { id: 'audit-until', name: 'until', type: 'date' }))),
    h('button', { type: 'submit', class: 'primary' }, t('ad.audit.filter')));
  // Ids and dates only go in the query (the log's filters are by account, subject, action and time).
  const shown = () => rows;
  const draw = () => {
    const list = shown();
    mount(table, h('table', {}, h('caption', {}, t('ad.audit.caption', { n: list.length })),
      h('thead', {}, h('tr', {}, [t('ad.audit.at'), t('ad.audit.who'), t('ad.audit.action'), t('ad.audit.subject'), t('ad.audit.route')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, list.map((r) => h('tr', {},
        h('td', {}, fmtDateTime(r.at)), h('td', {}, `${r.user_id} (${t(`ad.role.${r.role}`)})`), h('td', {}, r.action),
        h('td', {}, `${t(`ad.data.kind_${r.subject_type}`)} ${r.subject_id}`), h('td', {}, r.route))))));
    mount(more, cursor ? h('button', { type: 'button', id: 'audit-more', on: { click: () => page(false) } }, t('ad.audit.more')) : '',
      ' ', h('button', { type: 'button', id: 'audit-csv', on: { click: exportCsv } }, t('ad.audit.csv')));
  };
  const page = async (fresh) => {
    const d = formData(filters);
    const q = new URLSearchParams({ limit: '200' });
    if (d.subject_id) q.set('subject_id', d.subject_id.trim());
    if (d.user_id) q.set('user_id', d.user_id.trim());
    if (d.action) q.set('action', d.action);
    if (d.from) q.set('from', new Date(`${d.from}T00:00:00`).toISOString());
    if (d.until) q.set('until', new Date(new Date(`${d.until}T00:00:00`).getTime() + 86400000).toISOString());
    if (!fresh && cursor) q.set('cursor', cursor);
    try {
      const got = await api('GET', `/api/v1/audit?${q}`);
      rows = fresh ? got.items : rows.concat(got.items);
      cursor = got.next_cursor;
      draw();
    } catch (err) { status.textContent = problemText(err); }
  };
  const exportCsv = () => {
    const cell = (v) => `"${String(v).replaceAll('"', '""')}"`;
    const lines = [['at', 'user_id', 'role', 'action', 'subject_type', 'subject_id', 'route'].join(',')]
      .concat(shown().map((r) => [r.at, r.user_id, r.role, r.action, r.subject_type, r.subject_id, r.route].map(cell).join(',')));
    const a = h('a', { href: URL.createObjectURL(new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv' })), download: 'audit.csv' });
    document.body.append(a);
    a.click();
    a.remove();
    status.textContent = t('ad.audit.csv_done');
  };
  filters.addEventListener('submit', (e) => { e.preventDefault(); page(true); });
  view(t('ad.audit.title'), h('p', {}, t('ad.audit.lead')), filters, status, table, more);
  await page(true);
}

// --- my account ----------------------------------------------------------------------------------------

function myAccountView() {
  const status = h('p', { role: 'status', id: 'account-status' });
  view(t('co.account.title'), status, passwordSection(status));
}

async function route() {
  if (!app.me) return;
  renderNav();
  try {
    switch (routeName()) {
      case 'programme': await programmeView(); break;
      case 'programmes': await programmesView(view, app.ref); break;
      case 'categories': await categoriesView(view); break;
      case 'quartiers': await mapView(view); break;
      case 'partenaires': await partnersView(view); break;
      case 'donnees': dataView(); break;
      case 'comptes': await accountsView(); break;
      case 'journal': await auditView(); break;
      case 'compte': myAccountView(); break;
      default: view(t('error.not_found'));
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signedOut(t('error.signed_out')); else view(t('error.unexpected'), errorBox(err));
  }
}

function started() {
  renderNav();
  route();
}

async function boot() {
  await initI18n();
  document.getElementById('skip-link').textContent = t('common.skip');
  document.getElementById('brand').textContent = t('ad.brand');
  mount(document.getElementById('lang'), langSwitch());
  window.addEventListener('hashchange', route);
  if (!getCsrf()) { loginView(); return; }
  try {
    const me = await api('GET', '/api/v1/me');
    if (me.user.role !== 'admin') { loginView(t('ad.login.not_admin')); return; }
    app.me = me.user;
    try { app.ref = await reference(); } catch { app.ref = null; }  // codes then shown as stored
    started();
  } catch {
    loginView();
  }
}

boot();
