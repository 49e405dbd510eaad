// Collective activities, for their organisers: a partner association (its own) or the coordination (every
// organiser's, and the city's own). List, create, cancel, see who signed up (a partner sees first names, and a
// phone number only when the volunteer agreed to share it) and, once the activity has begun, record who came:
// the bilan counts attendance.
import {
  t, h, mount, api, ApiError, announce, problemText, neighbourhoodName, fmtDateTime, getLang, dateInputValue,
  localToIso, showFieldErrors, clearFieldErrors, formData,
} from './lib.js';

const endTime = (iso) => new Date(iso).toLocaleTimeString(getLang() === 'en' ? 'en-GB' : 'fr-FR', { hour: '2-digit', minute: '2-digit' });

/**
 * deps: { view, guard, ref, staff } — staff: the coordination's view (organiser column, the city as organiser).
 */
export async function collectivesView(deps, notice) {
  const { view, guard, ref, staff } = deps;
  const holder = h('div', {}, h('p', {}, t('common.loading')));
  const signups = h('section', { class: 'panel', id: 'signups-panel', hidden: true, 'aria-labelledby': 'signups-title' });
  const partners = staff ? await api('GET', '/api/v1/partners?limit=200').then((p) => p.items).catch(() => []) : [];
  const form = collectiveForm(deps, partners);
  const h1 = view(t('pa.col.title'), h('p', {}, t(staff ? 'co.col.lead' : 'pa.col.lead')),
    notice ? h('p', { class: 'success', role: 'status' }, notice) : null,
    h('section', { class: 'panel', 'aria-labelledby': 'col-list-title' }, h('h2', { id: 'col-list-title' }, t(staff ? 'co.col.list' : 'pa.col.list')), holder),
    signups,
    h('section', { class: 'panel', 'aria-labelledby': 'col-new-title' }, h('h2', { id: 'col-new-title' }, t('pa.col.new')), form));
  h1.focus();
  let page;
  try { page = await guard(() => api('GET', '/api/v1/collective-missions?limit=100')); } catch (err) { mount(holder, errorBox(err)); return; }
  if (!page) return;
  if (!page.items.length) { mount(holder, h('p', {}, t('pa.col.none'))); return; }
  const headers = [t('pa.col.what'), staff ? t('pa.col.organiser') : null, t('pa.col.when'), t('pa.col.where'), t('pa.col.places'), t('co.col.status'), t('co.col.action')]
    .filter((x) => x !== null);
  mount(holder, h('div', { class: 'table-scroll' }, h('table', { id: 'collectives' },
    h('caption', { class: 'visually-hidden' }, t(staff ? 'co.col.list' : 'pa.col.list')),
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, page.items.map((c) => h('tr', { dataset: { collectiveId: c.id, status: c.status } },
      h('td', {}, h('strong', {}, c.title), c.description ? [h('br'), c.description] : ''),
      staff ? h('td', {}, c.organiser === 'city' ? t('pa.col.city', { name: c.organiser_name }) : c.organiser_name) : null,
      h('td', {}, fmtDateTime(c.starts_at), ' – ', endTime(c.ends_at)),
      h('td', {}, c.place || '', c.neighbourhood ? ` (${neighbourhoodName(ref, c.neighbourhood)})` : ''),
      h('td', {}, t('pa.col.signed_up', { count: c.signed_up, capacity: c.capacity }),
        c.attended ? [h('br'), t('pa.col.attended', { count: c.attended })] : ''),
      h('td', {}, t(`pa.col.status.${c.status}`)),
      h('td', {}, h('div', { class: 'button-row' },
        c.signed_up ? h('button', { type: 'button', class: 'small', dataset: { action: 'signups' },
          on: { click: () => showSignups(deps, c, signups) } }, t('pa.col.show_signups')) : null,
        c.status === 'open' ? cancelButton(deps, c) : null))))))));
}

function errorBox(err) {
  return h('p', { class: 'notice', role: 'alert' }, problemText(err));
}

function cancelButton(deps, c) {
  const status = h('span', { class: 'form-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'danger small', on: { click: async () => {
    if (!button.dataset.confirm) {
      // Two steps: the first click asks, the second cancels (volunteers signed up are told by the coordination).
      button.dataset.confirm = 'yes';
      button.textContent = t('pa.col.cancel_confirm', { title: c.title });
      announce(t('pa.col.cancel_confirm', { title: c.title }));
      return;
    }
    button.disabled = true;
    try {
      await api('POST', `/api/v1/collective-missions/${encodeURIComponent(c.id)}/cancel`, {});
      announce(t('pa.col.cancelled', { title: c.title }));
      await collectivesView(deps, t('pa.col.cancelled', { title: c.title }));
    } catch (err) { button.disabled = false; status.textContent = problemText(err); }
  } } }, t('pa.col.cancel'));
  return h('span', {}, button, ' ', status);
}

/** Who signed up (each read is recorded in the audit log) and, once it has begun, who came. */
async function showSignups(deps, c, panel) {
  panel.hidden = false;
  const title = h('h2', { id: 'signups-title', tabindex: '-1' }, t('pa.col.signups_title', { title: c.title }));
  mount(panel, title, h('p', {}, t('common.loading')));
  title.focus();
  let list;
  try { list = await deps.guard(() => api('GET', `/api/v1/collective-missions/${encodeURIComponent(c.id)}/signups`)); } catch (err) {
    mount(panel, title, errorBox(err)); return;
  }
  if (!list) return;
  const started = new Date(c.starts_at) <= new Date() && c.status === 'open';
  const name = (s) => (s.last_name ? `${s.first_name} ${s.last_name}` : s.first_name);
  const phone = (s) => (s.phone ? h('a', { href: `tel:${s.phone}` }, s.phone) : h('span', { class: 'hint' }, t('pa.col.phone_not_shared')));
  const status = h('p', { class: 'form-status', role: 'status', id: 'attendance-status' });
  const rows = list.items.map((s) => h('tr', { dataset: { volunteerId: s.volunteer_id } },
    h('th', { scope: 'row' }, name(s)),
    h('td', {}, phone(s)),
    h('td', {}, fmtDateTime(s.signed_up_at)),
    h('td', {}, started
      ? h('label', {}, h('input', { type: 'checkbox', name: 'came', value: s.volunteer_id, checked: s.attended === true }), ' ', t('pa.col.came'))
      : s.attended === null ? '—' : t(s.attended ? 'pa.col.came' : 'pa.col.absent'))));
  const table = h('div', { class: 'table-scroll' }, h('table', { id: 'signups' },
    h('caption', { class: 'visually-hidden' }, t('pa.col.signups_title', { title: c.title })),
    h('thead', {}, h('tr', {}, [t('pa.col.volunteer'), t('pa.col.phone'), t('pa.col.signed_up_at'), t('pa.col.attendance')]
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows)));
  if (!started) {
    mount(panel, title, list.items.length ? table : h('p', {}, t('pa.col.no_signups')),
      c.status === 'open' ? h('p', { class: 'hint' }, t('pa.col.attendance_later')) : null);
    return;
  }
  const form = h('form', { id: 'attendance-form' }, table,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('pa.col.save_attendance'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const attendance = [...form.querySelectorAll('input[name="came"]')].map((box) => ({ volunteer_id: box.value, attended: box.checked }));
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await api('POST', `/api/v1/collective-missions/${encodeURIComponent(c.id)}/attendance`, { attendance });
      const came = attendance.filter((a) => a.attended).length;
      status.textContent = t('pa.col.attendance_saved', { count: came, total: attendance.length });
      announce(status.textContent);
    } catch (err) { status.textContent = problemText(err); } finally { button.disabled = false; }
  });
  mount(panel, title, form);
}

function collectiveForm(deps, partners) {
  const { ref, staff } = deps;
  const field = (id, label, control, opts = {}) => h('div', { class: 'field' }, h('label', { for: id }, label,
    opts.optional ? [' ', h('span', { class: 'optional' }, t('form.optional'))] : ''), control);
  const tomorrow = new Date(Date.now() + 86400000);
  const form = h('form', { id: 'collective-form', novalidate: true },
    staff ? field('col-organiser', t('pa.col.organiser'), h('select', { id: 'col-organiser', name: 'organiser' },
      h('option', { value: '' }, t('pa.col.f.city')), partners.map((p) => h('option', { value: p.id }, p.name)))) : null,
    field('col-title', t('pa.col.f.title'), h('input', { id: 'col-title', name: 'title', type: 'text', maxlength: '120', required: true })),
    field('col-description', t('pa.col.f.description'), h('textarea', { id: 'col-description', name: 'description', rows: '3', maxlength: '2000' }), { optional: true }),
    field('col-place', t('pa.col.f.place'), h('input', { id: 'col-place', name: 'place', type: 'text', maxlength: '200' }), { optional: true }),
    field('col-neighbourhood', t('demande.neighbourhood'), h('select', { id: 'col-neighbourhood', name: 'neighbourhood' },
      h('option', { value: '' }, t('pa.col.f.any_neighbourhood')), ref.neighbourhoods.map((n) => h('option', { value: n.code }, n.name))), { optional: true }),
    h('div', { class: 'toolbar' },
      field('col-date', t('co.request.slot_date'), h('input', { id: 'col-date', name: 'date', type: 'date', value: dateInputValue(tomorrow), required: true })),
      field('col-start', t('pa.col.f.start'), h('input', { id: 'col-start', name: 'start', type: 'time', value: '14:00', required: true })),
      field('col-end', t('pa.col.f.end'), h('input', { id: 'col-end', name: 'end', type: 'time', value: '16:00', required: true })),
      field('col-capacity', t('pa.col.f.capacity'), h('input', { id: 'col-capacity', name: 'capacity', type: 'number', min: '1', max: '1000', value: '4', required: true }))),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('pa.col.create'))),
    h('p', { class: 'form-status', role: 'status', id: 'collective-status' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const errors = {};
    if (!d.title || d.title.length < 2) errors.title = t('pa.col.err.title');
    const starts = localToIso(d.date, d.start);
    const ends = localToIso(d.date, d.end);
    if (!starts) errors.date = t('pa.col.err.date');
    if (starts && (!ends || ends <= starts)) errors.end = t('pa.col.err.end');
    const capacity = Number(d.capacity);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1000) errors.capacity = t('pa.col.err.capacity');
    if (showFieldErrors(form, errors)) return;
    clearFieldErrors(form);
    const body = { title: d.title, starts_at: starts, ends_at: ends, capacity };
    if (d.description) body.description = d.description;
    if (d.place) body.place = d.place;
    if (d.neighbourhood) body.neighbourhood = d.neighbourhood;
    if (staff && d.organiser) body.partner_id = d.organiser;
    const status = form.querySelector('#collective-status');
    try {
      await api('POST', '/api/v1/collective-missions', body);
      announce(t('pa.col.created', { title: d.title }));
      await collectivesView(deps, t('pa.col.created', { title: d.title }));
    } catch (err) {
      status.textContent = problemText(err);
      if (err instanceof ApiError && err.status === 422) {
        const map = { starts_at: 'date', ends_at: 'end' };
        const shown = {};
        for (const [f, m] of Object.entries(err.fields)) shown[map[f] || f] = hasText(f) ? t(`pa.col.err.${map[f] || f}`) : m;
        showFieldErrors(form, shown);
      }
    }
  });
  return form;
}

function hasText(field) {
  return ['title', 'capacity', 'starts_at', 'ends_at'].includes(field);
}
