// Shared helpers of the Relais pages: dictionaries (web/i18n/<lang>.json), a DOM builder that never parses
// HTML (data is always text), the API client (session cookie + X-CSRF-Token, problem+json errors) and
// accessible form error display. Plain ES module, no build step.

const LANGS = ['fr', 'en'];
let dict = {};
let fallback = {};
let lang = 'fr';

/** The language: ?lang= in the address, then the one chosen before, then French. */
export function currentLang() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(asked)) {
    try { localStorage.setItem('relais.lang', asked); } catch { /* private mode */ }
    return asked;
  }
  try {
    const saved = localStorage.getItem('relais.lang');
    if (LANGS.includes(saved)) return saved;
  } catch { /* private mode */ }
  return 'fr';
}

async function loadJson(url) {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`cannot load ${url}`);
  return res.json();
}

/** Loads the dictionaries (`forced` language, or currentLang()) and sets the document language. */
export async function initI18n(forced) {
  lang = LANGS.includes(forced) ? forced : currentLang();
  fallback = await loadJson('/i18n/fr.json');
  dict = lang === 'fr' ? fallback : await loadJson(`/i18n/${lang}.json`);
  document.documentElement.lang = lang;
  return lang;
}

export function getLang() { return lang; }

/**
 * The placeholder rule of every dictionary text, the server's too (service/api/pages/dictionary.hpp):
 * "{name}" (letters, digits, underscores) becomes vars[name], every occurrence, in one pass; a name without
 * a value stays as written.
 */
export function fill(text, vars = {}) {
  return text.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : m));
}

/** The text of `key` (French, then the key itself, when missing), its placeholders filled from `vars`. */
export function t(key, vars = {}) {
  return fill(dict[key] ?? fallback[key] ?? key, vars);
}

/** True if the dictionary has `key`. */
export function hasKey(key) { return key in dict || key in fallback; }

/** A link that switches to the other language (reloads the page in it). */
export function langSwitch() {
  const other = lang === 'fr' ? 'en' : 'fr';
  const href = () => {
    const url = new URL(location.href);
    url.searchParams.set('lang', other);
    return url.pathname + url.search + url.hash;
  };
  const link = h('a', { href: href(), lang: other, hreflang: other, class: 'lang-link' }, t('common.other_language'));
  // Pages with hash routes: the switch keeps the page shown now, not the one the app was opened on.
  window.addEventListener('hashchange', () => link.setAttribute('href', href()));
  return link;
}

// --- DOM ------------------------------------------------------------------------------------------------

/**
 * Builds an element. attrs: class, id, text, on: {event: fn}, dataset: {}, boolean attributes as true/false,
 * everything else as attributes. Children: nodes, strings (as text), arrays, null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'required' || k === 'hidden')
      el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces the content of `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * Brings a table body to `rows` (freshly built <tr>s) keeping what did not change: a row whose key is
 * already shown stays the same element, and so does each of its cells whose markup is the same. A live
 * refresh then leaves alone what the user may be pointing at, focusing or selecting. Cells are compared by
 * their markup, so this suits rows whose cells carry no listeners of their own.
 */
export function patchRows(tbody, rows, key) {
  const shown = new Map([...tbody.rows].map((tr) => [key(tr), tr]));
  const next = rows.map((tr) => {
    const prev = shown.get(key(tr));
    if (!prev || prev.cells.length !== tr.cells.length) return tr;
    shown.delete(key(tr));
    if (prev.className !== tr.className) prev.className = tr.className;
    [...tr.cells].forEach((td, i) => { if (prev.cells[i].outerHTML !== td.outerHTML) prev.cells[i].replaceWith(td); });
    return prev;
  });
  // Nothing moves when the order is the same; the rows no longer listed end up last, and go.
  next.forEach((tr, i) => { if (tbody.rows[i] !== tr) tbody.insertBefore(tr, tbody.rows[i] || null); });
  while (tbody.rows.length > next.length) tbody.rows[tbody.rows.length - 1].remove();
}

let uid = 0;
/** A fresh id for label/aria wiring. */
export function nextId(prefix = 'x') { uid += 1; return `${prefix}-${uid}`; }

/** Announces a message politely to screen readers (and shows it in the page's status area). */
export function announce(message) {
  const live = document.getElementById('live-status');
  if (live) { live.textContent = ''; window.setTimeout(() => { live.textContent = message; }, 30); }
}

// --- API ------------------------------------------------------------------------------------------------

/** An API call that failed: the HTTP status and the problem+json body (if any). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
  /** The problem's field errors as {field: message}. */
  get fields() {
    const out = {};
    for (const e of this.problem.errors || []) out[e.field] = e.message;
    return out;
  }
}

// The session's CSRF token is kept for the whole browser (localStorage), as its session cookie is: a page opened
// in another tab is signed in too, and signing out anywhere signs every tab out (their next call gets 401).
export function getCsrf() {
  try { return localStorage.getItem('relais.csrf') || ''; } catch { return memoryCsrf; }
}
export function setCsrf(token) {
  try {
    if (token) localStorage.setItem('relais.csrf', token); else localStorage.removeItem('relais.csrf');
  } catch { /* private mode: the token stays in memory only */ }
  memoryCsrf = token || '';
}
let memoryCsrf = '';

/**
 * Calls the API. `body` is sent as JSON. Options: idempotencyKey. Resolves to the parsed JSON (or null);
 * rejects with ApiError (status 0 when the network failed).
 */
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = getCsrf() || memoryCsrf;
    if (token) headers['X-CSRF-Token'] = token;
  }
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { title: t('error.network') });
  }
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    err.retryAfter = Number(res.headers.get('Retry-After')) || 0;  // seconds, for 429 and 503
    throw err;
  }
  return data;
}

/** A random key for Idempotency-Key (one per form load). */
export function idempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID().replaceAll('-', '');
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// --- dates ----------------------------------------------------------------------------------------------

function locale() { return lang === 'en' ? 'en-GB' : 'fr-FR'; }

/** "mar. 24 nov., 15:00" */
export function fmtDateTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(locale(), {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
  });
}
export function fmtDate(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(locale(), { weekday: 'long', day: 'numeric', month: 'long' });
}
export function fmtTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}
/** "il y a 3 h" / "3 h ago" */
export function ago(iso) {
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto', style: 'short' });
  if (s < 3600) return rtf.format(-Math.round(s / 60), 'minute');
  if (s < 86400 * 2) return rtf.format(-Math.round(s / 3600), 'hour');
  return rtf.format(-Math.round(s / 86400), 'day');
}
/** A Date as the value of <input type="date"> (local). */
export function dateInputValue(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
/** Local date ("YYYY-MM-DD") + time ("HH:MM") -> ISO 8601 with offset (UTC "Z"). */
export function localToIso(date, time) {
  const d = new Date(`${date}T${time}:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

// --- forms ----------------------------------------------------------------------------------------------

/** Removes the error display added by showFieldErrors. */
export function clearFieldErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) p.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.startsWith('err-'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' ')); else el.removeAttribute('aria-describedby');
  }
  const summary = form.parentElement && form.parentElement.querySelector('.error-summary');
  if (summary) summary.remove();
}

/**
 * Shows `errors` ({field name: message}) on `form`: a summary with links at the top (focused), and each
 * message next to its field, linked with aria-describedby. Fields are found by name (radio groups: their
 * fieldset). Returns the number of errors shown.
 */
export function showFieldErrors(form, errors, titleKey = 'form.errors_title') {
  clearFieldErrors(form);
  const entries = Object.entries(errors);
  if (!entries.length) return 0;
  const items = [];
  for (const [name, message] of entries) {
    const field = form.querySelector(`[name="${CSS.escape(name)}"]`);
    let target = field;
    if (field && (field.type === 'radio' || field.type === 'checkbox') && field.closest('fieldset')
        && form.querySelectorAll(`[name="${CSS.escape(name)}"]`).length > 1) target = field.closest('fieldset');
    const errId = `err-${name.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
    const p = h('p', { class: 'field-error', id: errId }, message);
    let anchor = null;
    if (target) {
      target.setAttribute('aria-invalid', 'true');
      const ids = (target.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      ids.push(errId);
      target.setAttribute('aria-describedby', ids.join(' '));
      if (target.tagName === 'FIELDSET') target.querySelector('legend').after(p);
      else target.before(p);
      if (!target.id) target.id = nextId('f');
      anchor = target.tagName === 'FIELDSET' ? (target.querySelector('input') || target) : target;
      if (!anchor.id) anchor.id = nextId('f');
    } else {
      form.prepend(p);
    }
    items.push(h('li', {}, anchor ? h('a', { href: `#${anchor.id}`, on: { click: (e) => {
      e.preventDefault(); anchor.focus();
    } } }, message) : message));
  }
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
    h('h2', {}, t(titleKey, { count: entries.length })), h('ul', {}, items));
  form.before(summary);
  summary.focus();
  return entries.length;
}

/** The message for a field error from the API: the dictionary's plain text, or the API's own words. */
export function fieldMessage(field, apiMessage) {
  const key = `error.${field}`;
  return hasKey(key) ? t(key) : `${t('error.generic')} (${field}: ${apiMessage})`;
}

/** A short status line for a failed call. */
export function problemText(err) {
  if (!(err instanceof ApiError)) return t('error.unexpected');
  if (err.status === 0) return t('error.network');
  if (err.status === 429) return t('error.too_many');
  if (err.status === 401) return t('error.signed_out');
  if (err.status === 403) return t('error.forbidden');
  if (err.status === 404) return t('error.not_found');
  if (err.status === 409) return `${t('error.conflict')} ${err.problem.detail || ''}`.trim();
  if (err.status === 422) return t('form.check_fields');
  return t('error.unexpected');
}

/** Reads a form into {name: value}; repeated names (checkboxes) into arrays when `multi` lists them. */
export function formData(form, multi = []) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) {
    const value = typeof v === 'string' ? v.trim() : v;
    if (multi.includes(k)) (out[k] ||= []).push(value); else out[k] = value;
  }
  for (const k of multi) out[k] ||= [];
  return out;
}

/**
 * The sign-in form (email, password; status line #login-status): checks both are given, POST
 * /api/v1/auth/login, signs out again an account whose role `allowed(role)` refuses (status: t(refusedKey)),
 * else awaits `onSignedIn(user)`. Options: attrs (the form's attributes), prefix (ids `<prefix>-email` and
 * `<prefix>-password`), buttonClass.
 */
export function signInForm({ attrs, prefix = 'login', buttonClass = 'primary', allowed, refusedKey, onSignedIn }) {
  const form = h('form', { novalidate: true, ...attrs },
    h('div', { class: 'field' }, h('label', { for: `${prefix}-email` }, t('co.login.email')),
      h('input', { id: `${prefix}-email`, name: 'email', type: 'email', autocomplete: 'username', required: true })),
    h('div', { class: 'field' }, h('label', { for: `${prefix}-password` }, t('co.login.password')),
      h('input', { id: `${prefix}-password`, name: 'password', type: 'password', autocomplete: 'current-password',
        required: true })),
    h('p', { id: 'login-status', class: 'form-status', role: 'status' }),
    h('button', { type: 'submit', class: buttonClass }, t('co.login.submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = formData(form);
    const errors = {};
    if (!data.email) errors.email = t('co.login.need_email');
    if (!data.password) errors.password = t('co.login.need_password');
    if (showFieldErrors(form, errors)) return;
    clearFieldErrors(form);
    const status = form.querySelector('#login-status');
    status.textContent = t('co.login.signing_in');
    try {
      const res = await api('POST', '/api/v1/auth/login', { email: data.email, password: data.password });
      setCsrf(res.csrf_token);
      if (!allowed(res.user.role)) {
        await api('POST', '/api/v1/auth/logout', {}).catch(() => {});
        setCsrf('');
        status.textContent = t(refusedKey);
        return;
      }
      await onSignedIn(res.user);
    } catch (err) {
      status.textContent = err instanceof ApiError && (err.status === 401 || err.status === 422)
        ? t('co.login.failed') : problemText(err);
    }
  });
  return form;
}

/** Reference data: categories and neighbourhoods, loaded once per page. */
let refCache = null;
export async function reference() {
  if (!refCache) {
    const [cats, nbs, programme] = await Promise.all([
      api('GET', '/api/v1/categories'), api('GET', '/api/v1/neighbourhoods'), api('GET', '/api/v1/programme'),
    ]);
    refCache = { categories: cats.items, neighbourhoods: nbs.items, programme };
  }
  return refCache;
}
export function categoryLabel(ref, code) {
  const c = ref.categories.find((x) => x.code === code);
  if (!c) return code;
  return lang === 'en' ? c.label_en : c.label_fr;
}
export function categoryDescription(ref, code) {
  const c = ref.categories.find((x) => x.code === code);
  if (!c) return '';
  return lang === 'en' ? c.description_en : c.description_fr;
}
/** What a category is, as volunteers read it ("do someone's shopping"), when the city wrote it; else the
 * residents' sentence. */
export function volunteerCategoryDescription(ref, code) {
  const c = ref.categories.find((x) => x.code === code);
  if (!c) return '';
  const own = lang === 'en' ? c.volunteer_description_en : c.volunteer_description_fr;
  return own || (lang === 'en' ? c.description_en : c.description_fr);
}
export function neighbourhoodName(ref, code) {
  const n = ref.neighbourhoods.find((x) => x.code === code);
  return n ? n.name : code;
}

/** Set a password (an account made without one) or change it. */
export function passwordSection(status) {
  const form = h('form', { novalidate: true, id: 'password-form' },
    h('div', { class: 'field' }, h('label', { for: 'pw-current' }, t('account.pw.current'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
      h('p', { class: 'hint', id: 'hint-pw-current' }, t('account.pw.current_hint')),
      h('input', { id: 'pw-current', name: 'current_password', type: 'password', autocomplete: 'current-password', 'aria-describedby': 'hint-pw-current' })),
    h('div', { class: 'field' }, h('label', { for: 'pw-new' }, t('account.pw.new')),
      h('p', { class: 'hint', id: 'hint-pw-new' }, t('account.pw.new_hint')),
      h('input', { id: 'pw-new', name: 'new_password', type: 'password', autocomplete: 'new-password', required: true, 'aria-describedby': 'hint-pw-new' })),
    h('button', { type: 'submit' }, t('account.pw.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    if (showFieldErrors(form, (d.new_password || '').length >= 12 ? {} : { new_password: t('account.pw.too_short') })) return;
    clearFieldErrors(form);
    try {
      await api('POST', '/api/v1/me/password', { current_password: d.current_password || '', new_password: d.new_password });
      form.reset();
      status.textContent = t('account.pw.saved');
    } catch (err) {
      status.textContent = problemText(err);
      if (err instanceof ApiError && err.status === 422) {
        const shown = {};
        for (const [f, m] of Object.entries(err.fields)) shown[f] = fieldMessage(f, m);
        showFieldErrors(form, shown);
      }
    }
  });
  return h('section', { 'aria-labelledby': 'pw-title' }, h('h2', { id: 'pw-title' }, t('account.pw.title')), form);
}

/**
 * A one-time password link an admin just received (new account or reset), shown once to hand over: the full
 * address (the token is in its fragment), a copy button and when it expires.
 */
export function passwordLinkBox(link) {
  const url = `${location.origin}${link.path}`;
  const input = h('input', { id: 'password-link-url', type: 'text', readonly: true, value: url, 'aria-labelledby': 'password-link-lead', class: 'wide' });
  const copied = h('span', { role: 'status' });
  return h('div', { class: 'panel link-box', id: 'password-link' },
    h('p', { id: 'password-link-lead' }, t(link.purpose === 'reset' ? 'ad.link.reset_lead' : 'ad.link.set_lead')),
    h('p', {}, input, ' ', h('button', { type: 'button', on: { click: async () => {
      input.select();
      try { await navigator.clipboard.writeText(url); copied.textContent = t('ad.link.copied'); } catch { copied.textContent = t('ad.link.copy_by_hand'); }
    } } }, t('ad.link.copy')), ' ', copied),
    h('p', { class: 'hint' }, t('ad.link.expires', { date: fmtDateTime(link.expires_at) }),
      link.emailed ? [' ', t('ad.link.emailed')] : ''));
}

/**
 * A page opened from a one-time link (`#lien=<64 hex>`, a fragment the browser never sends): the token is taken
 * out of the address bar and history, the language switch keeps it, then `show(token)`, or `expired()` when
 * the address holds none.
 */
export async function oneTimeLinkPage(show, expired) {
  const m = /(?:^#|&)lien=([0-9a-f]{64})(?:&|$)/.exec(location.hash);
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  const token = m ? m[1] : null;
  await initI18n();
  document.getElementById('skip-link').textContent = t('common.skip');
  const other = langSwitch();
  if (token) other.setAttribute('href', `${other.getAttribute('href').split('#')[0]}#lien=${token}`);
  mount(document.getElementById('lang'), other);
  if (token) show(token); else expired();
}

/** A standalone page's view in <main>: the title, its heading focused (route changes are announced). */
export function pageView(title, ...children) {
  document.title = `${title} – Relais`;
  const h1 = h('h1', { tabindex: '-1', id: 'page-title' }, title);
  mount(document.getElementById('main'), h1, ...children);
  h1.focus();
}

/** A 422's fields shown next to their inputs in `form`, in the page's words when it has them. */
export function showProblemFields(form, err) {
  if (!(err instanceof ApiError) || err.status !== 422) return;
  const shown = {};
  for (const [f, m] of Object.entries(err.fields)) shown[f] = fieldMessage(f, m);
  showFieldErrors(form, shown);
}

/** "2026-03-12" (a day, not a moment) in words: read at local noon, so no time zone moves it to the day before;
 * a moment (ISO 8601 with a time) as its local day. */
export function fmtDay(day) {
  if (!day) return '';
  const d = day.includes('T') ? new Date(day) : new Date(`${day}T12:00:00`);  // a moment: its local day
  if (Number.isNaN(d.getTime())) return day;
  return d.toLocaleDateString(locale(), { day: 'numeric', month: 'long', year: 'numeric' });
}

/** The category's training (its name), or null when it requires none. */
export function categoryTraining(ref, code) {
  const c = ref.categories.find((x) => x.code === code);
  return (c && c.training) || null;
}

/**
 * The volunteers' charter as text to read: the page's language, French when the English text is empty. Plain
 * text with its line breaks (CSS white-space: pre-line), never HTML. A scrollable box, so focusable (keyboard
 * users scroll it) and named by `labelledBy` (the id of its heading).
 */
export function charterBox(charter, { id, labelledBy } = {}) {
  const english = lang === 'en' && charter.text_en && charter.text_en.trim();
  return h('div', { class: 'charter-text', id, tabindex: '0', role: 'region', 'aria-labelledby': labelledBy,
    lang: english ? 'en' : 'fr' }, english ? charter.text_en : charter.text_fr);
}

/** A file checked, then imported (the imports of the console and the administration): "check" sends the file's
 * text as a dry run and lists every fault it has (each line or feature), then "import", after a confirmation,
 * sends it for real. `send(text, dryRun)` calls the API and returns the status line to show; `imported()` runs
 * after a real import. Ids are `${id}-file`, `${id}-check`, `${id}-import`, `${id}-status`, `${id}-fault-list`.
 * `words`: file, hint, check, import, choose, too_big, faulty, confirm. */
export function checkedImportForm(id, words, { accept, send, imported, maxBytes = 64 * 1024 }) {
  const status = h('p', { role: 'status', class: 'form-status', id: `${id}-status` });
  const faults = h('div', { id: `${id}-faults` });
  const file = h('input', { id: `${id}-file`, name: 'file', type: 'file', accept, 'aria-describedby': `${id}-hint` });
  const run = h('button', { type: 'button', id: `${id}-import`, class: 'primary', disabled: true }, words.import);
  const form = h('form', { id: `${id}-form`, novalidate: true },
    h('div', { class: 'field' }, h('label', { for: `${id}-file` }, words.file),
      h('p', { class: 'hint', id: `${id}-hint` }, words.hint), file),
    h('p', {}, h('button', { type: 'submit', id: `${id}-check` }, words.check), ' ', run), status, faults);
  let text = null;
  const go = async (dryRun) => {
    mount(faults);
    try {
      status.textContent = await send(text, dryRun);
      run.disabled = !dryRun;
      if (!dryRun) { text = null; file.value = ''; if (imported) await imported(); }
    } catch (err) {
      run.disabled = true;
      if (err instanceof ApiError && err.status === 422) {
        status.textContent = words.faulty;
        mount(faults, h('ul', { class: 'error-list', id: `${id}-fault-list` },
          (err.problem.errors || []).map((e) => h('li', {}, e.message))));
      } else {
        status.textContent = problemText(err);
      }
    }
    announce(status.textContent);
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files && file.files[0];
    if (!f) { status.textContent = words.choose; return; }
    if (f.size > maxBytes) { status.textContent = words.too_big; return; }
    text = (await f.text()).replace(/\r\n?/g, '\n');  // line ends as the API takes them
    await go(true);
  });
  run.addEventListener('click', () => { if (text && window.confirm(words.confirm)) go(false); });
  return form;
}
