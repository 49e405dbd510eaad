// The city's map (administration, issue 16): the neighbourhoods as they stand, and a file to replace them: a
// GeoJSON FeatureCollection of the city's districts (or IRIS zones) with a `name` property, or a CSV
// `name,lat,lon` of centre points. The file is checked first (PUT /api/v1/neighbourhoods as a dry run: what
// would be added, updated, removed, and kept because people still live there), then imported all at once.
import { t, h, mount, api, checkedImportForm } from './lib.js';

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
  const words = Object.fromEntries(['file', 'hint', 'check', 'import', 'choose', 'too_big', 'faulty', 'confirm']
    .map((k) => [k, t(`ad.map.${k}`)]));
  const form = checkedImportForm('map', words, {
    accept: '.geojson,.json,.csv,application/geo+json,text/csv',
    send: async (text, dryRun) => outcome(await api('PUT', '/api/v1/neighbourhoods', { file: text, dry_run: dryRun })),
    imported: reload,
  });
  view(t('ad.map.title'), h('p', {}, t('ad.map.lead')), list,
    h('section', { id: 'map-import-section', 'aria-labelledby': 'map-import-title' },
      h('h2', { id: 'map-import-title' }, t('ad.map.replace')), form));
}
