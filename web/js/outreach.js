// Reaching people who do not ask (coordination console, issue 16): the city's register of vulnerable
// residents (imported from a CSV, checked first), outreach rounds that make one friendly call per registered
// resident (the queue and the batch plan then assign them), each round's progress, and the open calls with
// their outcome to record (reached and fine, needs help, not reached, declined).
import {
  t, h, mount, api, ApiError, announce, problemText, categoryLabel, neighbourhoodName, fmtDate, fmtDateTime, formData,
} from './lib.js';

const OUTCOMES = ['reached_fine', 'needs_help', 'not_reached', 'declined'];
const MAX_BYTES = 64 * 1024;

function registerSection(onChange) {
  const size = h('p', { id: 'register-size', role: 'status' });
  const status = h('p', { role: 'status', class: 'form-status', id: 'register-status' });
  const faults = h('div', { id: 'register-faults' });
  const file = h('input', { id: 'register-file', type: 'file', accept: '.csv,text/csv', 'aria-describedby': 'register-hint' });
  const run = h('button', { type: 'button', id: 'register-import', class: 'primary', disabled: true }, t('co.out.import'));
  let text = null;
  const refresh = async () => {
    const r = await api('GET', '/api/v1/register');
    size.textContent = t('co.out.register_size', { n: r.size });
  };
  const send = async (dryRun) => {
    mount(faults);
    try {
      const res = await api('POST', '/api/v1/register-imports', { csv: text, dry_run: dryRun });
      status.textContent = t(dryRun ? 'co.out.would' : 'co.out.imported', { added: res.added, existing: res.existing });
      run.disabled = !dryRun;
      if (!dryRun) { text = null; file.value = ''; await refresh(); if (onChange) await onChange(); }
    } catch (err) {
      run.disabled = true;
      status.textContent = err instanceof ApiError && err.status === 422 ? t('co.out.faulty') : problemText(err);
      if (err instanceof ApiError && err.status === 422) {
        mount(faults, h('ul', { class: 'error-list', id: 'register-fault-list' },
          (err.problem.errors || []).map((e) => h('li', {}, e.message))));
      }
    }
    announce(status.textContent);
  };
  const form = h('form', { id: 'register-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'register-file' }, t('co.out.file')),
      h('p', { class: 'hint', id: 'register-hint' }, t('co.out.file_hint')), file),
    h('p', {}, h('button', { type: 'submit', id: 'register-check' }, t('co.out.check')), ' ', run), status, faults);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files && file.files[0];
    if (!f) { status.textContent = t('co.out.choose'); return; }
    if (f.size > MAX_BYTES) { status.textContent = t('co.out.too_big'); return; }
    text = (await f.text()).replace(/\r\n?/g, '\n');
    await send(true);
  });
  run.addEventListener('click', () => { if (text && window.confirm(t('co.out.confirm_import'))) send(false); });
  return { section: h('section', { 'aria-labelledby': 'register-title' },
    h('h2', { id: 'register-title' }, t('co.out.register')), size, form), refresh };
}

function roundCard(ref, r) {
  const cells = [['residents', r.residents], ['pending', r.pending], ['calls_assigned', r.calls_assigned],
    ['reached_fine', r.reached_fine], ['needs_help', r.needs_help], ['not_reached', r.not_reached], ['declined', r.declined]];
  return h('li', { class: 'card', id: `round-${r.id}` },
    h('h3', {}, r.name), h('p', {}, `${categoryLabel(ref, r.category)} · ${t('co.out.launched', { date: fmtDateTime(r.created_at) })}`),
    h('dl', { class: 'figures secondary' }, cells.map(([k, v]) =>
      h('div', { class: 'figure' }, h('dt', {}, t(`co.out.fig.${k}`)), h('dd', { class: 'n', dataset: { stage: k } }, String(v))))));
}

function outcomeForm(ref, call, done) {
  const id = `out-${call.id}`;
  const need = h('select', { id: `${id}-need`, name: 'need' }, ref.categories.map((c) => h('option', { value: c.code }, categoryLabel(ref, c.code))));
  const details = h('input', { id: `${id}-details`, name: 'details', maxlength: '2000' });
  const needBox = h('div', { class: 'field', hidden: true }, h('label', { for: `${id}-need` }, t('co.out.need')), need,
    h('label', { for: `${id}-details` }, t('co.out.details')), details);
  const choice = h('select', { id: `${id}-outcome`, name: 'outcome' }, OUTCOMES.map((o) => h('option', { value: o }, t(`co.out.o.${o}`))));
  choice.addEventListener('change', () => { needBox.hidden = choice.value !== 'needs_help'; });
  const status = h('span', { role: 'status', class: 'form-status' });
  const form = h('form', { class: 'toolbar call-outcome', dataset: { request: call.id } },
    h('div', { class: 'field' }, h('label', { for: `${id}-outcome` }, t('co.out.outcome')), choice), needBox,
    h('button', { type: 'submit' }, t('co.out.record')), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const body = { outcome: d.outcome };
    if (d.outcome === 'needs_help') body.need = { category: d.need, details: d.details || undefined };
    try {
      await api('POST', `/api/v1/requests/${call.id}/call-outcome`, body);
      announce(t('co.out.recorded'));
      await done();
    } catch (err) { status.textContent = problemText(err); }
  });
  return form;
}

export async function outreachView(deps) {
  const { view, guard, ref } = deps;
  const rounds = h('div', { id: 'round-list' }, h('p', {}, t('common.loading')));
  const calls = h('div', { id: 'outreach-calls' }, h('p', {}, t('common.loading')));
  const loadRounds = async () => {
    const page = await guard(() => api('GET', '/api/v1/outreach-rounds'));
    if (!page) return;
    mount(rounds, page.items.length ? h('ul', { class: 'cards-list' }, page.items.map((r) => roundCard(ref, r)))
      : h('p', {}, t('co.out.no_round')));
  };
  const loadCalls = async () => {
    const page = await guard(() => api('GET', '/api/v1/requests?channel=outreach&limit=100'));
    if (!page) return;
    // The calls still to make or being made (a call a volunteer reported done is closed: simplification, its
    // outcome is then recorded only through the API).
    const open = page.items.filter((r) => r.status !== 'closed');
    mount(calls, open.length ? h('table', { class: 'data', id: 'outreach-call-table' },
      h('caption', {}, t('co.out.calls_caption')),
      h('thead', {}, h('tr', {}, [t('co.out.col.call'), t('co.out.col.neighbourhood'), t('co.out.col.status'), t('co.out.col.outcome')]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, open.map((r) => h('tr', {},
        h('td', {}, h('a', { href: `#/demande/${r.id}` }, `${categoryLabel(ref, r.category)} · ${fmtDate(r.created_at)}`)),
        h('td', {}, neighbourhoodName(ref, r.neighbourhood)),
        h('td', {}, t(`co.out.status.${r.status}`)),
        h('td', {}, outcomeForm(ref, r, async () => { await loadRounds(); await loadCalls(); }))))))
      : h('p', {}, t('co.out.no_call')));
  };
  const reg = registerSection(loadRounds);

  const status = h('p', { role: 'status', class: 'form-status', id: 'round-status' });
  const today = new Date().toISOString().slice(0, 10);
  const inAWeek = new Date(Date.now() + 6 * 86400000).toISOString().slice(0, 10);
  const roundForm = h('form', { id: 'round-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'round-name' }, t('co.out.round_name')),
      h('input', { id: 'round-name', name: 'name', required: true, maxlength: '120' })),
    h('div', { class: 'field' }, h('label', { for: 'round-category' }, t('co.out.round_category')),
      h('select', { id: 'round-category', name: 'category' }, ref.categories.map((c) =>
        h('option', { value: c.code, selected: c.code === 'friendly_call' ? true : null }, categoryLabel(ref, c.code))))),
    h('div', { class: 'field' }, h('label', { for: 'round-from' }, t('co.out.round_from')),
      h('input', { id: 'round-from', name: 'starts_on', type: 'date', value: today, required: true })),
    h('div', { class: 'field' }, h('label', { for: 'round-until' }, t('co.out.round_until')),
      h('input', { id: 'round-until', name: 'ends_on', type: 'date', value: inAWeek, required: true })),
    h('p', {}, h('button', { type: 'submit', class: 'primary', id: 'round-launch' }, t('co.out.launch'))), status);
  roundForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(roundForm);
    if (!window.confirm(t('co.out.confirm_launch'))) return;
    try {
      const r = await api('POST', '/api/v1/outreach-rounds', d);
      status.textContent = t('co.out.launched_now', { n: r.residents });
      announce(status.textContent);
      await loadRounds();
      await loadCalls();
    } catch (err) { status.textContent = problemText(err); announce(status.textContent); }
  });

  view(t('co.out.title'), h('p', {}, t('co.out.lead')), reg.section,
    h('section', { 'aria-labelledby': 'round-title' }, h('h2', { id: 'round-title' }, t('co.out.rounds')), roundForm, rounds),
    h('section', { 'aria-labelledby': 'calls-title' }, h('h2', { id: 'calls-title' }, t('co.out.calls')), calls));
  await reg.refresh();
  await loadRounds();
  await loadCalls();
}
