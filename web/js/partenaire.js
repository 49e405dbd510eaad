// The partners' area (associations, social services): sign-in, refer a resident (a request on the
// "partner" channel, whose tracking code is handed to the resident), the collective actions of the
// association (create, see who signed up, record who came, cancel: collectives.js), and the supports the
// coordination handed over to it.
// Hash routes (#/...) so the server serves one page.
import {
  initI18n, t, h, mount, api, ApiError, setCsrf, getCsrf, langSwitch, announce, reference, categoryLabel,
  fmtDate, problemText, idempotencyKey, getLang, signInForm,
} from './lib.js';
import { requestFields, readRequestForm, requestBody, showRequestError } from './request_form.js';
import { collectivesView } from './collectives.js';

const main = document.getElementById('main');
const app = { me: null, ref: null, partner: null };

function routeName() {
  return location.hash.replace(/^#\/?/, '').split('/')[0] || 'orienter';
}

function renderNav() {
  const nav = document.getElementById('nav');
  if (!app.me) { mount(nav); return; }
  const current = routeName();
  const link = (r, label) => h('li', {}, h('a', { href: `#/${r === 'orienter' ? '' : r}`, 'aria-current': current === r ? 'page' : null }, label));
  mount(nav, h('ul', {},
    link('orienter', t('pa.nav.refer')),
    link('actions', t('pa.nav.collectives')),
    link('suivis', t('pa.nav.supports')),
    h('li', {}, h('button', { type: 'button', class: 'link', on: { click: logout } }, t('co.nav.logout')))));
}

function view(title, ...children) {
  document.title = `${title} – ${t('pa.title')}`;
  const h1 = h('h1', { tabindex: '-1', id: 'page-title' }, title);
  mount(main, h1, ...children);
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

async function guard(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { signedOut(t('error.signed_out')); return undefined; }
    throw err;
  }
}

// --- sign-in ---------------------------------------------------------------------------------------------

function loginView(message) {
  const form = signInForm({
    attrs: { class: 'big-form', id: 'login-form' },
    allowed: (role) => role === 'partner',
    refusedKey: 'pa.login.not_partner',
    onSignedIn: async (user) => { app.me = user; await started(); },
  });
  const h1 = view(t('pa.login.title'), h('p', {}, t('pa.login.lead')),
    message ? h('p', { class: 'notice' }, message) : null, form);
  h1.focus();
}

async function logout() {
  try { await api('POST', '/api/v1/auth/logout', {}); } catch { /* signed out anyway */ }
  signedOut();
}

// --- refer a resident ------------------------------------------------------------------------------------

function referView() {
  const key = idempotencyKey();
  const fields = requestFields(app.ref, 'pa', { consentLabel: t('pa.refer.consent'), markOptional: true, phoneHint: true });
  const form = h('form', { id: 'refer-form', novalidate: true },
    h('p', { class: 'hint' }, t('pa.refer.required_note')),
    h('div', { class: 'columns' },
      h('div', {}, h('h2', {}, t('pa.refer.need')), fields.need),
      h('div', {}, h('h2', {}, t('pa.refer.resident')), fields.resident)),
    fields.consent,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('pa.refer.submit'))),
    h('p', { class: 'form-status', role: 'status', id: 'refer-status' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = readRequestForm(form);
    if (!d) return;
    const status = form.querySelector('#refer-status');
    status.textContent = t('demande.sending');
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const created = await api('POST', '/api/v1/requests', requestBody(d), { idempotencyKey: key });
      const h1 = view(t('pa.refer.done_title'),
        h('div', { class: 'confirmation', role: 'status' }, h('p', {}, t('pa.refer.give_code')),
          h('p', { class: 'tracking-code', id: 'refer-code' }, created.tracking_code),
          h('p', {}, t('pa.refer.next'))),
        h('p', {}, h('a', { href: `/suivi?lang=${getLang()}` }, t('pa.refer.track')), ' · ',
          h('a', { href: '#/', on: { click: (ev) => { ev.preventDefault(); referView(); } } }, t('pa.refer.another'))));
      h1.focus();
      announce(t('pa.refer.done_title'));
    } catch (err) {
      button.disabled = false;
      showRequestError(form, status, err);
    }
  });
  const h1 = view(t('pa.refer.title'), h('p', {}, t('pa.refer.lead', { partner: app.partner ? app.partner.name : '' })), form);
  h1.focus();
}

// --- supports handed over --------------------------------------------------------------------------------

async function supportsView() {
  const holder = h('div', {}, h('p', {}, t('common.loading')));
  const h1 = view(t('pa.sup.title'), h('p', {}, t('pa.sup.lead')), holder);
  h1.focus();
  let page;
  try { page = await guard(() => api('GET', '/api/v1/supports?limit=100')); } catch (err) { mount(holder, errorBox(err)); return; }
  if (!page) return;
  if (!page.items.length) { mount(holder, h('p', {}, t('pa.sup.none'))); return; }
  mount(holder, h('div', { class: 'table-scroll' }, h('table', { id: 'supports' },
    h('caption', { class: 'visually-hidden' }, t('pa.sup.title')),
    h('thead', {}, h('tr', {}, [t('co.col.category'), t('co.f.recurrence'), t('pa.sup.since'), t('co.col.status'), t('pa.sup.note'), t('pa.sup.contact')]
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, page.items.map((s) => h('tr', { dataset: { supportId: s.id } },
      h('td', {}, categoryLabel(app.ref, s.category)),
      h('td', {}, t(`recurrence.${s.recurrence}`)),
      h('td', {}, fmtDate(s.created_at)),
      h('td', {}, t(`pa.sup.status.${s.status}`)),
      h('td', {}, s.handover_note || '—'),
      // The resident's contact, given with their agreement: read on demand (each read is recorded).
      h('td', {}, s.handover_consent_at ? h('button', { type: 'button', class: 'small', on: { click: async (e) => {
        const cell = e.target.parentElement;
        try {
          const one = await api('GET', `/api/v1/supports/${encodeURIComponent(s.id)}`);
          mount(cell, one.resident ? h('span', { class: 'support-contact' }, `${one.resident.first_name} ${one.resident.last_name} · `,
            h('a', { href: `tel:${one.resident.phone}` }, one.resident.phone), ` · ${one.resident.address}`) : t('pa.sup.no_contact'));
        } catch (err) { mount(cell, errorBox(err)); }
      } } }, t('pa.sup.show_contact')) : '—')))))));
}

// --- routing ---------------------------------------------------------------------------------------------

async function route() {
  if (!app.me) return;
  renderNav();
  try {
    switch (routeName()) {
      case 'orienter': referView(); break;
      case 'actions': await collectivesView({ view, guard, ref: app.ref, staff: false }); break;
      case 'suivis': await supportsView(); break;
      default: view(t('error.not_found'), h('p', {}, h('a', { href: '#/' }, t('pa.nav.refer'))));
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signedOut(t('error.signed_out')); else view(t('error.unexpected'), errorBox(err));
  }
}

async function started() {
  try { app.partner = await api('GET', `/api/v1/partners/${encodeURIComponent(app.me.partner_id)}`); } catch { app.partner = null; }
  renderNav();
  await route();
}

async function boot() {
  await initI18n();
  document.getElementById('skip-link').textContent = t('common.skip');
  document.getElementById('brand').textContent = t('pa.brand');
  mount(document.getElementById('lang'), langSwitch());
  try {
    app.ref = await reference();
  } catch (err) {
    view(t('error.unexpected'), errorBox(err));
    return;
  }
  window.addEventListener('hashchange', route);
  if (!getCsrf()) { loginView(); return; }
  try {
    const me = await api('GET', '/api/v1/me');
    if (me.user.role !== 'partner') { loginView(t('pa.login.not_partner')); return; }
    app.me = me.user;
    await started();
  } catch {
    loginView();
  }
}

boot();
