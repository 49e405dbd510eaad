// Importing a city's existing list of volunteers into the reserve (issue 16; POST /api/v1/volunteer-imports):
// a CSV file chosen here is checked first (a dry run listing every faulty line), then imported all at once.
// Everyone imported starts in the reserve; a reserve campaign invites them. Used by the console's reserve
// page. The file is read in the browser and sent as text with LF line ends.
import { t, h, mount, api, ApiError, announce, problemText } from './lib.js';

const MAX_BYTES = 64 * 1024;  // the server's body limit; `relais import volunteers` takes any size

export function volunteerImportSection(onImported) {
  const status = h('p', { role: 'status', class: 'form-status', id: 'vi-status' });
  const faults = h('div', { id: 'vi-faults' });
  const file = h('input', { id: 'vi-file', name: 'file', type: 'file', accept: '.csv,text/csv', 'aria-describedby': 'vi-hint' });
  const check = h('button', { type: 'submit', id: 'vi-check' }, t('vi.check'));
  const run = h('button', { type: 'button', id: 'vi-import', class: 'primary', disabled: true }, t('vi.import'));
  const form = h('form', { id: 'vi-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'vi-file' }, t('vi.file')),
      h('p', { class: 'hint', id: 'vi-hint' }, t('vi.hint')), file),
    h('p', {}, check, ' ', run), status, faults);
  let text = null;

  const send = async (dryRun) => {
    mount(faults);
    try {
      const res = await api('POST', '/api/v1/volunteer-imports', { csv: text, dry_run: dryRun });
      status.textContent = t(dryRun ? 'vi.would' : 'vi.done', { n: res.imported });
      announce(status.textContent);
      run.disabled = !dryRun;
      if (!dryRun) { text = null; file.value = ''; if (onImported) await onImported(); }
    } catch (err) {
      run.disabled = true;
      if (err instanceof ApiError && err.status === 422) {
        // Every faulty line (the field `csv` repeats: one entry per line and field).
        const items = (err.problem.errors || []).map((e) => h('li', {}, e.message));
        status.textContent = t('vi.faulty');
        mount(faults, h('ul', { class: 'error-list', id: 'vi-fault-list' }, items));
      } else {
        status.textContent = problemText(err);
      }
      announce(status.textContent);
    }
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files && file.files[0];
    if (!f) { status.textContent = t('vi.choose'); return; }
    if (f.size > MAX_BYTES) { status.textContent = t('vi.too_big'); return; }
    text = (await f.text()).replace(/\r\n?/g, '\n');
    await send(true);
  });
  run.addEventListener('click', () => { if (text && window.confirm(t('vi.confirm'))) send(false); });
  return h('section', { id: 'volunteer-import', 'aria-labelledby': 'vi-title' },
    h('h2', { id: 'vi-title' }, t('vi.title')), h('p', {}, t('vi.lead')), form);
}
