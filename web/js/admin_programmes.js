// Programmes over the years (administration): every programme the city ran, newest first (its dates, current
// or closed, its requests and the supports of it that still run), and for the current one the form that closes
// it: the next programme's name and dates, then every running support reviewed once - it continues in the next
// programme, it is handed over to a partner association (with the resident's agreement) or it ends. One POST,
// all or nothing; the server's faults are shown next to their fields.
import {
  t, h, mount, api, ApiError, announce, problemText, formData, showFieldErrors, clearFieldErrors, fieldMessage,
  categoryLabel, fmtDate, fmtDateTime, dateInputValue, getLang, nextId, hasKey, charterBox,
} from './lib.js';

const DECISIONS = ['continue', 'hand_over', 'end'];

/** "2026-09-01" in words, read as a day (not as UTC midnight, which is the day before west of Greenwich). */
function fmtDay(day) {
  if (!day) return '';
  const d = new Date(`${day}T12:00:00`);
  if (Number.isNaN(d.getTime())) return day;
  return d.toLocaleDateString(getLang() === 'en' ? 'en-GB' : 'fr-FR', { day: 'numeric', month: 'long', year: 'numeric' });
}

function datesText(p) {
  return p.ends_on ? t('ad.prg.dates', { from: fmtDay(p.starts_on), until: fmtDay(p.ends_on) }) : t('ad.prg.dates_open', { from: fmtDay(p.starts_on) });
}

function statusBadge(p) {
  return p.status === 'current'
    ? h('span', { class: 'badge ok' }, t('ad.prg.status.current'))
    : h('span', { class: 'badge' }, p.closed_at ? t('ad.prg.status.closed_on', { date: fmtDate(p.closed_at) }) : t('ad.prg.status.closed'));
}

function programmeTable(items) {
  if (!items.length) return h('p', { id: 'programme-list' }, t('ad.prg.none'));
  return h('div', { class: 'table-scroll' }, h('table', { id: 'programme-list' },
    h('caption', {}, t('ad.prg.caption', { count: items.length })),
    h('thead', {}, h('tr', {}, ['ad.prg.col.name', 'ad.prg.col.dates', 'ad.prg.col.status', 'ad.prg.col.requests', 'ad.prg.col.supports']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, items.map((p) => h('tr', { dataset: { programmeId: p.id, status: p.status } },
      h('th', { scope: 'row' }, p.name),
      h('td', {}, datesText(p)),
      h('td', {}, statusBadge(p)),
      h('td', {}, String(p.requests)),
      h('td', {}, String(p.active_supports)))))));
}

/** The messages of the close form's faults, in the page's words (`reviews[2].partner_id` -> its row's field). */
function faultText(field, apiMessage, current) {
  const review = /^reviews\[\d+\]\.(\w+)$/.exec(field);
  if (review) {
    const key = `ad.prg.err.${review[1]}`;
    return hasKey(key) ? t(key) : fieldMessage(field, apiMessage);
  }
  switch (field) {
    case 'next.name': return t('ad.prg.err.next_name');
    case 'next.starts_on': return t('ad.prg.err.next_starts', { date: fmtDay(current.starts_on) });
    case 'next.ends_on': return t('ad.prg.err.next_ends');
    case 'reviews': return t('ad.prg.err.reviews');
    default: return fieldMessage(field, apiMessage);
  }
}

/** One running support's row: who and what, then the decision (and, to hand it over, the partner and the
 * resident's agreement). Field names are the API's (`reviews[i].decision`...) so that a 422 lands beside them. */
function reviewRow(i, row, partners, ref) {
  const { s, resident, volunteer } = row;
  const name = resident || t('co.queue.erased');
  const base = `rv-${i}`;
  const decision = h('select', { id: `${base}-decision`, name: `reviews[${i}].decision`, class: 'review-decision' },
    h('option', { value: '' }, t('ad.prg.decision.choose')),
    DECISIONS.map((d) => h('option', { value: d, disabled: d === 'hand_over' && !partners.length ? true : null }, t(`ad.prg.decision.${d}`))));
  const handover = h('div', { class: 'handover-fields', hidden: true },
    h('div', { class: 'field' }, h('label', { for: `${base}-partner` }, t('ad.prg.partner')),
      h('select', { id: `${base}-partner`, name: `reviews[${i}].partner_id` },
        h('option', { value: '' }, t('ad.prg.partner_choose')),
        partners.map((p) => h('option', { value: p.id }, p.name)))),
    h('div', { class: 'choice' },
      h('input', { type: 'checkbox', id: `${base}-consent`, name: `reviews[${i}].resident_consent`, value: 'yes' }),
      h('label', { for: `${base}-consent` }, t('ad.prg.consent', { name }))));
  decision.addEventListener('change', () => { handover.hidden = decision.value !== 'hand_over'; });
  return h('tr', { dataset: { support: s.id } },
    h('th', { scope: 'row' }, name),
    h('td', {}, categoryLabel(ref, s.category), ' · ', t(`recurrence.${s.recurrence}`)),
    h('td', {}, volunteer),
    h('td', {}, fmtDate(s.created_at)),
    h('td', {},
      h('div', { class: 'field' }, h('label', { for: `${base}-decision` }, t('ad.prg.decision_for', { name })), decision),
      handover,
      h('div', { class: 'field' }, h('label', { for: `${base}-note` }, t('ad.prg.note'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
        h('input', { id: `${base}-note`, name: `reviews[${i}].note`, type: 'text', maxlength: '1000' }))));
}

/** The running supports with their resident's and volunteer's names (as the console's supports page reads them). */
async function runningSupports() {
  const page = await api('GET', '/api/v1/supports?status=active&limit=200');
  const names = new Map();
  const volunteerName = async (id) => {
    if (!names.has(id)) {
      names.set(id, api('GET', `/api/v1/volunteers/${encodeURIComponent(id)}`)
        .then((v) => `${v.first_name} ${v.last_name}`).catch(() => t('co.queue.erased')));
    }
    return names.get(id);
  };
  return Promise.all(page.items.map(async (s) => {
    const [volunteer, request] = await Promise.all([volunteerName(s.volunteer_id),
      api('GET', `/api/v1/requests/${encodeURIComponent(s.request_id)}`).catch(() => null)]);
    return { s, volunteer, resident: request && request.resident_name };
  }));
}

function closeForm(current, rows, partners, ref, status, reload) {
  const titleId = nextId('prg-close');
  const form = h('form', { id: 'programme-close-form', novalidate: true, 'aria-labelledby': titleId },
    h('h2', { id: titleId }, t('ad.prg.close_title', { name: current.name })),
    h('p', {}, t('ad.prg.close_lead')),
    h('fieldset', {}, h('legend', {}, t('ad.prg.next')),
      h('div', { class: 'field' }, h('label', { for: 'next-name' }, t('ad.prg.next_name')),
        h('input', { id: 'next-name', name: 'next.name', required: true, minlength: '2', maxlength: '120', autocomplete: 'off' })),
      h('div', { class: 'columns' },
        h('div', { class: 'field' }, h('label', { for: 'next-starts' }, t('ad.prg.next_starts')),
          h('input', { id: 'next-starts', name: 'next.starts_on', type: 'date', required: true, value: dateInputValue(new Date()) })),
        h('div', { class: 'field' }, h('label', { for: 'next-ends' }, t('ad.prg.next_ends'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
          h('p', { class: 'hint', id: 'next-ends-hint' }, t('ad.prg.next_ends_hint')),
          h('input', { id: 'next-ends', name: 'next.ends_on', type: 'date', 'aria-describedby': 'next-ends-hint' })))),
    h('fieldset', { id: 'programme-reviews' },
      h('legend', {}, t('ad.prg.reviews', { count: rows.length })),
      rows.length ? [
        h('p', {}, t('ad.prg.reviews_lead')),
        partners.length ? null : h('p', { class: 'hint' }, t('ad.prg.no_partner')),
        h('div', { class: 'table-scroll' }, h('table', { id: 'programme-reviews-table' },
          h('caption', { class: 'visually-hidden' }, t('ad.prg.reviews', { count: rows.length })),
          h('thead', {}, h('tr', {}, ['co.col.resident', 'co.col.category', 'co.sup.col.volunteer', 'co.sup.col.since', 'ad.prg.col.decision']
            .map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, rows.map((row, i) => reviewRow(i, row, partners, ref)))))]
        : h('p', {}, t('ad.prg.no_support'))),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('ad.prg.submit'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const errors = {};
    const name = (d['next.name'] || '').trim();
    if (name.length < 2) errors['next.name'] = t('ad.prg.err.next_name');
    if (!d['next.starts_on']) errors['next.starts_on'] = t('ad.prg.err.next_starts', { date: fmtDay(current.starts_on) });
    if (d['next.ends_on'] && d['next.starts_on'] && d['next.ends_on'] < d['next.starts_on']) errors['next.ends_on'] = t('ad.prg.err.next_ends');
    const reviews = rows.map(({ s }, i) => {
      const decision = d[`reviews[${i}].decision`] || '';
      if (!decision) errors[`reviews[${i}].decision`] = t('ad.prg.err.decision');
      const review = { support_id: s.id, decision };
      if (decision === 'hand_over') {
        if (d[`reviews[${i}].partner_id`]) review.partner_id = d[`reviews[${i}].partner_id`];
        review.resident_consent = Boolean(d[`reviews[${i}].resident_consent`]);
      }
      if (d[`reviews[${i}].note`]) review.note = d[`reviews[${i}].note`];
      return review;
    });
    if (showFieldErrors(form, errors)) { status.textContent = t('form.check_fields'); return; }
    clearFieldErrors(form);
    if (!window.confirm(t('ad.prg.confirm', { name: current.name, next: name }))) return;
    const next = { name, starts_on: d['next.starts_on'] };
    if (d['next.ends_on']) next.ends_on = d['next.ends_on'];
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    status.textContent = t('ad.prg.closing');
    try {
      const out = await api('POST', `/api/v1/programmes/${encodeURIComponent(current.id)}/close`, { next, reviews });
      await reload();  // the list first, then the word that it is done
      status.textContent = t('ad.prg.closed', { closed: out.closed.name, current: out.current.name,
        continued: out.continued, handed_over: out.handed_over, ended: out.ended });
      announce(status.textContent);
    } catch (err) {
      button.disabled = false;
      status.textContent = problemText(err);
      if (err instanceof ApiError && err.status === 422) {
        const shown = {};
        for (const [f, m] of Object.entries(err.fields)) shown[f] = faultText(f, m, current);
        showFieldErrors(form, shown);
      } else if (err instanceof ApiError && err.status === 409) {
        await reload();
        status.textContent = problemText(err);
      }
    }
  });
  return form;
}

/** The charter in force: its version, when it was published, its text (or the word that there is none). */
function charterInForce(charter) {
  if (!charter) return h('p', { id: 'charter-current' }, t('ad.ch.none'));
  return h('div', { id: 'charter-current', dataset: { version: charter.version } },
    h('h3', { id: 'charter-current-title' }, t('ad.ch.in_force', { version: charter.version })),
    h('p', { class: 'charter-meta' }, t('ad.ch.published', { date: fmtDateTime(charter.published_at) })),
    charterBox(charter, { id: 'charter-current-text', labelledBy: 'charter-current-title' }),
    charter.text_en ? null : h('p', { class: 'hint' }, t('ad.ch.no_english')));
}

/**
 * The volunteers' charter: the version in force, and a form publishing a new one for the current programme
 * (a new version number each time; the French text, the English one optional). Published, it is in force:
 * registrations must accept it and the volunteers already there are asked to in their app.
 */
async function charterSection() {
  const current = h('div', { id: 'charter-current-holder' }, h('p', {}, t('common.loading')));
  const formHolder = h('div', { id: 'charter-form-holder' });
  const section = h('section', { id: 'charter', class: 'panel', 'aria-labelledby': 'charter-title' },
    h('h2', { id: 'charter-title' }, t('charter.title')), h('p', {}, t('ad.ch.lead')), current, formHolder);
  const draw = async (focusCurrent, message) => {
    const programme = await api('GET', '/api/v1/programme');
    const charter = programme.charter || null;
    mount(current, message ? h('p', { class: 'success', id: 'charter-published' }, message) : null, charterInForce(charter));
    mount(formHolder, programme.current_programme_id ? charterForm(programme.current_programme_id, charter, draw)
      : h('p', {}, t('ad.prg.no_current')));
    if (focusCurrent) {
      const heading = current.querySelector('h3');
      if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus(); }
    }
  };
  try { await draw(false); } catch (err) { mount(current, h('p', { class: 'notice', role: 'alert' }, problemText(err))); }
  return section;
}

function charterForm(programmeId, charter, redraw) {
  const field = (name, label, input, hint, optional) => h('div', { class: 'field' },
    h('label', { for: `charter-${name}` }, label, optional ? [' ', h('span', { class: 'optional' }, t('form.optional'))] : null),
    hint ? h('p', { class: 'hint', id: `charter-${name}-hint` }, hint) : null, input);
  const form = h('form', { id: 'charter-form', novalidate: true, 'aria-labelledby': 'charter-form-title' },
    h('h3', { id: 'charter-form-title' }, t('ad.ch.new_title')),
    field('version', t('ad.ch.version'), h('input', { id: 'charter-version', name: 'version', required: true, maxlength: '40',
      autocomplete: 'off', 'aria-describedby': 'charter-version-hint' }), t('ad.ch.version_hint', { current: charter ? charter.version : '—' })),
    field('text_fr', t('ad.ch.text_fr'), h('textarea', { id: 'charter-text_fr', name: 'text_fr', rows: '12', required: true, maxlength: '20000',
      lang: 'fr', 'aria-describedby': 'charter-text_fr-hint' }, charter ? charter.text_fr : ''), t('ad.ch.text_hint')),
    field('text_en', t('ad.ch.text_en'), h('textarea', { id: 'charter-text_en', name: 'text_en', rows: '8', maxlength: '20000',
      lang: 'en', 'aria-describedby': 'charter-text_en-hint' }, charter ? charter.text_en : ''), t('ad.ch.text_en_hint'), true),
    h('p', { class: 'form-status', role: 'status', id: 'charter-status' }),
    h('button', { type: 'submit', class: 'primary' }, t('ad.ch.publish')));
  const formStatus = form.querySelector('#charter-status');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const version = d.version || '';
    const textFr = d.text_fr || '';
    const textEn = d.text_en || '';
    const errors = {};
    if (!version || version.length > 40) errors.version = t('ad.ch.err.version');
    else if (charter && charter.version === version) errors.version = t('ad.ch.err.version_taken', { version });
    if (textFr.length < 20 || textFr.length > 20000) errors.text_fr = t('ad.ch.err.text_fr');
    if (textEn.length > 20000) errors.text_en = t('ad.ch.err.text_en');
    if (showFieldErrors(form, errors)) { formStatus.textContent = t('form.check_fields'); return; }
    clearFieldErrors(form);
    const body = { version, text_fr: textFr };
    if (textEn) body.text_en = textEn;
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    formStatus.textContent = t('ad.ch.publishing');
    try {
      const out = await api('POST', `/api/v1/programmes/${encodeURIComponent(programmeId)}/charter`, body);
      const message = t('ad.ch.published_now', { version: out.version });
      await redraw(true, message);
      announce(message);
    } catch (err) {
      button.disabled = false;
      formStatus.textContent = err instanceof ApiError && err.status === 409 ? t('form.check_fields') : problemText(err);
      if (err instanceof ApiError && err.status === 409) {
        // This version exists already (a corrected text needs a new number), or the programme was closed meanwhile.
        showFieldErrors(form, { version: t('ad.ch.err.conflict', { version }) });
      } else if (err instanceof ApiError && err.status === 422) {
        const shown = {};
        for (const [f, m] of Object.entries(err.fields)) shown[f] = hasKey(`ad.ch.err.${f}`) ? t(`ad.ch.err.${f}`) : fieldMessage(f, m);
        showFieldErrors(form, shown);
      }
    }
  });
  return form;
}

/** The page: `view(title, ...children)` from the administration; `ref` its reference data. */
export async function programmesView(view, reference) {
  const ref = reference || { categories: [], neighbourhoods: [] };  // codes then shown as stored
  const status = h('p', { role: 'status', id: 'programmes-status', class: 'form-status' });
  const list = h('div', { id: 'programme-list-holder' }, h('p', {}, t('common.loading')));
  const closing = h('div', { id: 'programme-close' });
  const charter = h('div', { id: 'charter-holder' });
  const load = async () => {
    const [programmes, rows, partners] = await Promise.all([
      api('GET', '/api/v1/programmes'), runningSupports(),
      api('GET', '/api/v1/partners?limit=200').then((p) => p.items).catch(() => [])]);
    mount(list, programmeTable(programmes.items));
    mount(charter, await charterSection());  // after a close, the new programme's (none yet)
    const current = programmes.items.find((p) => p.status === 'current');
    mount(closing, current ? h('section', { class: 'panel' }, closeForm(current, rows, partners, ref, status, load))
      : h('p', {}, t('ad.prg.no_current')));
  };
  view(t('ad.prg.title'), h('p', {}, t('ad.prg.lead')), status,
    h('section', { id: 'programmes', 'aria-labelledby': 'programmes-title' },
      h('h2', { id: 'programmes-title' }, t('ad.prg.list_title')), list, charter, closing));
  try { await load(); } catch (err) { mount(list, h('p', { class: 'notice', role: 'alert' }, problemText(err))); }
}
