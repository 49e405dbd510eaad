// Partner associations and their accounts (administration): the list with each partner's accounts, a form
// to add a partner, and one to give a partner's staff an account (they then refer residents and offer
// collective activities from the partners' space).
import { t, h, mount, api, announce, problemText, formData, passwordLinkBox, ApiError, showProblemFields } from './lib.js';

const KINDS = ['association', 'food_bank', 'youth_centre', 'health', 'public_service', 'other'];
const LANGUAGES = ['fr', 'en'];

/// The fields a partner is described by, for its creation and its changes (`prefix` makes the ids unique).
function partnerFields(prefix, p = {}) {
  const select = (name, values, label, current) => h('select', { id: `${prefix}-${name}`, name },
    values.map((v) => h('option', { value: v, selected: v === current }, t(`${label}${v}`))));
  return [
    h('div', { class: 'field' }, h('label', { for: `${prefix}-name` }, t('ad.pa.name')),
      h('input', { id: `${prefix}-name`, name: 'name', required: true, maxlength: '120', value: p.name ?? '' })),
    h('div', { class: 'columns' },
      h('div', { class: 'field' }, h('label', { for: `${prefix}-kind` }, t('ad.pa.kind_label')),
        select('kind', KINDS, 'ad.pa.kind.', p.kind ?? 'association')),
      h('div', { class: 'field' }, h('label', { for: `${prefix}-message_language` }, t('ad.pa.language')),
        h('p', { class: 'hint', id: `${prefix}-message_language-hint` }, t('ad.pa.language_hint')),
        select('message_language', LANGUAGES, 'ad.pa.language.', p.message_language ?? 'fr'))),
    h('div', { class: 'columns' },
      h('div', { class: 'field' }, h('label', { for: `${prefix}-contact_email` }, t('ad.pa.contact_email')),
        h('input', { id: `${prefix}-contact_email`, name: 'contact_email', type: 'email', value: p.contact_email ?? '' })),
      h('div', { class: 'field' }, h('label', { for: `${prefix}-contact_phone` }, t('ad.pa.contact_phone')),
        h('input', { id: `${prefix}-contact_phone`, name: 'contact_phone', type: 'tel', value: p.contact_phone ?? '' }))),
  ];
}

/// A partner's details, changed: only what differs is sent (an emptied contact is cleared).
function editForm(p, status, reload) {
  const form = h('form', { class: 'partner-edit', novalidate: true }, partnerFields(`pa-edit-${p.id}`, p),
    h('button', { type: 'submit' }, t('ad.pa.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const now = {
      name: (d.name || '').trim(), kind: d.kind, message_language: d.message_language,
      contact_email: (d.contact_email || '').trim() || null, contact_phone: (d.contact_phone || '').trim() || null,
    };
    const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => v !== (p[k] ?? null)));
    if (!Object.keys(changed).length) { status.textContent = t('ad.pa.nothing'); return; }
    try {
      await api('PATCH', `/api/v1/partners/${encodeURIComponent(p.id)}`, changed);
      status.textContent = t('ad.pa.saved', { name: now.name });
      announce(status.textContent);
      await reload();
    } catch (err) {
      status.textContent = problemText(err);
      if (err instanceof ApiError && err.status === 422) showProblemFields(form, err);
    }
  });
  return h('details', { class: 'partner-details' }, h('summary', {}, t('ad.pa.edit')), form);
}

function accountForm(p, status, reload) {
  const id = `pa-${p.id}`;
  const form = h('form', { class: 'toolbar partner-account', dataset: { partnerId: p.id }, novalidate: true },
    h('div', { class: 'field' }, h('label', { for: `${id}-email` }, t('ad.pa.account_email')),
      h('input', { id: `${id}-email`, name: 'email', type: 'email', required: true, autocomplete: 'off' })),
    h('div', { class: 'field' }, h('label', { for: `${id}-password` }, t('ad.acc.password'), ' ', h('span', { class: 'optional' }, t('form.optional'))),
      h('input', { id: `${id}-password`, name: 'password', type: 'password', minlength: '12', autocomplete: 'new-password' })),
    h('button', { type: 'submit' }, t('ad.pa.account_create', { name: p.name })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    try {
      const body = { email: d.email, role: 'partner', partner_id: p.id };
      if (d.password) body.password = d.password;
      const created = await api('POST', '/api/v1/users', body);
      status.textContent = t('ad.pa.account_created', { email: d.email, name: p.name });
      announce(status.textContent);
      await reload();
      // After the reload (which redraws the list): the link to hand over, once.
      if (created.password_link) status.after(passwordLinkBox(created.password_link));
    } catch (err) { status.textContent = problemText(err); }
  });
  return form;
}

export async function partnersView(view) {
  const status = h('p', { role: 'status', id: 'partners-status', class: 'form-status' });
  const list = h('div', { id: 'partners-list' }, h('p', {}, t('common.loading')));
  const load = async () => {
    const [partners, users] = await Promise.all([api('GET', '/api/v1/partners?limit=200'), api('GET', '/api/v1/users?limit=200')]);
    if (!partners.items.length) { mount(list, h('p', {}, t('ad.pa.none'))); return; }
    mount(list, h('ul', { class: 'cards-list' }, partners.items.map((p) => {
      const accounts = users.items.filter((u) => u.role === 'partner' && u.partner_id === p.id);
      return h('li', { class: 'card', dataset: { partnerId: p.id } },
        h('h2', {}, p.name, ' ', h('span', { class: 'badge week' }, t(`ad.pa.kind.${p.kind}`))),
        h('p', { class: 'meta' }, [p.contact_email, p.contact_phone].filter(Boolean).join(' · ') || t('ad.pa.no_contact')),
        h('p', { class: 'meta partner-language' }, t('ad.pa.told_in', { language: t(`ad.pa.language.${p.message_language}`) })),
        h('p', {}, accounts.length ? t('ad.pa.accounts', { list: accounts.map((u) => u.email).join(', ') }) : t('ad.pa.no_account')),
        editForm(p, status, load),
        accountForm(p, status, load));
    })));
  };
  const create = h('form', { id: 'partner-new', novalidate: true },
    h('h2', {}, t('ad.pa.new')),
    partnerFields('pa-new'),
    h('button', { type: 'submit', class: 'primary' }, t('ad.pa.create')));
  create.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(create);
    const body = { name: (d.name || '').trim(), kind: d.kind, message_language: d.message_language };
    if (d.contact_email) body.contact_email = d.contact_email;
    if (d.contact_phone) body.contact_phone = d.contact_phone;
    try {
      await api('POST', '/api/v1/partners', body);
      create.reset();
      status.textContent = t('ad.pa.created', { name: body.name });
      announce(status.textContent);
      await load();
    } catch (err) {
      status.textContent = problemText(err);
      if (err instanceof ApiError && err.status === 422) showProblemFields(create, err);
    }
  });
  view(t('ad.pa.title'), h('p', {}, t('ad.pa.lead')), status, list, create);
  try { await load(); } catch (err) { mount(list, h('p', { class: 'notice', role: 'alert' }, problemText(err))); }
}
