// The reserve of volunteers (coordination console, issue 16): the volunteers who agreed to be contacted again
// for future needs, filtered by kind of help, neighbourhood, language and inactivity; a reactivation campaign
// to the members the filters select (a count first, then a confirmation); and every campaign with its funnel
// (sent, delivered, opened, then the answers: available again, not now, leave) and the time to its first 10,
// 50 and 100 returns. The page follows the live feed (campaign and volunteer events) and re-reads itself
// every 15 s while it is shown (unless the console's periodic poll is off). An existing list of volunteers
// can be imported into the reserve from here (volunteer_import.js).
import {
  t, h, mount, api, ApiError, announce, problemText, categoryLabel, neighbourhoodName, fmtDate, fmtDateTime,
  showFieldErrors, clearFieldErrors, hasKey,
} from './lib.js';
import { volunteerImportSection } from './volunteer_import.js';

const LANGUAGES = ['fr', 'en', 'es', 'de', 'it', 'pt', 'ar', 'uk', 'ru', 'tr'];
const STAGES = ['queued', 'sent', 'delivered', 'opened', 'reactivated', 'stayed', 'declined', 'unreachable', 'failed'];
const REFRESH_SECONDS = 15;

// The filters stay as set while the console is open (coming back to the page keeps them).
const filters = { skill: '', neighbourhood: '', language: '', inactive_days: '' };
let timer = null;

const languageName = (code) => (hasKey(`language.${code}`) ? t(`language.${code}`) : code);

/** The query of GET /api/v1/reserve and the `filter` of a campaign, from the filters set. */
function query() {
  const q = new URLSearchParams();
  if (filters.skill) q.set('skill', filters.skill);
  if (filters.neighbourhood) q.set('neighbourhood', filters.neighbourhood);
  if (filters.language) q.set('language', filters.language);
  if (filters.inactive_days !== '') q.set('inactive_days', filters.inactive_days);
  return q;
}
function campaignFilter() {
  const f = {};
  if (filters.skill) f.skills = [filters.skill];
  if (filters.neighbourhood) f.neighbourhood = filters.neighbourhood;
  if (filters.language) f.languages = [filters.language];
  if (filters.inactive_days !== '') f.inactive_days = Number(filters.inactive_days);
  return f;
}

/** A campaign's filter in words ("all the reserve" when it had none). */
function filterText(ref, f) {
  const parts = [];
  if (f && f.skills && f.skills.length) parts.push(f.skills.map((c) => categoryLabel(ref, c)).join(', '));
  if (f && f.neighbourhood) parts.push(neighbourhoodName(ref, f.neighbourhood));
  if (f && f.languages && f.languages.length) parts.push(f.languages.map(languageName).join(', '));
  if (f && f.inactive_days !== undefined && f.inactive_days !== null) parts.push(t('co.res.inactive_for', { days: f.inactive_days }));
  return parts.length ? parts.join(' · ') : t('co.res.filter_all');
}

/** Seconds as "3 min", "2 h 05", "4 j 3 h". */
function duration(seconds) {
  const m = Math.round(seconds / 60);
  if (m < 60) return t('co.res.dur.min', { m });
  const hours = Math.floor(m / 60);
  if (hours < 48) return t('co.res.dur.h', { h: hours, m: String(m % 60).padStart(2, '0') });
  return t('co.res.dur.d', { d: Math.floor(hours / 24), h: hours % 24 });
}

function membersTable(ref, page) {
  if (!page.items.length) return h('p', { id: 'reserve-members' }, t('co.res.none'));
  const cols = ['co.res.col.name', 'co.res.col.neighbourhood', 'co.res.col.skills', 'co.res.col.languages', 'co.res.col.joined',
    'co.res.col.confirmed', 'co.res.col.last_active'];
  return h('div', { class: 'table-scroll' }, h('table', { id: 'reserve-members' },
    h('caption', { class: 'visually-hidden' }, t('co.res.caption')),
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, page.items.map((m) => h('tr', { dataset: { volunteerId: m.volunteer_id } },
      h('th', { scope: 'row' }, h('a', { href: `#/benevole/${m.volunteer_id}` }, `${m.first_name} ${m.last_name}`)),
      h('td', {}, neighbourhoodName(ref, m.neighbourhood)),
      h('td', {}, m.skills.map((s) => categoryLabel(ref, s)).join(', ')),
      h('td', {}, m.languages.map(languageName).join(', ')),
      h('td', {}, fmtDate(m.joined_at)),
      h('td', {}, fmtDate(m.confirmed_at)),
      h('td', {}, m.last_active_at ? fmtDate(m.last_active_at) : t('co.vol.never')))))));
}

const SVGNS = 'http://www.w3.org/2000/svg';
/** A small bar (share of the recipients), decorative: the number is in the cell's text. */
function bar(share) {
  const svg = document.createElementNS(SVGNS, 'svg');
  const attrs = { width: '80', height: '8', viewBox: '0 0 80 8', 'aria-hidden': 'true', focusable: 'false', class: 'funnel-bar' };
  for (const [k, v] of Object.entries(attrs)) svg.setAttribute(k, v);
  for (const [cls, w] of [['track', 80], ['fill', Math.round(80 * Math.max(0, Math.min(1, share)))]]) {
    const rect = document.createElementNS(SVGNS, 'rect');
    rect.setAttribute('class', cls);
    rect.setAttribute('width', String(w));
    rect.setAttribute('height', '8');
    svg.append(rect);
  }
  return svg;
}

function campaignCard(ref, c) {
  const titleId = `campaign-${c.id}-title`;
  const total = c.recipients || 0;
  return h('li', { class: 'card', id: `campaign-${c.id}`, dataset: { campaignId: c.id } },
    h('h3', { id: titleId }, t('co.res.campaign_head', { date: fmtDateTime(c.created_at), who: c.created_by_name, count: total })),
    h('p', { class: 'meta' }, t('co.res.campaign_filter', { filter: filterText(ref, c.filter) })),
    h('blockquote', { class: 'campaign-message' }, c.message.split('\n').filter((line) => line.trim()).map((line) => h('p', {}, line))),
    // Scrollable on a narrow screen: then reachable from the keyboard, and named.
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': `${titleId}-funnel` }, h('table', { class: 'funnel' },
      h('caption', { id: `${titleId}-funnel` }, t('co.res.funnel_caption')),
      h('thead', {}, h('tr', {}, STAGES.map((s) => h('th', { scope: 'col' }, t(`co.res.funnel.${s}`))))),
      h('tbody', {}, h('tr', {}, STAGES.map((s) => {
        const n = (c.funnel && c.funnel[s]) || 0;
        return h('td', { dataset: { stage: s } }, h('span', { class: 'funnel-count' }, String(n)), h('br'), bar(total ? n / total : 0));
      }))))),
    h('dl', { class: 'facts first-reactivations' }, ['10', '50', '100'].map((n) => {
      const s = c.first_reactivations ? c.first_reactivations[n] : null;
      return [h('dt', {}, t('co.res.first_n', { n })), h('dd', { dataset: { first: n } }, s === null || s === undefined ? t('co.res.not_yet') : duration(s))];
    })));
}

/**
 * deps: { view, guard, ref, openDialog, onLive(fn), concerns(changes, test), periodic } from the console;
 * onLive sets what a live notice refreshes; periodic: whether the page re-reads itself every 15 s.
 */
export async function reserveView(deps) {
  const { view, guard, ref, openDialog, onLive, concerns, periodic } = deps;
  if (timer) { clearInterval(timer); timer = null; }
  const count = h('p', { id: 'reserve-count', role: 'status', class: 'form-status' });
  const members = h('div', { id: 'reserve-members-holder' }, h('p', {}, t('common.loading')));
  const campaigns = h('div', { id: 'campaign-list' }, h('p', {}, t('common.loading')));
  const status = h('p', { id: 'campaign-status', role: 'status', class: 'form-status' });

  const select = (id, name, label, options) => h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id, name }, h('option', { value: '' }, t('co.res.any')),
      options.map(([v, text]) => h('option', { value: v, selected: filters[name] === v ? true : null }, text))));
  const filterForm = h('form', { id: 'reserve-filters', class: 'filters', 'aria-label': t('co.res.filters'), novalidate: true },
    select('res-skill', 'skill', t('co.res.skill'), ref.categories.map((c) => [c.code, categoryLabel(ref, c.code)])),
    select('res-neighbourhood', 'neighbourhood', t('co.res.neighbourhood'), ref.neighbourhoods.map((n) => [n.code, n.name])),
    select('res-language', 'language', t('co.res.language'), LANGUAGES.map((l) => [l, languageName(l)])),
    h('div', { class: 'field' }, h('label', { for: 'res-inactive' }, t('co.res.inactive')),
      h('input', { id: 'res-inactive', name: 'inactive_days', type: 'number', min: '0', max: '3650', inputmode: 'numeric',
        value: filters.inactive_days })),
    h('button', { type: 'submit' }, t('co.res.filter')));

  const loadMembers = async () => {
    const page = await guard(() => api('GET', `/api/v1/reserve?${query()}`));
    if (!page) return;
    count.textContent = page.total > page.items.length
      ? t('co.res.count_shown', { total: page.total, shown: page.items.length }) : t('co.res.count', { total: page.total });
    mount(members, membersTable(ref, page));
  };
  const loadCampaigns = async () => {
    const page = await guard(() => api('GET', '/api/v1/campaigns'));
    if (!page) return;
    mount(campaigns, page.items.length ? h('ul', { class: 'cards-list' }, page.items.map((c) => campaignCard(ref, c)))
      : h('p', {}, t('co.res.no_campaign')));
  };
  const showError = (holder) => (err) => mount(holder, h('p', { class: 'notice', role: 'alert' }, problemText(err)));

  const readFilters = () => {
    const data = new FormData(filterForm);
    for (const k of Object.keys(filters)) filters[k] = String(data.get(k) || '').trim();
    const n = Number(filters.inactive_days);
    if (filters.inactive_days !== '' && (!Number.isInteger(n) || n < 0 || n > 3650)) {
      showFieldErrors(filterForm, { inactive_days: t('co.res.err.inactive') });
      return false;
    }
    clearFieldErrors(filterForm);
    return true;
  };
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (readFilters()) loadMembers().catch(showError(members));
  });
  filterForm.addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT' && readFilters()) loadMembers().catch(showError(members));
  });

  // --- the campaign ---------------------------------------------------------------------------------------
  const message = h('textarea', { id: 'campaign-message', name: 'message', rows: '5', maxlength: '1000', required: true,
    'aria-describedby': 'campaign-message-hint' });
  const preview = h('button', { type: 'button', id: 'campaign-preview' }, t('co.res.preview'));
  const send = h('button', { type: 'submit', id: 'campaign-send', class: 'primary' }, t('co.res.send'));
  const campaignForm = h('form', { id: 'campaign-form', novalidate: true },
    h('p', {}, t('co.res.campaign_lead')),
    h('div', { class: 'field' }, h('label', { for: 'campaign-message' }, t('co.res.message')),
      h('p', { class: 'hint', id: 'campaign-message-hint' }, t('co.res.message_hint')), message),
    h('div', { class: 'button-row' }, preview, send),
    status);
  const checkMessage = () => {
    const text = message.value.trim();
    if (text.length < 10 || text.length > 1000) {
      showFieldErrors(campaignForm, { message: t('co.res.err.message') });
      return null;
    }
    clearFieldErrors(campaignForm);
    return text;
  };
  const campaignError = (err) => {
    status.textContent = problemText(err);
    if (err instanceof ApiError && err.status === 422) {
      const fields = err.fields;
      if (fields.filter) status.textContent = t('co.res.err.filter');
      if (fields.message) showFieldErrors(campaignForm, { message: t('co.res.err.message') });
    }
    announce(status.textContent);
  };
  /** The recipients the filters select now (a dry run), or null after saying why not. */
  const countRecipients = async (text) => {
    if (!readFilters()) return null;
    loadMembers().catch(showError(members));  // the list shows whom the filters select now
    try {
      const res = await api('POST', '/api/v1/campaigns', { message: text, filter: campaignFilter(), dry_run: true });
      return res.recipients;
    } catch (err) { campaignError(err); return null; }
  };
  preview.addEventListener('click', async () => {
    const text = checkMessage();
    if (!text) return;
    const n = await countRecipients(text);
    if (n === null) return;
    status.textContent = t('co.res.preview_count', { count: n });
    announce(status.textContent);
  });
  campaignForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = checkMessage();
    if (!text) return;
    const n = await countRecipients(text);
    if (n === null) return;
    const yes = h('button', { type: 'button', class: 'primary', id: 'campaign-send-yes' }, t('co.res.confirm_yes', { count: n }));
    const no = h('button', { type: 'button', id: 'campaign-send-no' }, t('co.res.confirm_no'));
    const dialog = openDialog('campaign-confirm', t('co.res.confirm_title'), [
      h('p', {}, t('co.res.confirm_text', { count: n, filter: filterText(ref, campaignFilter()) })),
      h('blockquote', { class: 'campaign-message' }, text.split('\n').filter((line) => line.trim()).map((line) => h('p', {}, line)))], [yes, no]);
    no.addEventListener('click', () => { dialog.close(); status.textContent = t('co.res.not_sent'); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      send.disabled = true;
      try {
        const c = await api('POST', '/api/v1/campaigns', { message: text, filter: campaignFilter() });
        dialog.close();
        message.value = '';
        await loadCampaigns().catch(showError(campaigns));  // the list first, then the word that it is sent
        status.textContent = t('co.res.sent', { count: c.recipients });
        announce(status.textContent);
      } catch (err) {
        dialog.close();
        campaignError(err);
      } finally { send.disabled = false; }
    });
    yes.focus();
  });

  const pageEl = h('div', { id: 'reserve-page' },
    h('p', {}, t('co.res.lead')),
    h('section', { class: 'panel', 'aria-labelledby': 'reserve-members-title' },
      h('h2', { id: 'reserve-members-title' }, t('co.res.members')), filterForm, count, members),
    h('section', { class: 'panel', 'aria-labelledby': 'campaign-new-title' },
      h('h2', { id: 'campaign-new-title' }, t('co.res.campaign_title')), campaignForm),
    h('section', { class: 'panel', 'aria-labelledby': 'campaigns-title' },
      h('h2', { id: 'campaigns-title' }, t('co.res.campaigns')), campaigns),
    h('section', { class: 'panel' }, volunteerImportSection(() => loadMembers())));
  const h1 = view(t('co.res.title'), pageEl);
  h1.focus();

  const refresh = async (all) => {
    await Promise.all([loadCampaigns().catch(() => {}), all ? loadMembers().catch(() => {}) : null]);
  };
  onLive((changes) => {
    if (concerns(changes, (ev) => ev.entity === 'volunteer')) return refresh(true);
    if (concerns(changes, (ev) => ev.entity === 'campaign')) return refresh(false);
    return undefined;
  });
  if (periodic) {
    const mine = setInterval(() => {
      // Only while the page is shown: another page (or the sign-in form) ends it.
      if (!pageEl.isConnected) {
        clearInterval(mine);
        if (timer === mine) timer = null;
        return;
      }
      if (!document.hidden) refresh(true);
    }, REFRESH_SECONDS * 1000);
    timer = mine;
  }
  await Promise.all([loadMembers().catch(showError(members)), loadCampaigns().catch(showError(campaigns))]);
}
