// The categories of help (administration): labels and descriptions in each language, one sentence for
// residents ("someone does your shopping") and one for volunteers ("do someone's shopping"), home visit or
// not, active or not, their order, and the training its volunteers need (none when empty: only volunteers with
// that training recorded are then its candidates). Each category edits in place; a form below adds one.
import { t, h, mount, api, ApiError, announce, problemText, formData, showFieldErrors, clearFieldErrors, showProblemFields } from './lib.js';

const TEXTS = [
  ['label_fr', 80], ['label_en', 80], ['description_fr', 300], ['description_en', 300],
  ['volunteer_description_fr', 300], ['volunteer_description_en', 300],
];

function fields(prefix, c) {
  const field = (name, max) => {
    const id = `${prefix}-${name}`;
    const input = max > 80
      ? h('textarea', { id, name, rows: '2', maxlength: String(max) }, c[name] || '')
      : h('input', { id, name, value: c[name] || '', maxlength: String(max), required: name.startsWith('label') });
    return h('div', { class: 'field' }, h('label', { for: id }, t(`ad.cat.${name}`)), input);
  };
  const check = (name) => h('div', { class: 'choice' },
    h('input', { type: 'checkbox', id: `${prefix}-${name}`, name, value: 'yes', checked: c[name] ? true : null }),
    h('label', { for: `${prefix}-${name}` }, t(`ad.cat.${name}`)));
  return [
    h('div', { class: 'columns' }, field('label_fr', 80), field('label_en', 80)),
    h('div', { class: 'columns' }, field('description_fr', 300), field('description_en', 300)),
    h('div', { class: 'columns' }, field('volunteer_description_fr', 300), field('volunteer_description_en', 300)),
    h('div', { class: 'field' },
      h('label', { for: `${prefix}-training` }, t('ad.cat.training'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
      h('p', { class: 'hint', id: `${prefix}-training-hint` }, t('ad.cat.training_hint')),
      h('input', { id: `${prefix}-training`, name: 'training', type: 'text', value: c.training || '', maxlength: '120',
        autocomplete: 'off', 'aria-describedby': `${prefix}-training-hint` })),
    check('home_visit'), check('active'),
    h('div', { class: 'field' }, h('label', { for: `${prefix}-sort` }, t('ad.cat.sort')),
      h('input', { id: `${prefix}-sort`, name: 'sort', type: 'number', min: '0', max: '1000', value: String(c.sort ?? 100) })),
  ];
}

function read(form) {
  const d = formData(form);
  const out = { home_visit: Boolean(d.home_visit), active: Boolean(d.active), sort: Number(d.sort) };
  for (const [name] of TEXTS) out[name] = (d[name] || '').trim();
  out.training = (d.training || '').trim() || null;  // empty: no training required
  return out;
}

/** The form's own checks (the training's name: 2 to 120 characters when given); true when shown. */
function invalid(form, body) {
  const errors = {};
  if (body.training !== null && (body.training.length < 2 || body.training.length > 120)) errors.training = t('ad.cat.err.training');
  if (showFieldErrors(form, errors)) return true;
  clearFieldErrors(form);
  return false;
}

function categoryEditor(c, status, reload) {
  const prefix = `cat-${c.code}`;
  const form = h('form', { class: 'category-form', dataset: { code: c.code }, novalidate: true },
    fields(prefix, c), h('button', { type: 'submit', class: 'primary' }, t('ad.cat.save', { label: c.label_fr })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const now = read(form);
    if (invalid(form, now)) { status.textContent = t('form.check_fields'); return; }
    // Only what changed (each change is an event of its own in the log).
    const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => v !== (c[k] ?? (typeof v === 'string' ? '' : null))));
    if (!Object.keys(changed).length) { status.textContent = t('ad.cat.nothing'); return; }
    try {
      await api('PATCH', `/api/v1/categories/${encodeURIComponent(c.code)}`, changed);
      status.textContent = t('ad.cat.saved', { label: now.label_fr });
      announce(status.textContent);
      await reload();
    } catch (err) {
      status.textContent = problemText(err);
      if (err instanceof ApiError && err.status === 422) showProblemFields(form, err);
    }
  });
  return h('details', { class: 'category', dataset: { code: c.code } },
    h('summary', {}, c.label_fr, ' / ', c.label_en, c.active ? '' : ` (${t('ad.cat.inactive')})`,
      c.training ? [' ', h('span', { class: 'badge category-training' }, t('ad.cat.training_badge', { training: c.training }))] : null),
    form);
}

export async function categoriesView(view) {
  const status = h('p', { role: 'status', id: 'categories-status', class: 'form-status' });
  const list = h('div', { id: 'categories-list' }, h('p', {}, t('common.loading')));
  const load = async () => {
    const page = await api('GET', '/api/v1/categories');
    mount(list, page.items.map((c) => categoryEditor(c, status, load)));
  };
  const create = h('form', { id: 'category-new', novalidate: true },
    h('h2', {}, t('ad.cat.new')),
    h('div', { class: 'field' }, h('label', { for: 'cat-new-code' }, t('ad.cat.code')),
      h('p', { class: 'hint', id: 'cat-new-code-hint' }, t('ad.cat.code_hint')),
      h('input', { id: 'cat-new-code', name: 'code', required: true, pattern: '[a-z_]{2,40}', 'aria-describedby': 'cat-new-code-hint' })),
    fields('cat-new', { active: true, sort: 100 }),
    h('button', { type: 'submit', class: 'primary' }, t('ad.cat.create')));
  create.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { code: (formData(create).code || '').trim(), ...read(create) };
    if (invalid(create, body)) { status.textContent = t('form.check_fields'); return; }
    if (body.training === null) delete body.training;  // none
    try {
      await api('POST', '/api/v1/categories', body);
      create.reset();
      status.textContent = t('ad.cat.created', { label: body.label_fr });
      announce(status.textContent);
      await load();
    } catch (err) {
      status.textContent = problemText(err);
      if (err instanceof ApiError && err.status === 422) showProblemFields(create, err);
    }
  });
  view(t('ad.cat.title'), h('p', {}, t('ad.cat.lead')), status, list, create);
  try { await load(); } catch (err) { mount(list, h('p', { class: 'notice', role: 'alert' }, problemText(err))); }
}
