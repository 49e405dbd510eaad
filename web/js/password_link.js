// Choosing a password through a one-time link an admin handed over (a new staff or partner account, or a
// reset). The token is in the address's fragment (#lien=...), which the browser never sends: it is read
// once, taken out of the address bar and history, and posted with the new password. Success signs in here.
import {
  t, h, api, ApiError, setCsrf, announce, problemText, showFieldErrors, clearFieldErrors, formData,
  oneTimeLinkPage, pageView, showProblemFields,
} from './lib.js';

const areas = { admin: '/administration', coordinator: '/coordination', partner: '/partenaire', volunteer: '/benevole' };

function doneView(user) {
  const area = areas[user.role] || '/';
  pageView(t('pl.done_title'), h('p', { class: 'success', role: 'status' }, t('pl.done')),
    h('p', {}, h('a', { href: area, class: 'button primary', id: 'go-area' }, t('pl.go'))));
  announce(t('pl.done'));
}

function formView(token) {
  const status = h('p', { class: 'form-status', role: 'status', id: 'pl-status' });
  const form = h('form', { id: 'pl-form', class: 'big-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'pl-password' }, t('account.pw.new')),
      h('p', { class: 'hint', id: 'hint-pl-password' }, t('account.pw.new_hint')),
      h('input', { id: 'pl-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, 'aria-describedby': 'hint-pl-password' })),
    h('div', { class: 'field' }, h('label', { for: 'pl-confirm' }, t('pl.confirm')),
      h('input', { id: 'pl-confirm', name: 'confirm', type: 'password', autocomplete: 'new-password', required: true })),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('pl.save'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = formData(form);
    const errors = {};
    if ((d.password || '').length < 12) errors.password = t('account.pw.too_short');
    else if (d.password !== d.confirm) errors.confirm = t('pl.mismatch');
    if (showFieldErrors(form, errors)) return;
    clearFieldErrors(form);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const res = await api('POST', '/api/v1/auth/password-link', { token, password: d.password });
      setCsrf(res.csrf_token);
      doneView(res.user);
    } catch (err) {
      button.disabled = false;
      if (err instanceof ApiError && err.status === 410) { expiredView(); return; }
      status.textContent = problemText(err);
      showProblemFields(form, err);
    }
  });
  pageView(t('pl.title'), h('p', {}, t('pl.lead')), form);
}

function expiredView() {
  pageView(t('pl.expired_title'), h('p', { class: 'notice', role: 'alert' }, t('pl.expired')));
}

oneTimeLinkPage(formView, expiredView);
