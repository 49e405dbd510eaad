// The city's map (administration, issue 16): the neighbourhoods as they stand, and a file to replace them: a
// GeoJSON FeatureCollection of the city's districts (or IRIS zones) with a `name` property, or a CSV
// `name,lat,lon` of centre points. The file is checked first (PUT /api/v1/neighbourhoods as a dry run: what
// would be added, updated, removed, and kept because people still live there), then imported all at once.
import { t, h, mount, api, ApiError, announce, problemText } from './lib.js';

const MAX_BYTES = 64 * 1024;  // the server's body limit; `relais import neighbourhoods` takes any size

function table(items) {
  if (!items.length) return h('p', { id: 'map-empty', class: 'notice' }, t('ad.map.empty'));
  return h('table', { id: 'map-table' },
    h('caption', {}, t('ad.map.count', { n: items.length })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('ad.map.name')), h('th', { scope: 'col' }, t('ad.map.code')))),
    h('tbody', {}, items.map((n) => h('tr', {}, h('td', {}, n.name), h('td', {}, h('code', {}, n.code))))));
}

function outcome(res) {
  const words = t(res.dry_run ? 'ad.map.would' : 'ad.map.done',
    { added: res.added, updated: res.updated, removed: res.removed });
  return res.kept.length ? `${words} ${t('ad.map.kept', { codes: res.kept.join(', ') })}` : words;
}

export async function mapView(view) {
  const list = h('div', { id: 'map-list' });
  const reload = async () => mount(list, table((await api('GET', '/api/v1/neighbourhoods')).items));
  await reload();
  const status = h('p', { role: 'status', class: 'form-status', id: 'map-status' });
  const faults = h('div', { id: 'map-faults' });
  const file = h('input', { id: 'map-file', name: 'file', type: 'file', accept: '.geojson,.json,.csv,application/geo+json,text/csv', 'aria-describedby': 'map-hint' });
  const check = h('button', { type: 'submit', id: 'map-check' }, t('ad.map.check'));
  const run = h('button', { type: 'button', id: 'map-import', class: 'primary', disabled: true }, t('ad.map.import'));
  const form = h('form', { id: 'map-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'map-file' }, t('ad.map.file')),
      h('p', { class: 'hint', id: 'map-hint' }, t('ad.map.hint')), file),
    h('p', {}, check, ' ', run), status, faults);
  let text = null;

  const send = async (dryRun) => {
    mount(faults);
    try {
      const res = await api('PUT', '/api/v1/neighbourhoods', { file: text, dry_run: dryRun });
      status.textContent = outcome(res);
      run.disabled = !dryRun;
      if (!dryRun) { text = null; file.value = ''; await reload(); }
    } catch (err) {
      run.disabled = true;
      if (err instanceof ApiError && err.status === 422) {
        // Every fault of the file, each with its line or feature.
        const items = (err.problem.errors || []).map((e) => h('li', {}, e.message));
        status.textContent = t('ad.map.faulty');
        mount(faults, h('ul', { class: 'error-list', id: 'map-fault-list' }, items));
      } else {
        status.textContent = problemText(err);
      }
    }
    announce(status.textContent);
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files && file.files[0];
    if (!f) { status.textContent = t('ad.map.choose'); return; }
    if (f.size > MAX_BYTES) { status.textContent = t('ad.map.too_big'); return; }
    text = (await f.text()).replace(/\r\n?/g, '\n');
    await send(true);
  });
  run.addEventListener('click', () => { if (text && window.confirm(t('ad.map.confirm'))) send(false); });
  view(t('ad.map.title'), h('p', {}, t('ad.map.lead')), list,
    h('section', { id: 'map-import-section', 'aria-labelledby': 'map-import-title' },
      h('h2', { id: 'map-import-title' }, t('ad.map.replace')), form));
}
