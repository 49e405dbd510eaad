// Importing a city's existing list of volunteers into the reserve (issue 16; POST /api/v1/volunteer-imports):
// a CSV file chosen here is checked first (a dry run listing every faulty line), then imported all at once.
// Everyone imported starts in the reserve; a reserve campaign invites them. Used by the console's reserve
// page. The file is read in the browser and sent as text with LF line ends.
import { t, h, api, checkedImportForm } from './lib.js';

export function volunteerImportSection(onImported) {
  const words = Object.fromEntries(['file', 'hint', 'check', 'import', 'choose', 'too_big', 'faulty', 'confirm']
    .map((k) => [k, t(`vi.${k}`)]));
  const form = checkedImportForm('vi', words, {
    accept: '.csv,text/csv',
    send: async (text, dryRun) => {
      const res = await api('POST', '/api/v1/volunteer-imports', { csv: text, dry_run: dryRun });
      return t(dryRun ? 'vi.would' : 'vi.done', { n: res.imported });
    },
    imported: onImported,
  });
  return h('section', { id: 'volunteer-import', 'aria-labelledby': 'vi-title' },
    h('h2', { id: 'vi-title' }, t('vi.title')), h('p', {}, t('vi.lead')), form);
}
