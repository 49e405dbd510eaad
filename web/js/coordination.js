// The coordinators' console: sign-in, the dispatch queue kept live over the WebSocket feed
// (GET /api/v1/live: one notice per committed domain event, so each view redraws only when something it
// shows changed), a request's page with ranked candidates and one-click proposals, the batch plan,
// phone intake, volunteers, welfare alerts. Hash routes (#/...) so the server serves one page.
import {
  initI18n, t, h, mount, api, ApiError, setCsrf, getCsrf, langSwitch, announce, reference, categoryLabel,
  neighbourhoodName, fmtDateTime, fmtDate, ago, dateInputValue, localToIso, problemText, idempotencyKey, formData,
  nextId, getLang, hasKey, signInForm, passwordSection, fmtDay, showFieldErrors, clearFieldErrors, categoryTraining,
  patchRows,
} from './lib.js';
import { requestFields, readRequestForm, requestBody, showRequestError } from './request_form.js';
import { supportsView } from './coord_supports.js';
import { collectivesView } from './collectives.js';
import { reserveView } from './reserve.js';
import { outreachView } from './outreach.js';

/** A mission or withdrawal reason in words (free-text reasons are shown as typed). */
function reasonText(reason) {
  return hasKey(`reason.${reason}`) ? t(`reason.${reason}`) : reason;
}

const STAFF = ['coordinator', 'admin'];
const main = document.getElementById('main');
const app = {
  me: null,
  ref: null,
  ws: null,
  wsRetry: 0,
  wsTimer: null,
  refreshTimer: null,
  queueSelected: null,  // the request id selected from the keyboard in the queue
  focusFilter: false,
  gPending: false,
  queue: { status: 'new', redispatch: false, urgency: '', category: '', neighbourhood: '', stage: '', search: '' },
  seenRequests: null,
  volunteerNames: new Map(),
  onLiveChange: null,  // (changes since the last refresh: {all, events}) => refresh what the view shows
  liveChanges: { all: false, events: [] },
  requestShown: null,  // the request page on screen: {id, signature}
};

// --- shell -----------------------------------------------------------------------------------------------

function routeName() {
  const hash = location.hash.replace(/^#\/?/, '');
  return hash.split('/')[0] || 'queue';
}

function renderNav() {
  const nav = document.getElementById('nav');
  if (!app.me) { mount(nav); return; }
  const current = routeName();
  const link = (route, href, label) => h('li', {}, h('a', {
    href, 'aria-current': current === route ? 'page' : null,
  }, label));
  mount(nav, h('ul', {},
    link('queue', '#/', t('co.nav.queue')),
    link('plan', '#/plan', t('co.nav.plan')),
    link('saisie', '#/saisie', t('co.nav.intake')),
    link('residents', '#/residents', t('co.nav.residents')),
    link('benevoles', '#/benevoles', t('co.nav.volunteers')),
    link('reserve', '#/reserve', t('co.nav.reserve')),
    link('aller-vers', '#/aller-vers', t('co.nav.outreach')),
    link('accompagnements', '#/accompagnements', t('co.nav.supports')),
    link('actions', '#/actions', t('co.nav.collectives')),
    link('alertes', '#/alertes', t('co.nav.welfare')),
    link('appels', '#/appels', t('co.nav.calls')),
    h('li', {}, h('a', { href: '/coordination/bilan' }, t('co.nav.stats'))),
    link('compte', '#/compte', t('co.nav.account')),
    h('li', {}, h('button', { type: 'button', class: 'link', id: 'kb-open', 'aria-keyshortcuts': 'Shift+?',
      on: { click: showShortcuts } }, t('co.nav.shortcuts'))),
    h('li', {}, h('button', { type: 'button', class: 'link', on: { click: logout } }, t('co.nav.logout')))));
}

function setTitle(text) {
  document.title = `${text} – ${t('co.title')}`;
}

/** Renders a view into <main> and moves focus to its heading (route changes are announced). */
function view(title, ...children) {
  setTitle(title);
  const h1 = h('h1', { tabindex: '-1', id: 'page-title' }, title);
  mount(main, h1, ...children);
  return h1;
}

function errorBox(err) {
  return h('p', { class: 'notice', role: 'alert' }, problemText(err));
}

async function guard(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { signedOut(); return undefined; }
    throw err;
  }
}

function signedOut() {
  app.me = null;
  setCsrf('');
  closeLive();
  renderNav();
  mount(document.getElementById('banner'));
  loginView();
}

// --- sign-in ---------------------------------------------------------------------------------------------

function loginView(message) {
  const form = signInForm({
    attrs: { class: 'big-form' },
    allowed: (role) => STAFF.includes(role),
    refusedKey: 'co.login.not_staff',
    onSignedIn: (user) => { app.me = user; started(); },
  });
  const h1 = view(t('co.login.title'), message ? h('p', { class: 'notice' }, message) : null, form);
  h1.focus();
}

async function logout() {
  try { await api('POST', '/api/v1/auth/logout', {}); } catch { /* signed out anyway */ }
  signedOut();
}

// --- live feed -------------------------------------------------------------------------------------------

/** The live feed's state: shown once signed in only (before, there is no feed to be off). */
function liveIndicator(state) {
  const el = document.getElementById('live');
  el.dataset.state = state;
  el.hidden = !app.me;
  el.textContent = !app.me ? '' : state === 'live' ? t('co.live.on') : t('co.live.off');
}

function closeLive() {
  if (app.wsTimer) { clearTimeout(app.wsTimer); app.wsTimer = null; }
  if (app.ws) { const ws = app.ws; app.ws = null; ws.onclose = null; ws.close(); }
  liveIndicator('offline');
}

function openLive() {
  if (app.ws || !app.me) return;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live`;
  const ws = new WebSocket(url);
  app.ws = ws;
  let opened = false;
  ws.onopen = () => { opened = true; app.wsRetry = 0; liveIndicator('live'); };
  ws.onmessage = (event) => {
    let notice = null;
    try { notice = JSON.parse(event.data); } catch { return; }
    if (!notice) return;
    // hello: the feed (re)opened, resync: notices were lost; either way what is shown may be stale.
    if (notice.type === 'hello' || notice.type === 'resync') app.liveChanges.all = true;
    else if (notice.type === 'event') app.liveChanges.events.push(notice);
    else return;
    scheduleRefresh();
  };
  ws.onclose = (event) => {
    app.ws = null;
    liveIndicator('offline');
    // 1001: the server is stopping. Only a feed that was open says why it ended: a reconnection that fails
    // (1006, the server is gone) must not hide it.
    if (opened) document.getElementById('live').dataset.closeCode = String(event.code);
    if (!app.me) return;
    // Reconnect with backoff (the server may be restarting, or dropped us as too slow).
    const delay = Math.min(30000, 1000 * 2 ** app.wsRetry);
    app.wsRetry += 1;
    app.wsTimer = setTimeout(() => { app.wsTimer = null; openLive(); }, delay);
  };
}

/**
 * True if the changes may concern what a view shows: everything after a (re)connection, a lost notice or
 * the periodic poll; otherwise only if one of the events passes `test` ({entity, id, action, status,
 * request_id, volunteer_id...}).
 */
function concerns(changes, test) {
  return changes.all || changes.events.some(test);
}

/** The queue lists requests: their own events, and their missions' and supports' (flags, status). */
const queueEvent = (e) => ['request', 'mission', 'support', 'resident'].includes(e.entity);
/** The welfare banner and list: missions' welfare concerns raised or acknowledged. */
const welfareEvent = (e) => e.entity === 'mission' && e.action.startsWith('welfare_');
/** Calls to make: made by another console, or a mission accepted or cancelled (a new call). */
const callEvent = (e) => e.entity === 'call_task' || e.entity === 'mission';

/** Coalesces bursts of notices into one refresh of what is on screen. */
function scheduleRefresh() {
  if (app.refreshTimer) return;
  app.refreshTimer = setTimeout(async () => {
    app.refreshTimer = null;
    const changes = app.liveChanges;
    app.liveChanges = { all: false, events: [] };
    if (concerns(changes, welfareEvent)) refreshBanner();
    if (app.onLiveChange) {
      try { await app.onLiveChange(changes); } catch { /* shown on the next manual action */ }
    }
  }, 250);
}

/**
 * A periodic re-read as a fallback only (a feed that stays down): ?poll=off or localStorage
 * relais.coordination.poll = "off" switches it off (the browser tests do), a number sets its seconds.
 */
function pollSeconds() {
  const setting = new URLSearchParams(location.search).get('poll') || localStorage.getItem('relais.coordination.poll');
  if (setting === 'off') return 0;
  const n = Number(setting);
  return Number.isFinite(n) && n >= 5 ? n : 60;
}

// --- welfare banner --------------------------------------------------------------------------------------

async function refreshBanner() {
  const banner = document.getElementById('banner');
  try {
    const page = await api('GET', '/api/v1/missions?welfare=true&limit=200');
    const n = page.items.length;
    if (!n) { mount(banner); return; }
    mount(banner, h('section', { class: 'welfare-banner', 'aria-labelledby': 'welfare-banner-title' },
      h('h2', { id: 'welfare-banner-title', class: 'visually-hidden' }, t('co.welfare.title')),
      h('p', {}, '⚠ ', h('a', { href: '#/alertes' }, t('co.welfare.banner', { count: n })))));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signedOut();
  }
}

// --- the queue -------------------------------------------------------------------------------------------

function urgencyBadge(u) {
  const cls = { today: 'today', '48h': 'h48', week: 'week' }[u] || '';
  return h('span', { class: `badge ${cls}` }, t(`urgency.${u}`));
}

function selectField(id, label, options, value, onChange) {
  const select = h('select', { id, on: { change: onChange } },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  return h('div', { class: 'field' }, h('label', { for: id }, label), select);
}

async function queueView() {
  const filters = app.queue;
  const tableHolder = h('div', { id: 'queue-table', class: 'table-scroll' }, h('p', {}, t('common.loading')));
  const change = (key) => (e) => {
    filters[key] = e.target.type === 'checkbox' ? e.target.checked : e.target.value;
    app.seenRequests = null;
    loadQueue(tableHolder);
  };
  const ref = app.ref;
  const filterBox = h('form', { class: 'filters', 'aria-label': t('co.queue.filters'), on: { submit: (e) => e.preventDefault() } },
    selectField('q-status', t('co.queue.status'), [['new', t('co.status.new')], ['matched', t('co.status.matched')]],
      filters.status, change('status')),
    selectField('q-urgency', t('co.queue.urgency'), [['', t('co.queue.all')], ['today', t('urgency.today')],
      ['48h', t('urgency.48h')], ['week', t('urgency.week')]], filters.urgency, change('urgency')),
    selectField('q-category', t('co.queue.category'), [['', t('co.queue.all')],
      ...ref.categories.map((c) => [c.code, categoryLabel(ref, c.code)])], filters.category, change('category')),
    selectField('q-neighbourhood', t('co.queue.neighbourhood'), [['', t('co.queue.all')],
      ...ref.neighbourhoods.map((n) => [n.code, n.name])], filters.neighbourhood, change('neighbourhood')),
    selectField('q-stage', t('co.queue.stage'), [['', t('co.queue.all')],
      ...QUEUE_STAGES.map((st) => [st, t(`co.stage.${st}`)])], filters.stage || '', change('stage')),
    h('div', { class: 'field' }, h('label', { for: 'q-search' }, t('co.queue.search')),
      h('input', { type: 'search', id: 'q-search', value: filters.search || '', autocomplete: 'off',
        on: { input: (e) => { filters.search = e.target.value; filterQueueRows(tableHolder); } } })),
    h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: 'q-redispatch', checked: filters.redispatch,
      on: { change: change('redispatch') } }), h('label', { for: 'q-redispatch' }, t('co.queue.only_redispatch'))));
  const h1 = view(t('co.queue.title'), h('p', {}, t('co.queue.lead')),
    h('p', { class: 'hint' }, t('co.kb.queue_hint')), filterBox, tableHolder);
  if (app.focusFilter) { app.focusFilter = false; document.getElementById('q-status').focus(); } else h1.focus();
  app.onLiveChange = (changes) => (concerns(changes, queueEvent) ? loadQueue(tableHolder) : undefined);
  await loadQueue(tableHolder);
}

const QUEUE_STAGES = ['new', 'no_candidate', 'flagged', 'proposed', 'scheduled', 'weekly'];

function stageCell(r) {
  if (!r.stage) return '';
  const until = r.stage_until ? ` (${t(`co.stage_until.${r.stage}`, { time: fmtDateTime(r.stage_until) })})` : '';
  // (Not the classes "new" and "flag": they mark the rows that just arrived and the re-dispatch count.)
  const cls = { flagged: 'alert', no_candidate: 'alert', proposed: 'week', new: 'week' }[r.stage] || 'ok';
  return [h('span', { class: `badge stage ${cls}`, dataset: { stage: r.stage } }, t(`co.stage.${r.stage}`)), until];
}

/** The queue's search: the rows shown whose resident, details or category hold every word typed (accents
 * and case aside). The residents page searches everyone, phone numbers and tracking codes included. */
function filterQueueRows(holder) {
  const fold = (x) => x.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const words = fold(app.queue.search || '').split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const tr of holder.querySelectorAll('tbody tr')) {
    const hit = words.every((w) => fold(tr.textContent).includes(w));
    tr.hidden = !hit;
    if (hit) shown += 1;
  }
  const status = holder.querySelector('.queue-search-status');
  if (status) status.textContent = words.length ? t('co.queue.search_count', { count: shown }) : '';
}

async function loadQueue(holder) {
  const f = app.queue;
  // A stage says more than a status: with one, every open request at that stage.
  const q = new URLSearchParams(f.stage ? { stage: f.stage, limit: '100' } : { status: f.status, limit: '100' });
  if (f.urgency) q.set('urgency', f.urgency);
  if (f.category) q.set('category', f.category);
  if (f.neighbourhood) q.set('neighbourhood', f.neighbourhood);
  if (f.redispatch) q.set('redispatch', 'true');
  let page;
  try {
    page = await guard(() => api('GET', `/api/v1/requests?${q}`));
  } catch (err) {
    mount(holder, errorBox(err));
    return;
  }
  if (!page) return;
  const ref = app.ref;
  const before = app.seenRequests;
  const fresh = [];
  const rows = page.items.map((r) => {
    const isNew = before && !before.has(r.id);
    if (isNew) fresh.push(r);
    return h('tr', { class: isNew ? 'fresh' : null, dataset: { requestId: r.id } },
      h('td', {}, urgencyBadge(r.urgency)),
      h('td', {}, h('time', { datetime: r.created_at, title: fmtDateTime(r.created_at) }, ago(r.created_at))),
      h('td', {}, h('a', { href: `#/demande/${r.id}` }, categoryLabel(ref, r.category))),
      h('td', {}, r.resident_name || t('co.queue.erased')),
      h('td', {}, stageCell(r)),
      h('td', {}, neighbourhoodName(ref, r.neighbourhood)),
      h('td', {}, r.details.length > 90 ? `${r.details.slice(0, 90)}…` : r.details),
      h('td', {},
        isNew ? h('span', { class: 'badge new' }, t('co.queue.new_badge')) : null,
        r.redispatch ? h('span', { class: 'badge flag' }, t('co.queue.redispatch_badge', { count: r.redispatch_count })) : null,
        h('span', { class: 'badge week' }, t(`co.channel.${r.channel}`)),
        r.recurrence === 'weekly' ? h('span', { class: 'badge week' }, t('recurrence.weekly')) : null));
  });
  app.seenRequests = new Set(page.items.map((r) => r.id));
  const hadFocus = holder.contains(document.activeElement) && document.activeElement !== holder;
  const table = h('table', { id: 'queue' },
    h('caption', {}, t('co.queue.caption', { count: page.items.length }), ' · ',
      t('co.queue.updated', { time: new Date().toLocaleTimeString(getLang() === 'en' ? 'en-GB' : 'fr-FR') })),
    h('thead', {}, h('tr', {}, ['co.col.urgency', 'co.col.age', 'co.col.category', 'co.col.resident', 'co.col.stage',
      'co.col.neighbourhood', 'co.col.details', 'co.col.flags'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows));
  const more = page.next_cursor ? h('p', { class: 'hint queue-more' }, t('co.queue.more')) : null;
  const shownTable = holder.querySelector('table#queue');
  if (shownTable && page.items.length) {
    // A live refresh patches the table in place: a row or a link that did not change stays the same element,
    // so a click whose press and release straddle the refresh still opens the request.
    shownTable.caption.replaceWith(table.caption);
    patchRows(shownTable.tBodies[0], [...table.tBodies[0].rows], (tr) => tr.dataset.requestId);
    const oldMore = holder.querySelector('.queue-more');
    if (oldMore) oldMore.remove();
    if (more) holder.append(more);
  } else {
    mount(holder, page.items.length ? table : h('p', {}, t('co.queue.empty')),
      h('p', { class: 'queue-search-status', role: 'status' }), more);
  }
  filterQueueRows(holder);
  // The keyboard selection survives a live refresh (and keeps the focus if it had it).
  const selected = app.queueSelected && holder.querySelector(`tr[data-request-id="${app.queueSelected}"]`);
  if (selected) {
    selected.classList.add('kb-selected');
    if (hadFocus) selected.querySelector('a').focus();
  }
  if (fresh.length) announce(t('co.queue.arrived', { count: fresh.length }));
}

// --- a request -------------------------------------------------------------------------------------------

async function volunteerName(id) {
  if (app.volunteerNames.has(id)) return app.volunteerNames.get(id);
  try {
    const v = await api('GET', `/api/v1/volunteers/${encodeURIComponent(id)}`);
    const name = `${v.first_name} ${v.last_name}`;
    app.volunteerNames.set(id, name);
    return name;
  } catch {
    return id;
  }
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** When no ranking suggests a slot: the first daytime hour (09:00 to 18:00) inside the request's window
 * from the next round hour on, one hour long; the window's start if none. */
function defaultSlot(r) {
  const now = new Date();
  let start = new Date(r.window.from);
  if (start < now) { start = new Date(now); start.setMinutes(0, 0, 0); start.setHours(start.getHours() + 1); }
  const until = new Date(r.window.until);
  for (let c = new Date(start); c.getTime() + 3600000 <= until.getTime() && c - start < 14 * 86400000; c.setHours(c.getHours() + 1)) {
    if (c.getHours() >= 9 && c.getHours() <= 17) { start = c; break; }
  }
  return { starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3600000).toISOString() };
}

function slotFields(slot) {
  const start = new Date(slot.starts_at);
  const minutes = Math.max(15, Math.round((new Date(slot.ends_at) - start) / 60000));
  const p = (n) => String(n).padStart(2, '0');
  const durations = [30, 60, 90, 120, 180, 240];
  if (!durations.includes(minutes)) durations.push(minutes);
  // Once the coordinator sets the time (by hand or from a row), proposing keeps it for everyone.
  return h('fieldset', { class: 'slot-fields', id: 'slot', on: { input: (e) => { e.currentTarget.dataset.edited = '1'; } } },
    h('legend', {}, t('co.request.slot')),
    h('div', { class: 'field' }, h('label', { for: 'slot-date' }, t('co.request.slot_date')),
      h('input', { id: 'slot-date', name: 'slot_date', type: 'date', value: dateInputValue(start), required: true })),
    h('div', { class: 'field' }, h('label', { for: 'slot-time' }, t('co.request.slot_time')),
      h('input', { id: 'slot-time', name: 'slot_time', type: 'time', value: `${p(start.getHours())}:${p(start.getMinutes())}`,
        required: true })),
    h('div', { class: 'field' }, h('label', { for: 'slot-duration' }, t('co.request.slot_duration')),
      h('select', { id: 'slot-duration', name: 'slot_duration' },
        durations.sort((a, b) => a - b).map((d) => h('option', { value: String(d), selected: d === minutes },
          t('co.request.minutes', { count: d }))))));
}

function readSlot() {
  const date = document.getElementById('slot-date').value;
  const time = document.getElementById('slot-time').value;
  const minutes = Number(document.getElementById('slot-duration').value);
  const starts = localToIso(date, time);
  if (!starts) return null;
  return { starts_at: starts, ends_at: new Date(new Date(starts).getTime() + minutes * 60000).toISOString() };
}

function setSlot(slot) {
  const start = new Date(slot.starts_at);
  const p = (n) => String(n).padStart(2, '0');
  document.getElementById('slot-date').value = dateInputValue(start);
  document.getElementById('slot-time').value = `${p(start.getHours())}:${p(start.getMinutes())}`;
  const minutes = String(Math.round((new Date(slot.ends_at) - start) / 60000));
  const sel = document.getElementById('slot-duration');
  if (![...sel.options].some((o) => o.value === minutes)) sel.append(h('option', { value: minutes }, t('co.request.minutes', { count: minutes })));
  sel.value = minutes;
}

/** A yes/no question in a dialog: resolves true on yes. */
function ask(id, title, text, yesLabel, noLabel) {
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: 'primary', id: `${id}-yes` }, yesLabel);
    const no = h('button', { type: 'button', id: `${id}-no` }, noLabel);
    let answer = false;
    const dialog = openDialog(id, title, h('p', {}, text), [yes, no]);
    yes.addEventListener('click', () => { answer = true; dialog.close(); });
    no.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => resolve(answer));
    no.focus();
  });
}

async function propose(r, volunteerId, name, statusEl, ownSlot = null) {
  // A ranked volunteer gets their own suggested slot unless the coordinator set the time by hand.
  const fields = document.getElementById('slot');
  if (ownSlot && fields && !fields.dataset.edited) setSlot(ownSlot);
  const slot = readSlot();
  if (!slot) { statusEl.textContent = t('co.request.slot_invalid'); document.getElementById('slot-date').focus(); return; }
  statusEl.textContent = t('co.request.proposing');
  const body = { request_id: r.id, volunteer_id: volunteerId, ...slot };
  const when = fmtDateTime(slot.starts_at);
  try {
    // Up to two questions: a time already past is recorded as a mission that took place; a time outside
    // the volunteer's availability is proposed only if they agreed to it.
    for (;;) {
      try {
        await api('POST', '/api/v1/missions', body);
        break;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 422 && err.fields.starts_at && new Date(slot.starts_at) <= new Date() && !body.already_happened) {
          statusEl.textContent = '';
          if (!(await ask('past-slot', t('co.request.past_title'), t('co.request.past_text', { slot: when, name }),
            t('co.request.past_yes'), t('co.request.outside_no')))) { statusEl.textContent = t('co.request.outside_cancelled'); return; }
          body.already_happened = true;
        } else if (err.status === 409 && err.problem.type === '/problems/outside-availability' && !body.outside_availability_ok) {
          statusEl.textContent = '';
          if (!(await ask('outside-availability', t('co.request.outside_title'), t('co.request.outside_text', { slot: when, name }),
            t('co.request.outside_yes'), t('co.request.outside_no')))) { statusEl.textContent = t('co.request.outside_cancelled'); return; }
          body.outside_availability_ok = true;
        } else throw err;
      }
    }
    announce(t('co.request.proposed', { name }));
    await requestView(r.id, t('co.request.proposed', { name }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) {
      statusEl.textContent = Object.entries(err.fields).map(([f, m]) => `${f}: ${m}`).join(' · ') || problemText(err);
    } else if (err instanceof ApiError && err.status === 409 && String(err.problem.type || '').endsWith('/problems/training-required')) {
      // The kind of help needs a training this volunteer has no record of, named in the page's language (the
      // server's detail is English); their page is where it is recorded.
      // Read afresh: the administration may have set the training after this console loaded its reference.
      const fresh = await api('GET', '/api/v1/categories').catch(() => null);
      const training = (fresh && categoryTraining({ categories: fresh.items }, r.category)) || categoryTraining(app.ref, r.category);
      mount(statusEl, h('span', { id: 'training-required' },
        training ? t('co.tr.required_refused_named', { name, training }) : t('co.tr.required_refused', { name })), ' ',
        h('a', { href: `#/benevole/${volunteerId}` }, t('co.tr.record_on_page', { name })));
      announce(statusEl.textContent);
    } else {
      statusEl.textContent = problemText(err);
    }
  }
}

const COMPONENTS = ['distance', 'availability', 'continuity', 'fairness', 'language', 'urgency'];

/** The score's reasons in plain words ("1.2 km away", "available all the time asked", "already helps this
 * resident"), strongest first; the figures stay in the title for who wants them. */
function scoreReasons(c) {
  const k = c.components || {};
  const out = [];
  if (k.continuity >= 1) out.push(t('co.why.supports'));
  else if (k.continuity >= 0.75) out.push(t('co.why.helped_before'));
  if (c.distance_km !== null && c.distance_km !== undefined) {
    out.push(t('co.why.km', { km: String(Math.round(c.distance_km * 10) / 10).replace('.', getLang() === 'en' ? '.' : ',') }));
  } else if (k.distance === 0.5) out.push(t('co.why.same_neighbourhood'));
  if (k.availability >= 0.99) out.push(t('co.why.available_all'));
  else if (k.availability >= 0.5) out.push(t('co.why.available_most'));
  else if (k.availability > 0) out.push(t('co.why.available_part'));
  if (k.language >= 1) out.push(t('co.why.language'));
  if (k.fairness >= 1) out.push(t('co.why.never_mobilised'));
  else if (k.fairness >= 0.6) out.push(t('co.why.rested'));
  return out;
}

/** Active volunteers offering the request's help, each with a propose button (when there is no ranking). */
function pickerTable(r, volunteers, statusEl, id = null) {
  const ref = app.ref;
  return h('div', { class: 'table-scroll' }, h('table', { id },
    h('caption', {}, t('co.request.picker')),
    h('thead', {}, h('tr', {}, [t('co.col.volunteer'), t('co.col.neighbourhood'), t('co.col.skills'), t('co.col.availability'), t('co.col.action')]
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, volunteers.map((v) => {
      const name = `${v.first_name} ${v.last_name}`;
      const km = kmBetween(r.resident.location, v.location);
      return h('tr', {},
        h('td', {}, h('a', { href: `#/benevole/${v.id}` }, name)),
        h('td', {}, neighbourhoodName(ref, v.neighbourhood), km !== null ? ` (${t('co.request.km_away', { km })})` : '',
          v.neighbourhood === r.resident.neighbourhood ? h('span', { class: 'badge ok' }, t('co.request.same_neighbourhood')) : ''),
        h('td', {}, v.skills.map((s) => categoryLabel(ref, s)).join(', ')),
        h('td', {}, availabilityText(v.availability)),
        h('td', {}, h('button', { type: 'button', class: 'primary small', dataset: id ? { volunteerId: v.id } : { pickVolunteerId: v.id },
          on: { click: () => propose(r, v.id, name, statusEl) } }, t('co.request.propose_to', { name }))));
    }))));
}

async function candidatesSection(r) {
  const ref = app.ref;
  const statusEl = h('p', { class: 'form-status', role: 'status', id: 'propose-status' });
  let ranked = null;
  try {
    ranked = await api('GET', `/api/v1/requests/${encodeURIComponent(r.id)}/candidates?limit=10`);
  } catch (err) {
    // 404/405: no ranking on this server; 403: the route is not open to this role here. Then: the picker.
    if (!(err instanceof ApiError) || ![403, 404, 405].includes(err.status)) {
      return h('section', { class: 'panel' }, h('h2', {}, t('co.request.candidates')), errorBox(err));
    }
  }
  const slot = ranked && ranked.items.length && ranked.items[0].suggested_slot
    ? ranked.items[0].suggested_slot : defaultSlot(r);
  const section = h('section', { class: 'panel', 'aria-labelledby': 'candidates-title' },
    h('h2', { id: 'candidates-title' }, t('co.request.candidates')), slotFields(slot));
  if (ranked) {
    if (!ranked.items.length) {
      section.append(h('p', {}, t('co.request.no_candidates')));
      // The ranking excludes who is unavailable or too far; the coordinator, who may have phoned someone,
      // can still propose to any active volunteer offering this help.
      const q = new URLSearchParams({ status: 'active', skill: r.category, limit: '100' });
      const page = await api('GET', `/api/v1/volunteers?${q}`).catch(() => ({ items: [] }));
      if (page.items.length) {
        section.append(h('details', { class: 'picker' }, h('summary', {}, t('co.request.picker_anyway', { count: page.items.length })),
          pickerTable(r, page.items, statusEl)));
      }
    } else {
      const rows = ranked.items.map((c, i) => {
        const name = c.volunteer.first_name;
        const reasons = scoreReasons(c).join(' · ');
        return h('tr', {},
          h('td', {}, String(i + 1)),
          h('td', {}, h('a', { href: `#/benevole/${c.volunteer.id}` }, name)),
          h('td', {}, neighbourhoodName(ref, c.volunteer.neighbourhood),
            c.distance_km !== null && c.distance_km !== undefined ? ` (${c.distance_km} km)` : ''),
          h('td', {}, h('strong', {}, `${Math.round(c.score * 100)} %`), h('br'), h('span', { class: 'score-reasons',
            title: COMPONENTS.filter((x) => c.components && x in c.components)
              .map((x) => `${t(`co.score.${x}`)} ${Math.round(c.components[x] * 100)} %`).join(' · ') }, reasons)),
          h('td', {}, c.suggested_slot ? h('button', { type: 'button', class: 'small', on: { click: () => { setSlot(c.suggested_slot); document.getElementById('slot').dataset.edited = '1'; } } },
            t('co.request.use_slot', { slot: fmtDateTime(c.suggested_slot.starts_at) })) : ''),
          h('td', {}, h('button', { type: 'button', class: 'primary small', dataset: { volunteerId: c.volunteer.id },
            on: { click: () => propose(r, c.volunteer.id, name, statusEl, c.suggested_slot) } }, t('co.request.propose_to', { name }))));
      });
      section.append(h('div', { class: 'table-scroll' }, h('table', { id: 'candidates' },
        h('caption', {}, t('co.request.ranked')),
        h('thead', {}, h('tr', {}, ['#', t('co.col.volunteer'), t('co.col.neighbourhood'), t('co.col.score'),
          t('co.col.suggested'), t('co.col.action')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows))));
    }
  } else {
    // No ranking on this server: pick among the active volunteers who accept this category.
    const q = new URLSearchParams({ status: 'active', skill: r.category, limit: '100' });
    const page = await api('GET', `/api/v1/volunteers?${q}`);
    section.append(h('p', { class: 'hint' }, t('co.request.picker_hint')));
    if (!page.items.length) section.append(h('p', {}, t('co.request.no_candidates')));
    else section.append(pickerTable(r, page.items, statusEl, 'candidates'));
  }
  section.append(anyVolunteerSearch(r, statusEl), statusEl);
  return section;
}

/** Kilometres between two points (haversine): the distance shown for a volunteer found by name. */
function kmBetween(a, b) {
  if (!a || !b) return null;
  const rad = (x) => (x * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * 6371 * Math.asin(Math.sqrt(s)) * 10) / 10;
}

/**
 * Besides the ranking: any active volunteer, found by name, phone or email (someone the coordinator knows
 * or has just phoned), shown with their distance and availability, and proposed the same way.
 */
function anyVolunteerSearch(r, statusEl) {
  const results = h('div', { id: 'any-volunteer-results', 'aria-live': 'polite' });
  const box = h('input', { id: 'any-volunteer-q', type: 'search', autocomplete: 'off' });
  const form = h('form', { id: 'any-volunteer', role: 'search' },
    h('div', { class: 'field' }, h('label', { for: 'any-volunteer-q' }, t('co.request.any_volunteer')), box),
    h('button', { type: 'submit', class: 'small' }, t('co.residents.find')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const found = await api('POST', '/api/v1/volunteers/search', { q: box.value, limit: 20 });
      const active = found.items.map((m) => m.volunteer).filter((v) => v.status === 'active');
      mount(results, active.length ? pickerTable(r, active, statusEl, 'any-volunteer-table') : h('p', {}, t('co.request.any_none')));
    } catch (err) { mount(results, errorBox(err)); }
  });
  return h('details', { class: 'picker', id: 'any-volunteer-panel' }, h('summary', {}, t('co.request.any_volunteer_title')), form, results);
}

/**
 * The missions of a request (withVolunteer) or of a volunteer, with their actions; `after(message)` redraws
 * the page the table is on once an action is done.
 */
async function missionsTable(missions, withVolunteer = true, after = null) {
  if (!missions.length) return h('p', {}, t('co.missions.none'));
  const names = withVolunteer ? await Promise.all(missions.map((m) => volunteerName(m.volunteer_id))) : [];
  return h('div', { class: 'table-scroll' }, h('table', { class: 'missions' },
    h('thead', {}, h('tr', {}, [t('co.col.slot'), withVolunteer ? t('co.col.volunteer') : t('co.col.category'),
      t('co.col.status'), t('co.col.report'), t('co.col.action')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, missions.map((m, i) => h('tr', { dataset: { missionId: m.id, status: m.status } },
      h('td', {}, fmtDateTime(m.starts_at), ' – ', new Date(m.ends_at).toLocaleTimeString(getLang() === 'en' ? 'en-GB' : 'fr-FR', { hour: '2-digit', minute: '2-digit' })),
      h('td', {}, withVolunteer ? h('a', { href: `#/benevole/${m.volunteer_id}` }, names[i])
        : h('a', { href: `#/demande/${m.request_id}` }, categoryLabel(app.ref, m.category))),
      h('td', {}, h('span', { class: `badge ${m.status === 'done' ? 'ok' : m.status === 'proposed' ? 'new' : ''}` },
        t(`co.mission.${m.status}`)), m.reason ? ` (${reasonText(m.reason)})` : ''),
      h('td', {}, m.report ? [t('co.missions.report', {
        minutes: m.report.duration_minutes, outcome: t(`outcome.${m.report.outcome}`),
      }), m.report.welfare_concern ? h('span', { class: 'badge alert' }, t('co.welfare.badge')) : '',
      m.report.note ? h('br') : '', m.report.note || ''] : ''),
      h('td', {}, missionActions(m, after)))))));
}

/** A reason picker and a button that posts `{reason}` to the mission's `action` route. */
function reasonAction(m, done, { action, reasons, label, labelKey, message, cls = 'small' }) {
  const id = nextId(action);
  const select = h('select', { id, class: 'small' }, reasons.map((r) => h('option', { value: r }, t(`reason.${r}`))));
  return h('div', { class: 'toolbar' }, h('label', { for: id, class: 'visually-hidden' }, t(labelKey)), select,
    h('button', { type: 'button', class: cls, dataset: { action }, on: { click: async (e) => {
      e.target.disabled = true;
      try {
        await api('POST', `/api/v1/missions/${m.id}/${action}`, { reason: select.value });
        announce(t(message));
        await done(t(message));
      } catch (err) { e.target.disabled = false; announce(problemText(err)); e.target.after(errorBox(err)); }
    } } }, label));
}

/** A button that posts `body` to the mission's `action` route. */
function plainAction(m, done, action, label, message, body = {}) {
  return h('button', { type: 'button', class: 'small', dataset: { action }, on: { click: async (e) => {
    e.target.disabled = true;
    try {
      await api('POST', `/api/v1/missions/${m.id}/${action}`, body);
      announce(t(message));
      await done(t(message));
    } catch (err) { e.target.disabled = false; e.target.after(errorBox(err)); }
  } } }, label);
}

function missionActions(m, after) {
  const done = after || ((message) => requestView(m.request_id, message));
  const out = [];
  // What the volunteer told the coordination by phone, recorded for them (the history says so).
  if (m.status === 'proposed') {
    out.push(h('p', { class: 'hint' }, t('co.phone.lead')),
      h('div', { class: 'button-row' }, plainAction(m, done, 'accept', t('co.phone.accepts'), 'co.phone.accepted')),
      reasonAction(m, done, { action: 'decline', reasons: ['not_available', 'too_far', 'not_comfortable', 'other'],
        label: t('co.phone.declines'), labelKey: 'co.phone.decline_reason', message: 'co.phone.declined' }));
  }
  if (m.status === 'accepted') {
    out.push(h('p', { class: 'hint' }, t('co.phone.lead')),
      reasonAction(m, done, { action: 'drop', reasons: ['no_longer_available', 'health', 'emergency', 'other'],
        label: t('co.phone.drops'), labelKey: 'co.phone.drop_reason', message: 'co.phone.dropped' }));
    if (new Date(m.starts_at) < new Date()) {
      out.push(h('div', { class: 'button-row' },
        plainAction(m, done, 'complete', t('co.phone.done'), 'co.phone.reported',
          { report: { duration_minutes: Math.max(15, Math.round((new Date(m.ends_at) - new Date(m.starts_at)) / 60000)), outcome: 'good' } }),
        plainAction(m, done, 'missed', t('co.missions.missed'), 'co.missions.marked_missed')));
    }
  }
  if (m.status === 'proposed' || m.status === 'accepted') {
    out.push(reasonAction(m, done, { action: 'cancel', reasons: ['volunteer_unavailable', 'coordinator', 'resident_cancelled', 'other'],
      label: t('co.missions.cancel'), labelKey: 'co.missions.cancel_reason', message: 'co.missions.cancelled' }));
  }
  return out;
}

/** A status of the event log in words (request, mission or support), or as stored when unknown. */
function statusWord(entity, status) {
  const key = { request: `co.status.${status}`, mission: `co.mission.${status}`, support: `co.support.${status}` }[entity];
  return key && hasKey(key) ? t(key).toLowerCase() : status;
}

/** Who did it: the resident online, Relais itself, or the account (opaque id) of a staff member. */
function actorWord(actor) {
  if (app.me && actor === app.me.id) return t('co.actor.you');
  return hasKey(`co.actor.${actor}`) ? t(`co.actor.${actor}`) : actor;
}

/** Who acted, in words: "recorded by X for the volunteer" when a coordinator took a volunteer's call. */
function historyWho(ev) {
  const who = ev.actor === (app.me && app.me.id) ? t('co.actor.you') : ev.by || actorWord(ev.actor);
  return ev.for_volunteer ? t('co.history.for_volunteer', { who }) : t('co.history.by', { who });
}

function historyList(events) {
  if (!events.length) return h('p', {}, t('co.history.none'));
  return h('ol', { class: 'history' }, events.map((ev) => h('li', {},
    h('time', { datetime: ev.at }, fmtDateTime(ev.at)), ' — ',
    t(`co.entity.${ev.entity}`), getLang() === 'fr' ? ' : ' : ': ',
    hasKey(`co.action.${ev.action}`) ? t(`co.action.${ev.action}`) : ev.action,
    ev.from_status && ev.to_status && ev.from_status !== ev.to_status
      ? ` (${statusWord(ev.entity, ev.from_status)} → ${statusWord(ev.entity, ev.to_status)})` : '',
    ev.reason ? ` · ${reasonText(ev.reason)}` : '',
    ev.actor ? h('span', { class: 'score-reasons' }, ` · ${historyWho(ev)}`) : '')));
}

function closeSection(r) {
  const form = h('form', { class: 'toolbar', id: 'close-form' },
    h('div', { class: 'field' }, h('label', { for: 'close-outcome' }, t('co.close.outcome')),
      h('select', { id: 'close-outcome', name: 'outcome' },
        ['fulfilled', 'cancelled', 'unfulfillable'].map((o) => h('option', { value: o }, t(`co.outcome.${o}`))))),
    h('div', { class: 'field' }, h('label', { for: 'close-reason' }, t('co.close.reason'), ' ',
      h('span', { class: 'optional' }, t('form.optional'))),
      h('input', { id: 'close-reason', name: 'reason', type: 'text', maxlength: '500' })),
    h('button', { type: 'submit' }, t('co.close.submit')));
  const status = h('p', { class: 'form-status', role: 'status' });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = formData(form);
    const body = { outcome: data.outcome };
    if (data.reason) body.reason = data.reason;
    try {
      await api('POST', `/api/v1/requests/${r.id}/close`, body);
      await requestView(r.id, t('co.close.done'));
    } catch (err) { status.textContent = problemText(err); }
  });
  return h('section', { class: 'panel' }, h('h2', {}, t('co.close.title')), form, status);
}

/** The request's own facts (status, window, channel...): the panel next to the resident's. */
function requestPanel(r) {
  const ref = app.ref;
  return h('section', { class: 'panel', 'aria-labelledby': 'request-title', id: 'request-panel' },
    h('h2', { id: 'request-title' }, t('co.request.request')),
    facts([
      [t('co.f.category'), categoryLabel(ref, r.category)],
      [t('co.f.details'), r.details || t('co.f.none')],
      [t('co.f.urgency'), urgencyBadge(r.urgency)],
      [t('co.f.window'), `${fmtDateTime(r.window.from)} → ${fmtDateTime(r.window.until)}`],
      [t('co.f.recurrence'), t(`recurrence.${r.recurrence}`)],
      [t('co.f.channel'), t(`co.channel.${r.channel}`)],
      [t('co.f.created'), `${fmtDateTime(r.created_at)} (${ago(r.created_at)})`],
      [t('co.f.status'), [h('span', { class: 'badge', id: 'request-status' }, t(`co.status.${r.status}`)),
        r.outcome ? ` ${t(`co.outcome.${r.outcome}`)}` : '',
        r.redispatch ? h('span', { class: 'badge flag' }, t('co.queue.redispatch_badge', { count: r.redispatch_count })) : '']],
    ]));
}

/** The parts of a request's page that change with its life: candidates, missions, history, closing. */
async function requestLiveParts(r) {
  const parts = [];
  if (r.status !== 'closed') parts.push(await candidatesSection(r));
  parts.push(h('section', { class: 'panel', 'aria-labelledby': 'missions-title' },
    h('h2', { id: 'missions-title', tabindex: '-1' }, t('co.request.missions')), await missionsTable(r.missions || [])));
  parts.push(h('section', { class: 'panel', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title', tabindex: '-1' }, t('co.request.history')), historyList(r.history || [])));
  if (r.status !== 'closed') parts.push(closeSection(r));
  return parts;
}

/**
 * Live refresh of an open request's page: re-reads the request when a notice may concern it and, if anything
 * changed, redraws its status, candidates, missions and history in place. What was being typed (slot, closing
 * reason) and the keyboard focus are kept; the change is announced.
 */
async function refreshRequest(id, shown, changes) {
  // The request's own events, its missions' and supports' (they carry request_id), its resident's (contact);
  // a volunteer's change can move its candidates.
  if (!concerns(changes, (e) => (e.entity === 'request' && e.id === id) || e.request_id === id
    || (e.entity === 'resident' && e.id === shown.residentId) || e.entity === 'volunteer')) return;
  const r = await api('GET', `/api/v1/requests/${encodeURIComponent(id)}`);
  if (routeName() !== 'demande' || app.requestShown !== shown) return;  // the coordinator went elsewhere meanwhile
  const signature = JSON.stringify(r);
  if (signature === shown.signature) return;
  shown.signature = signature;
  const live = document.getElementById('request-live');
  if (!live) return;
  // What the coordinator was filling in (slot, closing reason...) survives the redraw: fields keep their ids.
  const typed = [...live.querySelectorAll('input[id], select[id], textarea[id]')]
    .map((el) => [el.id, el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value]);
  const active = document.activeElement;
  const focusedInside = active && (live.contains(active) || document.getElementById('request-panel').contains(active));
  const focusKey = focusedInside ? { id: active.id, volunteer: active.dataset && active.dataset.volunteerId } : null;
  const parts = await requestLiveParts(r);
  if (app.requestShown !== shown) return;
  document.getElementById('request-panel').replaceWith(requestPanel(r));
  mount(live, ...parts);
  for (const [fieldId, value] of typed) {
    const el = document.getElementById(fieldId);
    if (!el || !live.contains(el)) continue;
    if (typeof value === 'boolean') el.checked = value;
    else if (el.tagName !== 'SELECT' || [...el.options].some((o) => o.value === value)) el.value = value;
  }
  if (focusKey) {
    const again = (focusKey.id && document.getElementById(focusKey.id))
      || (focusKey.volunteer && live.querySelector(`button[data-volunteer-id="${focusKey.volunteer}"]`))
      || document.getElementById('missions-title');
    if (again) again.focus();
  }
  const time = new Date().toLocaleTimeString(getLang() === 'en' ? 'en-GB' : 'fr-FR', { hour: '2-digit', minute: '2-digit' });
  const status = t('co.request.updated', { status: t(`co.status.${r.status}`), time });
  mount(document.getElementById('request-updated'), status);
  announce(status);
}

async function requestView(id, notice) {
  app.onLiveChange = null;
  let r;
  try {
    r = await guard(() => api('GET', `/api/v1/requests/${encodeURIComponent(id)}`));
  } catch (err) {
    view(t('co.request.title_unknown'), errorBox(err), h('p', {}, h('a', { href: '#/' }, t('co.back_to_queue'))));
    return;
  }
  if (!r) return;
  const ref = app.ref;
  // A kind of help added since the console was opened: the kinds of help read again (its label, its training).
  if (!ref.categories.some((c) => c.code === r.category)) {
    try { ref.categories = (await api('GET', '/api/v1/categories')).items; } catch { /* its code is shown */ }
  }
  const res = r.resident;
  const needs = Object.entries(res.needs || {}).filter(([, v]) => v).map(([k]) => t(`needs.${k}`));
  const resident = h('section', { class: 'panel', 'aria-labelledby': 'resident-title' },
    h('h2', { id: 'resident-title' }, t('co.request.resident')),
    facts([
      [t('co.f.name'), `${res.first_name} ${res.last_name}`],
      [t('co.f.phone'), h('a', { href: `tel:${res.phone}` }, res.phone)],
      res.email ? [t('co.f.email'), res.email] : null,
      [t('co.f.address'), res.address],
      [t('co.f.neighbourhood'), neighbourhoodName(ref, res.neighbourhood)],
      [t('co.f.needs'), needs.length ? needs.join(' ; ') : t('co.f.none')],
      [t('co.f.contact'), t(`contact.${res.preferred_contact}`)],
      [t('co.f.languages'), (res.languages || []).join(', ')],
    ]));
  const parts = [
    notice ? h('p', { class: 'success', role: 'status' }, notice) : null,
    h('p', {}, h('a', { href: '#/' }, t('co.back_to_queue')), ' · ',
      h('button', { type: 'button', class: 'link', on: { click: () => requestView(id) } }, t('co.refresh')), ' ',
      h('span', { class: 'hint', id: 'request-updated' }, t('co.request.live_hint'))),
    h('div', { class: 'columns' }, resident, requestPanel(r)),
    h('div', { id: 'request-live' }, ...(await requestLiveParts(r))),
  ];
  const h1 = view(t('co.request.title', { category: categoryLabel(ref, r.category), name: res.first_name }), ...parts);
  const shown = { id, residentId: r.resident_id, signature: JSON.stringify(r) };
  app.requestShown = shown;
  app.onLiveChange = (changes) => refreshRequest(id, shown, changes);
  h1.focus();
}

// --- batch plan ------------------------------------------------------------------------------------------

async function planView() {
  app.onLiveChange = null;
  const result = h('div', { id: 'plan-result' });
  const button = h('button', { type: 'button', class: 'primary', on: { click: () => computePlan(result) } }, t('co.plan.compute'));
  const h1 = view(t('co.plan.title'), h('p', {}, t('co.plan.lead')), button, result);
  h1.focus();
}

async function computePlan(holder) {
  mount(holder, h('p', {}, t('co.plan.computing')));
  let plan;
  try {
    plan = await guard(() => api('POST', '/api/v1/dispatch/plan', {}));
  } catch (err) {
    mount(holder, err instanceof ApiError && err.status === 404 ? h('p', { class: 'notice' }, t('co.plan.unavailable')) : errorBox(err));
    return;
  }
  if (!plan) return;
  if (!plan.assignments.length) { mount(holder, h('p', {}, t('co.plan.empty'))); return; }
  const ref = app.ref;
  const requests = new Map();
  await Promise.all([...new Set(plan.assignments.map((a) => a.request_id))].map(async (rid) => {
    try { requests.set(rid, await api('GET', `/api/v1/requests/${rid}`)); } catch { /* shown by id */ }
  }));
  const names = await Promise.all(plan.assignments.map((a) => volunteerName(a.volunteer_id)));
  const form = h('form', { id: 'plan-form' },
    h('div', { class: 'table-scroll' }, h('table', {},
      h('caption', {}, t('co.plan.caption', { count: plan.assignments.length, considered: plan.requests_considered })),
      h('thead', {}, h('tr', {}, [t('co.plan.keep'), t('co.col.category'), t('co.col.neighbourhood'), t('co.col.volunteer'),
        t('co.col.slot'), t('co.col.score')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, plan.assignments.map((a, i) => {
        const r = requests.get(a.request_id);
        const id = `plan-keep-${i}`;
        return h('tr', {},
          h('td', {}, h('input', { type: 'checkbox', id, name: 'keep', value: String(i), checked: true }),
            h('label', { for: id, class: 'visually-hidden' }, t('co.plan.keep_row', { name: names[i] }))),
          h('td', {}, h('a', { href: `#/demande/${a.request_id}` }, r ? categoryLabel(ref, r.category) : a.request_id)),
          h('td', {}, r ? neighbourhoodName(ref, r.resident.neighbourhood) : ''),
          h('td', {}, names[i]),
          h('td', {}, fmtDateTime(a.starts_at)),
          h('td', {}, `${Math.round(a.score * 100)} %`));
      })))),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('co.plan.commit'))),
    h('p', { class: 'form-status', role: 'status', id: 'plan-status' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const keep = [...form.querySelectorAll('input[name="keep"]:checked')].map((c) => plan.assignments[Number(c.value)]);
    const status = form.querySelector('#plan-status');
    if (!keep.length) { status.textContent = t('co.plan.nothing'); return; }
    try {
      const res = await api('POST', '/api/v1/dispatch/commit', {
        assignments: keep.map((a) => ({ request_id: a.request_id, volunteer_id: a.volunteer_id, starts_at: a.starts_at, ends_at: a.ends_at })),
      });
      mount(holder, h('p', { class: 'success', role: 'status' }, t('co.plan.committed', { created: res.created.length, skipped: res.skipped.length })),
        res.skipped.length ? h('ul', {}, res.skipped.map((s) => h('li', {}, `${s.request_id}: ${s.detail}`))) : null);
    } catch (err) { status.textContent = problemText(err); }
  });
  mount(holder, form);
}

// --- phone intake ----------------------------------------------------------------------------------------

/** A resident found by the search, in a few words: name, phone, address, past requests and volunteers. */
function residentMatchCard(m, action) {
  const r = m.resident;
  return h('li', { class: 'card', dataset: { residentId: r.id } },
    h('h3', {}, `${r.first_name} ${r.last_name}`,
      m.possible_duplicates.length ? [' ', h('span', { class: 'badge alert' }, t('co.resident.possible_duplicate'))] : ''),
    h('p', { class: 'meta' }, r.phone, ' · ', r.address),
    h('p', {}, m.requests
      ? t('co.resident.past', { n: m.requests, date: m.last_request_at ? fmtDate(m.last_request_at) : '' })
      : t('co.resident.no_request')),
    m.volunteers.length ? h('p', {}, t('co.resident.helped_by', { names: m.volunteers.map((v) => v.first_name).join(', ') })) : null,
    h('div', { class: 'button-row' }, action,
      h('a', { href: `#/residents/${r.id}` }, t('co.resident.open'))));
}

async function searchResidents(q) {
  const found = await api('POST', '/api/v1/residents/search', { q, limit: 10 });
  return found.items;
}

function intakeView() {
  app.onLiveChange = null;
  const key = idempotencyKey();
  const fields = requestFields(app.ref, 'in', { consentLabel: t('co.intake.consent') });
  let known = null;  // the resident found and confirmed as the caller
  const residentBox = h('div', { id: 'intake-resident' }, fields.resident);
  const matches = h('div', { id: 'intake-matches', 'aria-live': 'polite' });
  const lookup = h('input', { id: 'in-lookup', type: 'search', autocomplete: 'off', 'aria-describedby': 'in-lookup-hint' });
  let asked = 0;
  const showMatches = async (q) => {
    const mine = ++asked;
    if (q.trim().length < 3) { mount(matches); return; }
    let items;
    try { items = await searchResidents(q); } catch (err) { mount(matches, errorBox(err)); return; }
    if (mine !== asked || known) return;  // a later keystroke, or already chosen
    if (!items.length) { mount(matches, h('p', { class: 'hint' }, t('co.intake.nobody'))); return; }
    mount(matches, h('h3', {}, t('co.intake.found', { n: items.length })),
      h('ul', { class: 'cards-list' }, items.map((m) => residentMatchCard(m,
        h('button', { type: 'button', class: 'primary', on: { click: () => choose(m) } }, t('co.intake.this_is_them'))))));
  };
  let timer = null;
  const soon = (q) => { clearTimeout(timer); timer = setTimeout(() => showMatches(q), 250); };
  const choose = (m) => {
    known = m.resident;
    mount(matches);
    mount(residentBox, h('section', { class: 'panel', id: 'intake-known' },
      h('h2', {}, t('co.intake.known_title')),
      h('ul', { class: 'cards-list' }, residentMatchCard(m, h('button', { type: 'button', id: 'intake-unchoose', on: { click: unchoose } }, t('co.intake.not_them'))))));
    announce(t('co.intake.chosen', { name: `${m.resident.first_name} ${m.resident.last_name}` }));
  };
  const unchoose = () => {
    known = null;
    mount(residentBox, fields.resident);
    lookup.focus();
  };
  lookup.addEventListener('input', () => soon(lookup.value));
  const form = h('form', { id: 'intake-form', novalidate: true },
    h('section', { class: 'panel', id: 'intake-lookup' },
      h('div', { class: 'field' }, h('label', { for: 'in-lookup' }, t('co.intake.lookup')),
        h('p', { class: 'hint', id: 'in-lookup-hint' }, t('co.intake.lookup_hint')), lookup),
      matches),
    h('div', { class: 'columns' }, h('div', {}, fields.need), residentBox),
    fields.consent,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('co.intake.submit')), ' ',
      h('span', { class: 'hint' }, t('co.intake.shortcut'))),
    h('p', { class: 'form-status', role: 'status', id: 'intake-status' }));
  // The caller's number typed in the resident's fields is looked up too (a second call from the same person).
  form.addEventListener('input', (e) => {
    if (!known && e.target.id === 'in-resident-phone' && e.target.value.replace(/\D/g, '').length >= 10) soon(e.target.value);
  });
  const submit = async (e) => {
    e.preventDefault();
    const d = readRequestForm(form, { knownResident: Boolean(known) });
    if (!d) return;
    const status = form.querySelector('#intake-status');
    status.textContent = t('demande.sending');
    const body = requestBody(d, { channel: 'phone' });
    if (known) { delete body.resident; body.resident_id = known.id; }
    try {
      const created = await api('POST', '/api/v1/requests', body, { idempotencyKey: key });
      const h1 = view(t('co.intake.done_title'),
        h('div', { class: 'confirmation', role: 'status' }, h('p', {}, t('co.intake.read_code')),
          h('p', { class: 'tracking-code', id: 'intake-code' }, created.tracking_code)),
        h('p', {}, h('a', { href: `#/demande/${created.id}` }, t('co.intake.open_request')), ' · ',
          known ? [h('a', { href: `#/residents/${known.id}` }, t('co.resident.open')), ' · '] : '',
          h('a', { href: '#/saisie', on: { click: (ev) => { ev.preventDefault(); intakeView(); } } }, t('co.intake.another'))));
      h1.focus();
    } catch (err) {
      showRequestError(form, status, err);
    }
  };
  form.addEventListener('submit', submit);
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  view(t('co.intake.title'), h('p', {}, t('co.intake.lead')), form);
  lookup.focus();
}

// --- residents: the directory and each one's story -------------------------------------------------------

async function residentsView() {
  app.onLiveChange = null;
  const results = h('div', { id: 'resident-results', 'aria-live': 'polite' });
  const box = h('input', { id: 'resident-q', type: 'search', autocomplete: 'off', 'aria-describedby': 'resident-q-hint' });
  const form = h('form', { id: 'resident-search', role: 'search' },
    h('div', { class: 'field' }, h('label', { for: 'resident-q' }, t('co.residents.search')),
      h('p', { class: 'hint', id: 'resident-q-hint' }, t('co.intake.lookup_hint')), box),
    h('button', { type: 'submit' }, t('co.residents.find')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const items = await searchResidents(box.value);
      mount(results, items.length
        ? h('ul', { class: 'cards-list' }, items.map((m) => residentMatchCard(m, null)))
        : h('p', {}, t('co.intake.nobody')));
    } catch (err) { mount(results, errorBox(err)); }
  });
  view(t('co.residents.title'), form, results);
  box.focus();
}

async function residentView(id) {
  app.onLiveChange = null;
  const [r, story, messages] = await Promise.all([api('GET', `/api/v1/residents/${id}`), api('GET', `/api/v1/residents/${id}/history`),
    api('GET', `/api/v1/residents/${id}/messages`).catch(() => null)]);
  const steps = story.items.map((ev) => h('li', {},
    h('time', { datetime: ev.at }, fmtDateTime(ev.at)), ' — ',
    ev.category ? `${categoryLabel(app.ref, ev.category)} · ` : '',
    t(`co.entity.${ev.entity}`), getLang() === 'fr' ? ' : ' : ': ',
    hasKey(`co.action.${ev.action}`) ? t(`co.action.${ev.action}`) : ev.action,
    ev.volunteer && ev.volunteer.first_name ? ` · ${ev.volunteer.first_name}` : '',
    ev.reason ? ` · ${reasonText(ev.reason)}` : '',
    ev.by ? h('span', { class: 'score-reasons' }, ` · ${t('co.history.by', { who: ev.by })}`) : ''));
  // Other residents who may be this person: each can be merged into this one (their history joins it).
  const twins = await Promise.all(story.possible_duplicates.map((d) => api('GET', `/api/v1/residents/${d}`)));
  const duplicates = twins.length ? h('section', { class: 'panel', id: 'duplicates' },
    h('h2', {}, t('co.resident.duplicates')), h('p', {}, t('co.resident.duplicates_lead')),
    h('ul', { class: 'cards-list' }, twins.map((d) => h('li', { class: 'card', dataset: { residentId: d.id } },
      h('h3', {}, `${d.first_name} ${d.last_name}`),
      h('p', { class: 'meta' }, d.phone, ' · ', d.address, ' · ', t('co.resident.past', { n: d.requests.length, date: d.requests.length ? fmtDate(d.requests[d.requests.length - 1].created_at) : '' })),
      h('div', { class: 'button-row' }, h('button', { type: 'button', class: 'merge', on: { click: (e) => {
        const trigger = e.target;
        const go = h('button', { type: 'button', class: 'danger', id: 'merge-go' }, t('co.resident.merge'));
        const cancel = h('button', { type: 'button' }, t('ad.data.cancel'));
        const dialog = openDialog('merge-confirm', t('co.resident.merge'),
          h('p', {}, t('co.resident.merge_confirm', { name: `${d.first_name} ${d.last_name}` })), [cancel, go]);
        cancel.addEventListener('click', () => dialog.close());
        go.addEventListener('click', async () => {
          dialog.close();
          trigger.disabled = true;
          try {
            await api('POST', `/api/v1/residents/${id}/merge`, { duplicate_id: d.id });
            announce(t('co.resident.merged'));
            await residentView(id);
          } catch (err) { trigger.disabled = false; trigger.after(errorBox(err)); }
        });
        cancel.focus();
      } } }, t('co.resident.merge'))))))) : null;
  const h1 = view(`${r.first_name} ${r.last_name}`,
    duplicates,
    facts([[t('demande.phone'), r.phone], [t('demande.address'), r.address],
      [t('demande.neighbourhood'), neighbourhoodName(app.ref, r.neighbourhood)]]),
    h('section', { class: 'panel' }, h('h2', {}, t('co.resident.requests')),
      r.requests.length ? h('ul', {}, r.requests.map((q) => h('li', {},
        h('a', { href: `#/demande/${q.id}` }, categoryLabel(app.ref, q.category)), ` · ${fmtDate(q.created_at)} · ${statusWord('request', q.status)}`)))
        : h('p', {}, t('co.resident.no_request'))),
    h('section', { class: 'panel' }, h('h2', {}, t('co.resident.story')),
      steps.length ? h('ol', { class: 'history' }, steps) : h('p', {}, t('co.history.none'))),
    messages ? messagesPanel(messages, 'resident-messages') : null);
  h1.focus();
}

// --- volunteers ------------------------------------------------------------------------------------------

const VOLUNTEER_TABS = ['registered', 'active', 'paused', 'withdrawn', 'idle'];

async function volunteersView(tab = 'registered') {
  app.onLiveChange = null;
  if (!VOLUNTEER_TABS.includes(tab)) tab = 'registered';
  const ref = app.ref;
  const tabs = h('nav', { 'aria-label': t('co.vol.tabs') }, h('ul', { class: 'toolbar' },
    VOLUNTEER_TABS.map((s) => h('li', {}, h('a', { href: `#/benevoles/${s}`, 'aria-current': s === tab ? 'page' : null },
      t(`co.vol.tab.${s}`))))));
  const holder = h('div', { class: 'table-scroll' }, h('p', {}, t('common.loading')));
  const h1 = view(t('co.vol.title'), tabs, h('h2', {}, t(`co.vol.tab.${tab}`)), holder);
  h1.focus();
  try {
    if (tab === 'idle') {
      let page;
      try { page = await guard(() => api('GET', '/api/v1/volunteers/idle?weeks=4&limit=100')); } catch (err) {
        mount(holder, err instanceof ApiError && err.status === 404 ? h('p', {}, t('co.vol.idle_unavailable')) : errorBox(err));
        return;
      }
      if (!page) return;
      mount(holder, page.items.length ? h('table', {},
        h('caption', {}, t('co.vol.idle_caption', { weeks: page.weeks })),
        h('thead', {}, h('tr', {}, [t('co.col.volunteer'), t('co.col.neighbourhood'), t('co.col.last_mission')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, page.items.map((v) => h('tr', {},
          h('td', {}, h('a', { href: `#/benevole/${v.id}` }, v.first_name)),
          h('td', {}, neighbourhoodName(ref, v.neighbourhood)),
          h('td', {}, v.last_mission_at ? fmtDate(v.last_mission_at) : t('co.vol.never')))))) : h('p', {}, t('co.vol.none')));
      return;
    }
    const page = await guard(() => api('GET', `/api/v1/volunteers?status=${tab}&limit=200`));
    if (!page) return;
    if (!page.items.length) { mount(holder, h('p', {}, t('co.vol.none'))); return; }
    const cols = [t('co.col.volunteer'), t('co.col.neighbourhood'), t('co.col.skills'),
      tab === 'withdrawn' ? t('co.col.reason') : t('co.col.registered'), t('co.col.action')];
    mount(holder, h('table', { id: 'volunteers' },
      h('caption', {}, t('co.vol.caption', { count: page.items.length })),
      h('thead', {}, h('tr', {}, cols.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, page.items.map((v) => {
        const name = `${v.first_name} ${v.last_name}`;
        return h('tr', { dataset: { volunteerId: v.id } },
          h('td', {}, h('a', { href: `#/benevole/${v.id}` }, name),
            v.reserve ? [' ', h('span', { class: 'badge week' }, t('co.vol.in_reserve'))] : null),
          h('td', {}, neighbourhoodName(ref, v.neighbourhood)),
          h('td', {}, v.skills.map((s) => categoryLabel(ref, s)).join(', ')),
          h('td', {}, tab === 'withdrawn'
            ? [v.withdrawal_reason ? t(`withdraw.${v.withdrawal_reason}`) : '', v.withdrawal_note ? ` — ${v.withdrawal_note}` : '']
            : fmtDate(v.created_at)),
          h('td', {}, tab === 'registered' ? [h('button', { type: 'button', class: 'primary small', on: { click: async (e) => {
            e.target.disabled = true;
            try {
              await api('POST', `/api/v1/volunteers/${v.id}/activate`, {});
              announce(t('co.vol.activated', { name }));
              await volunteersView(tab);
            } catch (err) { e.target.disabled = false; e.target.after(errorBox(err)); }
          } } }, t('co.vol.activate_named', { name })), ' ',
          h('button', { type: 'button', class: 'small', dataset: { refuseId: v.id },
            on: { click: () => refuseDialog(v, name, () => volunteersView(tab)) } }, t('co.vol.refuse_named', { name }))] : ''));
      }))));
  } catch (err) {
    mount(holder, errorBox(err));
  }
}

/** Putting a volunteer in the reserve after they agreed on the phone: the consent is asked for explicitly
 * (it is recorded with its date and source "coordinator"); their future missions go back to dispatch. */
function reserveDialog(v, name) {
  const consent = h('input', { type: 'checkbox', id: 'reserve-consent' });
  const status = h('p', { class: 'form-status', role: 'status' });
  const yes = h('button', { type: 'button', class: 'primary', id: 'reserve-yes' }, t('co.vol.reserve_yes'));
  const no = h('button', { type: 'button' }, t('co.vol.refuse_cancel'));
  const dialog = openDialog('reserve-confirm', t('co.vol.reserve_title', { name }), [
    h('p', {}, t('co.vol.reserve_lead', { name })),
    h('div', { class: 'choice' }, consent, h('label', { for: 'reserve-consent' }, t('co.vol.reserve_consent', { name }))), status], [yes, no]);
  no.addEventListener('click', () => dialog.close());
  yes.addEventListener('click', async () => {
    if (!consent.checked) { status.textContent = t('co.vol.reserve_consent_missing'); consent.focus(); return; }
    yes.disabled = true;
    try {
      await api('POST', `/api/v1/volunteers/${v.id}/reserve`, { consent: true });
      dialog.close();
      await volunteerView(v.id, t('co.vol.reserve_done', { name }));
    } catch (err) { yes.disabled = false; status.textContent = problemText(err); }
  });
  consent.focus();
}

/** Refusing an applicant: a reason in words (kept as the registration's note), then a confirmation. */
function refuseDialog(v, name, after) {
  const reason = h('textarea', { id: 'refuse-reason', rows: '3', maxlength: '1000', required: true });
  const status = h('p', { class: 'form-status', role: 'status' });
  const yes = h('button', { type: 'button', class: 'danger', id: 'refuse-yes' }, t('co.vol.refuse_confirm', { name }));
  const no = h('button', { type: 'button' }, t('co.vol.refuse_cancel'));
  const dialog = openDialog('refuse-applicant', t('co.vol.refuse_title', { name }), [
    h('p', {}, t('co.vol.refuse_lead')),
    h('div', { class: 'field' }, h('label', { for: 'refuse-reason' }, t('co.vol.refuse_reason')), reason), status], [yes, no]);
  no.addEventListener('click', () => dialog.close());
  yes.addEventListener('click', async () => {
    if (reason.value.trim().length < 3) { status.textContent = t('co.vol.refuse_reason_missing'); reason.focus(); return; }
    yes.disabled = true;
    try {
      await api('POST', `/api/v1/volunteers/${v.id}/refuse`, { reason: reason.value.trim() });
      dialog.close();
      announce(t('co.vol.refused', { name }));
      await after();
    } catch (err) { yes.disabled = false; status.textContent = problemText(err); }
  });
  reason.focus();
}

function availabilityText(slots) {
  if (!slots || !slots.length) return t('co.f.none');
  return slots.map((s) => `${t(`day.${s.day}`)} ${s.start}–${s.end}`).join(' ; ');
}

/**
 * The volunteer's trainings: what was recorded (kind of help, its training, the day, a note; each removable
 * after a confirmation), the kinds of help in their skills that need a training not recorded yet ("formation
 * à enregistrer"), and a form to record one. Only trained volunteers are candidates for such kinds of help.
 */
function trainingsPanel(v, name, message = null) {
  const ref = app.ref;
  const label = (code) => categoryLabel(ref, code);
  const byCategory = new Map((v.trainings || []).map((r) => [r.category, r]));
  const requiring = ref.categories.filter((c) => c.training);
  const missing = requiring.filter((c) => v.skills.includes(c.code) && !byCategory.has(c.code));
  const status = h('p', { class: 'form-status', role: 'status', id: 'training-status' });
  const done = message ? h('p', { class: 'success', id: 'training-done' }, message) : null;
  const editable = v.status !== 'withdrawn';
  const rows = [...(v.trainings || [])].sort((a, b) => label(a.category).localeCompare(label(b.category)));
  const removeButton = (r) => h('button', { type: 'button', class: 'small', dataset: { removeTraining: r.category },
    on: { click: async (e) => {
      const what = label(r.category);
      if (!(await ask('training-remove', t('co.tr.remove_title'), t('co.tr.remove_text', { category: what, name }),
        t('co.tr.remove_yes'), t('co.tr.remove_no')))) return;
      e.target.disabled = true;
      try {
        await api('DELETE', `/api/v1/volunteers/${encodeURIComponent(v.id)}/trainings/${encodeURIComponent(r.category)}`, {});
        announce(t('co.tr.removed', { category: what }));
        await volunteerView(v.id, t('co.tr.removed', { category: what }), 'trainings-title');
      } catch (err) {
        e.target.disabled = false;
        if (err instanceof ApiError && err.status === 404) { await volunteerView(v.id, t('co.tr.removed', { category: what }), 'trainings-title'); return; }
        status.textContent = problemText(err);
      }
    } } }, t('co.tr.remove', { category: label(r.category) }));
  const table = rows.length ? h('div', { class: 'table-scroll' }, h('table', { id: 'training-list' },
    h('caption', { class: 'visually-hidden' }, t('co.tr.caption', { name })),
    h('thead', {}, h('tr', {}, [t('co.col.category'), t('co.tr.col.training'), t('co.tr.col.date'), t('co.tr.col.note'),
      editable ? t('co.col.action') : null].filter(Boolean).map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', { dataset: { category: r.category } },
      h('th', { scope: 'row' }, label(r.category)),
      h('td', {}, ref.categories.find((c) => c.code === r.category)?.training || t('co.tr.no_longer')),
      h('td', {}, h('time', { datetime: r.trained_on }, fmtDay(r.trained_on))),
      h('td', {}, r.note || ''),
      editable ? h('td', {}, removeButton(r)) : null)))))
    : h('p', { id: 'training-list' }, t('co.tr.none'));
  const todo = missing.length ? h('ul', { id: 'training-todo', class: 'plain-list' }, missing.map((c) => h('li', { dataset: { category: c.code } },
    h('span', { class: 'badge todo' }, t('co.tr.todo')), ' ', t('co.tr.todo_item', { category: label(c.code), training: c.training }))))
    : null;
  let form = null;
  if (editable) {
    // The kinds of help requiring a training first (those still to record in their skills at the top),
    // labelled with the training's name; then the others.
    const first = [...missing, ...requiring.filter((c) => !missing.includes(c))];
    const others = ref.categories.filter((c) => !c.training);
    const today = dateInputValue(new Date());
    form = h('form', { id: 'training-form', novalidate: true, 'aria-labelledby': 'training-form-title' },
      h('h3', { id: 'training-form-title' }, t('co.tr.form_title')),
      h('div', { class: 'toolbar' },
        h('div', { class: 'field' }, h('label', { for: 'training-category' }, t('co.tr.category')),
          h('select', { id: 'training-category', name: 'category', required: true },
            first.length ? h('optgroup', { label: t('co.tr.group_required') }, first.map((c) =>
              h('option', { value: c.code }, t('co.tr.option', { category: label(c.code), training: c.training })))) : null,
            others.length ? h('optgroup', { label: t('co.tr.group_others') }, others.map((c) =>
              h('option', { value: c.code }, label(c.code)))) : null)),
        h('div', { class: 'field' }, h('label', { for: 'training-date' }, t('co.tr.date')),
          h('input', { id: 'training-date', name: 'trained_on', type: 'date', required: true, value: today, max: today })),
        h('div', { class: 'field' }, h('label', { for: 'training-note' }, t('co.tr.note'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
          h('p', { class: 'hint', id: 'training-note-hint' }, t('co.tr.note_hint')),
          h('input', { id: 'training-note', name: 'note', type: 'text', maxlength: '300', 'aria-describedby': 'training-note-hint' }))),
      h('button', { type: 'submit', class: 'primary' }, t('co.tr.save')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const d = formData(form);
      const errors = {};
      if (!d.category) errors.category = t('co.tr.err.category');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(d.trained_on || '')) errors.trained_on = t('co.tr.err.date');
      else if (d.trained_on > dateInputValue(new Date())) errors.trained_on = t('co.tr.err.future');
      if ((d.note || '').length > 300) errors.note = t('co.tr.err.note');
      if (showFieldErrors(form, errors)) { status.textContent = t('form.check_fields'); return; }
      clearFieldErrors(form);
      const body = { trained_on: d.trained_on };
      if (d.note) body.note = d.note;
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      status.textContent = t('co.tr.saving');
      try {
        await api('PUT', `/api/v1/volunteers/${encodeURIComponent(v.id)}/trainings/${encodeURIComponent(d.category)}`, body);
        const done = t('co.tr.saved', { category: label(d.category), name });
        announce(done);
        await volunteerView(v.id, done, 'trainings-title');
      } catch (err) {
        button.disabled = false;
        status.textContent = problemText(err);
        if (err instanceof ApiError && err.status === 422) {
          const shown = {};
          for (const [f, m] of Object.entries(err.fields)) {
            shown[f] = f === 'trained_on' ? t('co.tr.err.future') : hasKey(`co.tr.err.${f}`) ? t(`co.tr.err.${f}`) : `${f}: ${m}`;
          }
          showFieldErrors(form, shown);
        }
      }
    });
  }
  return h('section', { class: 'panel', id: 'vol-trainings', 'aria-labelledby': 'trainings-title' },
    h('h2', { id: 'trainings-title', tabindex: '-1' }, t('co.tr.title')), done,
    requiring.length ? h('p', { class: 'hint' }, t('co.tr.lead')) : h('p', { class: 'hint' }, t('co.tr.lead_none')),
    todo, table, form, status);
}

async function volunteerView(id, notice, focusId = null) {
  app.onLiveChange = null;
  let v;
  try { v = await guard(() => api('GET', `/api/v1/volunteers/${encodeURIComponent(id)}`)); } catch (err) {
    view(t('co.vol.unknown'), errorBox(err));
    return;
  }
  if (!v) return;
  const ref = app.ref;
  const name = `${v.first_name} ${v.last_name}`;
  app.volunteerNames.set(v.id, name);
  const status = h('p', { class: 'form-status', role: 'status' });
  const act = (path, body, done) => async (e) => {
    e.target.disabled = true;
    try {
      await api('POST', `/api/v1/volunteers/${v.id}/${path}`, body ? body() : {});
      await volunteerView(v.id, done);
    } catch (err) { e.target.disabled = false; status.textContent = problemText(err); }
  };
  const actions = h('div', { class: 'button-row' });
  if (v.status === 'registered') {
    actions.append(h('button', { type: 'button', class: 'primary', on: { click: act('activate', null, t('co.vol.activated', { name })) } }, t('co.vol.activate')));
    actions.append(h('button', { type: 'button', on: { click: () => refuseDialog(v, name, () => volunteerView(v.id, t('co.vol.refused', { name }))) } }, t('co.vol.refuse')));
  }
  if (v.status === 'active') actions.append(h('button', { type: 'button', on: { click: act('pause', null, t('co.vol.paused')) } }, t('co.vol.pause')));
  // A reserve member is paused too: resuming them is their reactivation (they leave the reserve, active again).
  if (v.status === 'paused') {
    actions.append(v.reserve
      ? h('button', { type: 'button', class: 'primary', id: 'vol-reactivate', on: { click: act('resume', null, t('co.vol.reactivated', { name })) } }, t('co.vol.reactivate'))
      : h('button', { type: 'button', on: { click: act('resume', null, t('co.vol.resumed')) } }, t('co.vol.resume')));
  }
  if ((v.status === 'active' || v.status === 'paused') && !v.reserve) {
    actions.append(h('button', { type: 'button', id: 'vol-reserve', on: { click: () => reserveDialog(v, name) } }, t('co.vol.reserve_put')));
  }
  let withdrawForm = null;
  if (v.status !== 'withdrawn') {
    const reasons = ['no_longer_available', 'back_to_work', 'health', 'moved', 'not_as_expected', 'no_news', 'other'];
    withdrawForm = h('form', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'withdraw-reason' }, t('co.vol.withdraw_reason')),
        h('select', { id: 'withdraw-reason', name: 'reason' }, reasons.map((r) => h('option', { value: r }, t(`withdraw.${r}`))))),
      h('div', { class: 'field' }, h('label', { for: 'withdraw-note' }, t('co.vol.withdraw_note'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
        h('input', { id: 'withdraw-note', name: 'note', type: 'text', maxlength: '500' })),
      h('button', { type: 'submit', class: 'danger' }, t('co.vol.withdraw')));
    withdrawForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const button = withdrawForm.querySelector('button[type="submit"]');
      if (!button.dataset.confirm) {
        // Two steps: leaving reassigns the volunteer's missions, so the first click only asks.
        button.dataset.confirm = 'yes';
        button.textContent = t('co.vol.withdraw_confirm', { name });
        status.textContent = t('co.vol.withdraw_warning');
        return;
      }
      const d = formData(withdrawForm);
      const body = { reason: d.reason };
      if (d.note) body.note = d.note;
      try {
        await api('POST', `/api/v1/volunteers/${v.id}/withdraw`, body);
        await volunteerView(v.id, t('co.vol.withdrawn'));
      } catch (err) { status.textContent = problemText(err); }
    });
  }
  let missions = [];
  try { missions = (await api('GET', `/api/v1/volunteers/${v.id}/missions?limit=200`)).items; } catch { /* shown empty */ }
  let messages = null;
  try { messages = await api('GET', `/api/v1/volunteers/${v.id}/messages`); } catch { /* panel left out */ }
  // The kinds of help as they are now (an administrator may have just set a training on one).
  try { ref.categories = (await api('GET', '/api/v1/categories')).items; } catch { /* the page's own copy */ }
  // A training recorded or removed: its word is said in its own section, which keeps the focus.
  const trainingNotice = focusId === 'trainings-title' ? notice : null;
  const h1 = view(name,
    notice && !trainingNotice ? h('p', { class: 'success', role: 'status' }, notice) : null,
    h('p', {}, h('a', { href: '#/benevoles' }, t('co.vol.back'))),
    h('section', { class: 'panel' }, h('h2', {}, t('co.vol.profile')), facts([
      [t('co.f.status'), h('span', { class: 'badge' }, v.reserve ? t('co.vol.in_reserve') : t(`co.vol.status.${v.status}`))],
      v.reserve ? [t('co.f.reserve'), h('span', { id: 'vol-reserve-membership' }, t('co.vol.reserve_since', {
        joined: fmtDate(v.reserve.joined_at), confirmed: fmtDate(v.reserve.confirmed_at),
        source: t(`co.vol.reserve_source.${v.reserve.source}`) }))] : null,
      [t('co.f.email'), 'email_confirmed' in v ? h('span', {}, v.email, ' ', h('span', {
        id: 'vol-email-confirmed', class: v.email_confirmed ? 'badge ok' : 'badge todo',
      }, t(v.email_confirmed ? 'co.vol.email_confirmed' : 'co.vol.email_unconfirmed'))) : v.email],
      [t('co.f.phone'), h('a', { href: `tel:${v.phone}` }, v.phone)],
      [t('co.f.neighbourhood'), neighbourhoodName(ref, v.neighbourhood)],
      [t('co.f.skills'), v.skills.map((s) => categoryLabel(ref, s)).join(', ')],
      [t('co.f.languages'), v.languages.join(', ')],
      [t('co.f.availability'), availabilityText(v.availability)],
      [t('co.f.max_week'), String(v.max_missions_per_week)],
      'charter' in v ? [t('co.f.charter'), h('span', { id: 'vol-charter' }, v.charter
        ? t('co.vol.charter_accepted', { version: v.charter.version, date: fmtDay(v.charter.accepted_at) }) : t('co.vol.charter_none'))] : null,
      [t('co.f.created'), fmtDate(v.created_at)],
      v.validated_at ? [t('co.f.validated'), fmtDate(v.validated_at)] : null,
      v.withdrawal_reason ? [t('co.f.withdrawal'), `${t(`withdraw.${v.withdrawal_reason}`)}${v.withdrawal_note ? ` — ${v.withdrawal_note}` : ''}`] : null,
    ])),
    h('section', { class: 'panel' }, h('h2', {}, t('co.vol.actions')), actions, withdrawForm, status),
    v.trainings ? trainingsPanel(v, name, trainingNotice) : null,
    h('section', { class: 'panel' }, h('h2', {}, t('co.vol.missions')), await missionsTable(missions, false, (message) => volunteerView(v.id, message))),
    messages ? messagesPanel(messages, 'vol-messages') : null);
  const target = focusId && document.getElementById(focusId);
  (target || h1).focus();
}

/** What was sent to a person and what became of it; a message that failed for good, with nothing sent
 * since (its email fallback, a later message), says they could not be reached, so the coordinator phones
 * them. A channel that is off is said too: the people it would have reached are not told. */
function messagesPanel(list, id) {
  const reached = list.items.filter((m) => m.status === 'sent').map((m) => m.created_at).sort().pop() || '';
  const failed = list.items.filter((m) => m.status === 'failed' && m.created_at >= reached);
  const anyOn = list.email_enabled || list.sms_enabled || list.push_enabled;
  return h('section', { class: 'panel', id }, h('h2', {}, t('co.msg.title')),
    anyOn ? null : h('p', { class: 'notice' }, t('co.msg.email_off')),
    anyOn && !list.email_enabled ? h('p', { class: 'notice', id: `${id}-email-off` }, t('co.msg.no_email')) : null,
    anyOn && !list.sms_enabled ? h('p', { class: 'notice', id: `${id}-sms-off` }, t('co.msg.no_sms')) : null,
    list.links_ok === false && (list.email_enabled || list.sms_enabled || list.push_enabled)
      ? h('p', { class: 'notice', id: 'links-warning' }, t('co.msg.no_public_url')) : null,
    failed.length ? h('p', { class: 'notice', role: 'alert' }, t('co.msg.unreachable', { channel: failed[0].channel, error: failed[0].last_error || '' })) : null,
    list.items.length === 0 ? h('p', {}, t('co.msg.none')) : h('table', {},
      h('thead', {}, h('tr', {}, [t('co.msg.when'), t('co.msg.what'), t('co.msg.channel'), t('co.msg.state'), t('co.msg.log')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, list.items.map((m) => h('tr', { dataset: { status: m.status } },
        h('td', {}, fmtDateTime(m.sent_at || m.created_at)),
        h('td', {}, t(`co.msg.kind.${m.kind}`)),
        h('td', {}, m.channel),
        h('td', {}, h('span', { class: m.status === 'failed' ? 'badge alert' : 'badge' },
          t(m.status === 'sent' && m.delivered_at ? 'co.msg.status.delivered' : `co.msg.status.${m.status}`))),
        h('td', {}, messageLog(m)))))));
}

/** What happened to a message besides being queued and sent: retries and their reasons, a fallback to email,
 * delivery reports, the failure, a call to make instead. Folded: the table stays one line a message. */
function messageLog(m) {
  if (!m.log || !m.log.length) return '';
  return h('details', { class: 'message-log' }, h('summary', {}, t('co.msg.log_count', { count: m.log.length })),
    h('ul', {}, m.log.map((l) => h('li', { dataset: { status: l.status } },
      `${fmtDateTime(l.at)} · ${t(`co.msg.log.${l.status}`)}${l.detail && l.status !== 'fallback' && l.status !== 'call_task' ? ` — ${l.detail}` : ''}`))));
}

// --- welfare ---------------------------------------------------------------------------------------------

async function welfareView() {
  const holder = h('div', {}, h('p', {}, t('common.loading')));
  const h1 = view(t('co.welfare.title'), h('p', {}, t('co.welfare.lead')), holder);
  h1.focus();
  const load = async () => {
    const page = await guard(() => api('GET', '/api/v1/missions?welfare=true&limit=200'));
    if (!page) return;
    if (!page.items.length) { mount(holder, h('p', { class: 'success' }, t('co.welfare.none'))); return; }
    const names = await Promise.all(page.items.map((m) => volunteerName(m.volunteer_id)));
    // The resident's full name, from their request (an audited read, as the contact already is).
    const residents = await Promise.all(page.items.map((m) => api('GET', `/api/v1/requests/${encodeURIComponent(m.request_id)}`)
      .then((r) => r.resident_name).catch(() => null)));
    mount(holder, h('ul', { class: 'cards-list' }, page.items.map((m, i) => h('li', { class: 'card', dataset: { missionId: m.id } },
      h('h2', {}, h('span', { class: 'badge alert' }, t('co.welfare.badge')), ' ',
        residents[i] || (m.resident ? m.resident.first_name : t('co.queue.erased')), ' — ', categoryLabel(app.ref, m.category)),
      h('p', { class: 'meta' }, fmtDateTime(m.starts_at), ' · ', neighbourhoodName(app.ref, m.neighbourhood), ' · ',
        t('co.welfare.by', { name: names[i] })),
      m.resident ? h('p', { class: 'welfare-contact' }, h('a', { href: `tel:${m.resident.phone}` }, t('co.welfare.call', { phone: m.resident.phone })),
        m.resident.address ? ` · ${m.resident.address}` : '') : null,
      h('blockquote', {}, m.report && m.report.note ? m.report.note : t('co.welfare.no_note')),
      h('div', { class: 'field' }, h('label', { for: `welfare-note-${m.id}` }, t('co.welfare.note'), ' ',
        h('span', { class: 'optional' }, t('form.optional'))),
      h('textarea', { id: `welfare-note-${m.id}`, class: 'welfare-note', rows: '2', maxlength: '1000' })),
      h('div', { class: 'button-row' },
        h('a', { href: `#/demande/${m.request_id}` }, t('co.welfare.open_request')),
        h('button', { type: 'button', class: 'primary', on: { click: async (e) => {
          e.target.disabled = true;
          const note = document.getElementById(`welfare-note-${m.id}`).value.trim();
          try {
            await api('POST', `/api/v1/missions/${m.id}/acknowledge-welfare`, note ? { note } : {});
            announce(t('co.welfare.acknowledged'));
            await load();
            refreshBanner();
          } catch (err) { e.target.disabled = false; e.target.after(errorBox(err)); }
        } } }, t('co.welfare.acknowledge')))))));
  };
  app.onLiveChange = (changes) => (concerns(changes, welfareEvent) ? load() : undefined);
  try { await load(); } catch (err) { mount(holder, errorBox(err)); }
}

// --- my account: the language of my messages, the morning digest, my password ---------------------------

async function accountView() {
  const status = h('p', { role: 'status', id: 'account-status' });
  const prefs = h('section', { 'aria-labelledby': 'msg-title', id: 'message-preferences' },
    h('h2', { id: 'msg-title' }, t('account.msg.title')), h('p', {}, t('common.loading')));
  const h1 = view(t('co.account.title'), status, prefs, passwordSection(status));
  h1.focus();
  const p = await guard(() => api('GET', '/api/v1/me/coordinator-preferences'));
  if (!p) return;
  const form = h('form', { id: 'coordinator-prefs-form' },
    h('div', { class: 'field' }, h('label', { for: 'msg-language' }, t('account.msg.language')),
      h('select', { id: 'msg-language', name: 'language' },
        [['fr', 'account.msg.language_fr'], ['en', 'account.msg.language_en']].map(([value, key]) =>
          h('option', { value, selected: value === p.language ? true : null }, t(key))))),
    h('div', { class: 'choice' }, h('input', { type: 'checkbox', id: 'msg-digest', name: 'digest', value: 'yes', checked: p.morning_digest ? true : null }),
      h('label', { for: 'msg-digest' }, t('account.msg.digest'))),
    h('p', { class: 'hint' }, t('account.msg.welfare_always')),
    h('button', { type: 'submit', class: 'primary' }, t('account.msg.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    try {
      await api('PUT', '/api/v1/me/coordinator-preferences', { language: d.language, morning_digest: Boolean(d.digest) });
      status.textContent = t('account.msg.saved');
      announce(t('account.msg.saved'));
    } catch (err) { status.textContent = problemText(err); }
  });
  mount(prefs, h('h2', { id: 'msg-title' }, t('account.msg.title')), form);
}

// --- calls to make and texts received ---------------------------------------------------------------------
// Residents no message reaches (a landline only) are phoned with the news that matters to them; texts that
// no automatic answer handled (not a yes, no or STOP) wait here for a coordinator.

async function callsView() {
  const calls = h('div', {}, h('p', {}, t('common.loading')));
  const texts = h('div', {}, h('p', {}, t('common.loading')));
  const h1 = view(t('co.calls.title'),
    h('section', { class: 'panel', id: 'calls' }, h('h2', {}, t('co.calls.to_make')), h('p', {}, t('co.calls.lead')), calls),
    h('section', { class: 'panel', id: 'texts' }, h('h2', {}, t('co.texts.title')), texts));
  h1.focus();
  const load = async () => {
    const [tasks, inbox] = await Promise.all([
      guard(() => api('GET', '/api/v1/call-tasks')),
      guard(() => api('GET', '/api/v1/sms/inbound?attention=true'))]);
    if (!tasks || !inbox) return;
    mount(calls, tasks.items.length === 0 ? h('p', { class: 'success' }, t('co.calls.none')) : h('ul', { class: 'cards-list' },
      tasks.items.map((c) => h('li', { class: 'card', dataset: { callId: c.id } },
        h('h3', {}, `${c.resident.first_name} ${c.resident.last_name} · `, h('a', { href: `tel:${c.resident.phone}` }, c.resident.phone)),
        h('p', { class: 'meta' }, fmtDateTime(c.created_at), ' · ', t(`co.msg.kind.${c.kind}`)),
        h('blockquote', {}, c.text),
        h('div', { class: 'button-row' },
          h('button', { type: 'button', class: 'primary', on: { click: async (e) => {
            e.target.disabled = true;
            try {
              await api('POST', `/api/v1/call-tasks/${c.id}/done`, {});
              announce(t('co.calls.done'));
              await load();
            } catch (err) { e.target.disabled = false; e.target.after(errorBox(err)); }
          } } }, t('co.calls.mark_done')))))));
    if (!inbox.sms_enabled) { mount(texts, h('p', {}, t('co.texts.off'))); return; }
    const names = await Promise.all(inbox.items.map((m) => (m.volunteer_id ? volunteerName(m.volunteer_id) : null)));
    mount(texts, inbox.items.length === 0 ? h('p', {}, t('co.texts.none')) : h('table', {},
      h('thead', {}, h('tr', {}, [t('co.msg.when'), t('co.texts.from'), t('co.texts.text'), t('co.texts.outcome')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, inbox.items.map((m, i) => h('tr', {},
        h('td', {}, fmtDateTime(m.received_at)),
        h('td', {}, m.volunteer_id ? h('a', { href: `#/benevole/${m.volunteer_id}` }, names[i]) : t('co.texts.unknown')),
        h('td', {}, m.text),
        h('td', {}, t(`co.texts.outcome_${m.outcome}`)))))));
  };
  app.onLiveChange = (changes) => (concerns(changes, callEvent) ? load() : undefined);
  try { await load(); } catch (err) { mount(calls, errorBox(err)); }
}

// --- keyboard shortcuts ----------------------------------------------------------------------------------
// For coordinators who work all day from the keyboard. Single keys only when no field has the focus (typing
// is never taken over), no Ctrl/Alt/Meta. "?" lists them. Changes are announced in the aria-live region.

/** [alternatives (each a key sequence), what it does]; key names in brackets are translated. */
const SHORTCUTS = [
  [[['?']], 'co.kb.help'], [[['/']], 'co.kb.filter'], [[['j'], ['↓']], 'co.kb.next'], [[['k'], ['↑']], 'co.kb.previous'],
  [[['{enter}']], 'co.kb.open'], [[['p']], 'co.kb.propose'], [[['{esc}']], 'co.kb.back'], [[['g', 'q']], 'co.kb.go_queue'],
  [[['g', 'v']], 'co.kb.go_volunteers'], [[['g', 'r']], 'co.kb.go_reserve'], [[['g', 'b']], 'co.kb.go_bilan'],
  [[['n']], 'co.kb.intake'],
];

function keyName(k) {
  return k.startsWith('{') ? t(`co.kb.key_${k.slice(1, -1)}`) : k;
}

function typingIn(el) {
  if (!el || el === document.body) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type);
}

/** A modal dialog (native <dialog>: focus kept inside, Esc closes, focus returns where it was). */
function openDialog(id, title, body, buttons) {
  document.getElementById(id)?.remove();
  const before = document.activeElement;
  const dialog = h('dialog', { id, class: 'kb-dialog', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), body, h('div', { class: 'button-row' }, buttons));
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (before && before.isConnected) before.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

function showShortcuts() {
  const close = h('button', { type: 'button', class: 'primary' }, t('co.kb.close'));
  const dialog = openDialog('kb-help', t('co.kb.title'), [
    h('p', {}, t('co.kb.lead')),
    h('dl', { class: 'kb-list' }, SHORTCUTS.map(([alternatives, label]) => [
      h('dt', {}, alternatives.map((seq, i) => [i ? ` ${t('co.kb.or')} ` : '',
        seq.map((k, j) => [j ? ` ${t('co.kb.then')} ` : '', h('kbd', {}, keyName(k))])])),
      h('dd', {}, t(label))])),
  ], [close]);
  close.addEventListener('click', () => dialog.close());
  close.focus();
}

/** Moves the queue's selection by `delta` rows and focuses its link (Enter then opens it). */
function moveInQueue(delta) {
  const rows = [...document.querySelectorAll('#queue tbody tr')];
  if (!rows.length) { announce(t('co.queue.empty')); return; }
  let index = rows.findIndex((r) => r.classList.contains('kb-selected'));
  index = index < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.max(0, Math.min(rows.length - 1, index + delta));
  rows.forEach((r) => r.classList.remove('kb-selected'));
  const row = rows[index];
  row.classList.add('kb-selected');
  app.queueSelected = row.dataset.requestId;
  row.querySelector('a').focus();
}

/** "p" on a request's page: propose the top candidate, after a confirmation. */
function proposeTop() {
  const button = document.querySelector('#candidates button[data-volunteer-id]');
  if (!button) { announce(t('co.kb.no_candidate')); return; }
  const name = button.closest('tr').querySelector('td a').textContent;
  const date = document.getElementById('slot-date').value;
  const time = document.getElementById('slot-time').value;
  const yes = h('button', { type: 'button', class: 'primary', id: 'kb-confirm-yes' }, t('co.kb.confirm_yes'));
  const no = h('button', { type: 'button' }, t('co.kb.confirm_no'));
  const dialog = openDialog('kb-confirm', t('co.kb.confirm_title'),
    h('p', {}, t('co.kb.confirm_text', { name, date: date.split('-').reverse().join('/'), time })), [yes, no]);
  no.addEventListener('click', () => { dialog.close(); announce(t('co.kb.confirm_cancelled')); });
  yes.addEventListener('click', () => { dialog.close(); button.click(); });
  yes.focus();
}

function go(hash) {
  if (location.pathname !== '/coordination') { location.href = `/coordination${hash}`; return; }
  if (location.hash === hash || (hash === '#/' && !location.hash)) route(); else location.hash = hash;
}

function onShortcut(e) {
  if (!app.me || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
  if (document.querySelector('dialog[open]')) return;  // the dialog handles its own keys
  if (typingIn(e.target)) return;
  const key = e.key;
  if (app.gPending) {
    app.gPending = false;
    const target = { q: '#/', v: '#/benevoles', r: '#/reserve', b: null }[key];
    if (target !== undefined) {
      e.preventDefault();
      if (target === null) { location.href = '/coordination/bilan'; return; }
      go(target);
      return;
    }
  }
  const onQueue = routeName() === 'queue';
  switch (key) {
    case '?': e.preventDefault(); showShortcuts(); break;
    case '/':
      e.preventDefault();
      if (onQueue && document.getElementById('q-status')) document.getElementById('q-status').focus();
      else { app.focusFilter = true; go('#/'); }
      break;
    case 'j': case 'ArrowDown': if (onQueue) { e.preventDefault(); moveInQueue(1); } break;
    case 'k': case 'ArrowUp': if (onQueue) { e.preventDefault(); moveInQueue(-1); } break;
    case 'p': if (routeName() === 'demande') { e.preventDefault(); proposeTop(); } break;
    case 'n': e.preventDefault(); go('#/saisie'); break;
    case 'g': e.preventDefault(); app.gPending = true; setTimeout(() => { app.gPending = false; }, 1500); break;
    case 'Escape':
      if (routeName() === 'demande') { e.preventDefault(); go('#/'); announce(t('co.kb.back_done')); }
      else if (routeName() === 'benevole') { e.preventDefault(); go('#/benevoles'); announce(t('co.kb.back_done')); }
      break;
    default: break;
  }
}

// --- routing ---------------------------------------------------------------------------------------------

async function route() {
  if (!app.me) return;
  renderNav();
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  try {
    switch (parts[0]) {
      case '': case undefined: await queueView(); break;
      case 'demande': await requestView(parts[1] || ''); break;
      case 'plan': await planView(); break;
      case 'saisie': intakeView(); break;
      case 'residents': await (parts[1] ? residentView(parts[1]) : residentsView()); break;
      case 'benevoles': await volunteersView(parts[1]); break;
      case 'benevole': await volunteerView(parts[1] || ''); break;
      case 'accompagnements': app.onLiveChange = null; await supportsView({ view, guard, volunteerName, openDialog, ref: app.ref }); break;
      case 'actions': app.onLiveChange = null; await collectivesView({ view, guard, ref: app.ref, staff: true }); break;
      case 'reserve':
        app.onLiveChange = null;
        await reserveView({ view, guard, ref: app.ref, openDialog, concerns, onLive: (fn) => { app.onLiveChange = fn; },
          periodic: pollSeconds() > 0 });
        break;
      case 'aller-vers': app.onLiveChange = null; await outreachView({ view, guard, ref: app.ref }); break;
      case 'alertes': await welfareView(); break;
      case 'appels': await callsView(); break;
      case 'compte': await accountView(); break;
      default: view(t('error.not_found'), h('p', {}, h('a', { href: '#/' }, t('co.back_to_queue'))));
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signedOut(); else view(t('error.unexpected'), errorBox(err));
  }
}

function started() {
  renderNav();
  refreshBanner();
  openLive();
  route();
}

async function boot() {
  await initI18n();
  document.getElementById('skip-link').textContent = t('common.skip');
  document.getElementById('brand').textContent = t('co.brand');
  mount(document.getElementById('lang'), langSwitch());
  liveIndicator('offline');
  try {
    app.ref = await reference();
  } catch (err) {
    view(t('error.unexpected'), errorBox(err));
    return;
  }
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', onShortcut);
  // Only a fallback: every change, the tick's included, comes over the live feed.
  const poll = pollSeconds();
  if (poll) {
    setInterval(() => {
      if (!app.me || !app.onLiveChange) return;
      app.liveChanges.all = true;
      scheduleRefresh();
    }, poll * 1000);
  }
  if (!getCsrf()) { loginView(); return; }
  try {
    const me = await api('GET', '/api/v1/me');
    if (!STAFF.includes(me.user.role)) { loginView(t('co.login.not_staff')); return; }
    app.me = me.user;
    started();
  } catch {
    loginView();
  }
}

boot();
