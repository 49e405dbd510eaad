// The first-run setup (issue 16): the link a new server prints holds a one-time token in its fragment
// (#lien=..., never sent by the browser); this page asks for the city's name, country, time zone, the
// coordination's phone, the neighbourhoods' file (the map: a new database has none), the first admin's email
// and password, then posts them once. Success signs the admin in.
import {
  t, h, api, ApiError, setCsrf, announce, problemText, showFieldErrors, clearFieldErrors, formData,
  oneTimeLinkPage, pageView, showProblemFields,
} from './lib.js';

const MAX_FILE = 60000;  // the request's body limit; larger maps go through `relais import neighbourhoods`

const field = (id, label, control, hint) => h('div', { class: 'field' }, h('label', { for: id }, label),
  hint ? h('p', { class: 'hint', id: `hint-${id}` }, hint) : null, control);

function formView(token) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Paris';
  const status = h('p', { class: 'form-status', role: 'status', id: 'setup-status' });
  const form = h('form', { id: 'setup-form', class: 'big-form', novalidate: true },
    h('fieldset', {}, h('legend', {}, t('su.city')),
      field('city_name', t('su.city_name'), h('input', { id: 'city_name', name: 'city_name', required: true, maxlength: '120' })),
      field('country', t('su.country'), h('input', { id: 'country', name: 'country', required: true, maxlength: '2', value: 'FR', autocomplete: 'country' }), t('su.country_hint')),
      field('timezone', t('su.timezone'), h('input', { id: 'timezone', name: 'timezone', required: true, value: here, list: 'zones' }), t('su.timezone_hint')),
      h('datalist', { id: 'zones' }, zones.map((z) => h('option', { value: z }))),
      field('coordination_phone', t('su.phone'), h('input', { id: 'coordination_phone', name: 'coordination_phone', type: 'tel', required: true }), t('su.phone_hint')),
      field('neighbourhoods_file', t('su.map'), h('input', { id: 'neighbourhoods_file', name: 'map', type: 'file', required: true, accept: '.geojson,.json,.csv' }), t('su.map_hint'))),
    h('fieldset', {}, h('legend', {}, t('su.admin')),
      field('admin_email', t('su.email'), h('input', { id: 'admin_email', name: 'admin_email', type: 'email', required: true, autocomplete: 'email' })),
      field('admin_password', t('account.pw.new'), h('input', { id: 'admin_password', name: 'admin_password', type: 'password', required: true, autocomplete: 'new-password' }), t('account.pw.new_hint'))),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('su.go'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const errors = {};
    if (!d.city_name || d.city_name.length < 2) errors.city_name = t('su.err.city_name');
    if (!/^[A-Za-z]{2}$/.test(d.country || '')) errors.country = t('su.err.country');
    if (!d.timezone) errors.timezone = t('su.err.timezone');
    if ((d.coordination_phone || '').length < 6) errors.coordination_phone = t('su.err.phone');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(d.admin_email || '')) errors.admin_email = t('su.err.email');
    if ((d.admin_password || '').length < 12) errors.admin_password = t('account.pw.too_short');
    const file = form.querySelector('#neighbourhoods_file').files[0];
    if (!file) errors.neighbourhoods_file = t('su.err.map');
    else if (file.size > MAX_FILE) errors.neighbourhoods_file = t('su.err.map_size');
    if (showFieldErrors(form, errors)) return;
    clearFieldErrors(form);
    const body = {
      token, city_name: d.city_name, country: d.country.toUpperCase(), timezone: d.timezone,
      coordination_phone: d.coordination_phone, admin_email: d.admin_email, admin_password: d.admin_password,
    };
    body.neighbourhoods_file = (await file.text()).replace(/\r\n?/g, '\n');  // line ends as the API takes them
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    status.textContent = t('su.sending');
    try {
      const res = await api('POST', '/api/v1/setup', body);
      setCsrf(res.csrf_token);
      pageView(t('su.done_title'), h('p', { class: 'success', role: 'status' }, t('su.done', { name: d.city_name })),
        h('p', {}, h('a', { href: '/administration', class: 'button primary', id: 'go-admin' }, t('su.go_admin'))));
      announce(t('su.done', { name: d.city_name }));
    } catch (err) {
      button.disabled = false;
      if (err instanceof ApiError && err.status === 410) { expiredView(); return; }
      status.textContent = problemText(err);
      showProblemFields(form, err);
    }
  });
  pageView(t('su.title'), h('p', {}, t('su.lead')), form);
}

function expiredView() {
  pageView(t('su.expired_title'), h('p', { class: 'notice', role: 'alert' }, t('su.expired')));
}

oneTimeLinkPage(formView, expiredView);
