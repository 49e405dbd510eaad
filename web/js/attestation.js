// A printable certificate of engagement (issue 16): what a volunteer gave over a period, in the programme's
// name, for a school, a job search or a CV. A volunteer prints their own (/attestation); the coordination
// prints anyone's (/attestation?benevole=<id>, the opaque id: no personal data in the address). The figures
// are the API's (GET /api/v1/volunteers/{id}/engagement): missions done with their reported durations, and
// collective activities attended.
import {
  t, h, api, ApiError, initI18n, langSwitch, mount, pageView, fmtDate, problemText, formData, announce,
} from './lib.js';

function hoursText(hours) {
  return (Math.round(hours * 2) / 2).toLocaleString(document.documentElement.lang || 'fr');
}

async function categoryLabels() {
  const p = await api('GET', '/api/v1/programme');
  const labels = {};
  const en = (document.documentElement.lang || 'fr') === 'en';
  for (const c of p.categories || []) labels[c.code] = (en && c.label_en) || c.label_fr;
  return { programme: p, labels };
}

function certificate(vol, eng, ref, from, to) {
  const name = `${vol.first_name} ${vol.last_name}`;
  const period = from && to ? t('cert.period', { from: fmtDate(`${from}T12:00:00Z`), to: fmtDate(`${to}T12:00:00Z`) })
    : t('cert.period_all');
  const kinds = eng.by_category.map((c) => `${ref.labels[c.category] || c.category} (${c.missions})`).join(', ');
  return h('article', { class: 'certificate', id: 'certificate' },
    h('h2', {}, t('cert.heading')),
    h('p', { class: 'lead' }, t('cert.body', { programme: ref.programme.name, name, period })),
    h('dl', { class: 'status-box' },
      h('dt', {}, t('cert.missions')), h('dd', { id: 'cert-missions' }, String(eng.missions)),
      h('dt', {}, t('cert.hours')), h('dd', { id: 'cert-hours' }, hoursText(eng.hours)),
      h('dt', {}, t('cert.kinds')), h('dd', {}, kinds || '–'),
      h('dt', {}, t('cert.collectives')), h('dd', {}, String(eng.collectives))),
    h('p', {}, t('cert.done_on', { date: fmtDate(new Date().toISOString()), phone: ref.programme.coordination_phone || '' })),
    h('p', { class: 'signature' }, t('cert.signature', { programme: ref.programme.name })));
}

async function show(id) {
  const vol = id ? await api('GET', `/api/v1/volunteers/${encodeURIComponent(id)}`) : await api('GET', '/api/v1/me/volunteer');
  const ref = await categoryLabels();
  const status = h('p', { role: 'status', class: 'form-status', id: 'cert-status' });
  const out = h('div', { id: 'cert-out' });
  const today = new Date().toISOString().slice(0, 10);
  const form = h('form', { id: 'cert-form', class: 'print-hint' },
    h('div', { class: 'field' }, h('label', { for: 'cert-from' }, t('cert.from')),
      h('input', { id: 'cert-from', name: 'from', type: 'date', value: ref.programme.starts_on || '' })),
    h('div', { class: 'field' }, h('label', { for: 'cert-to' }, t('cert.to')),
      h('input', { id: 'cert-to', name: 'to', type: 'date', value: today })),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('cert.show')), ' ',
      h('button', { type: 'button', id: 'cert-print' }, t('cert.print'))),
    status);
  const render = async () => {
    const d = formData(form);
    const q = new URLSearchParams();
    if (d.from) q.set('from', d.from);
    if (d.to) q.set('to', d.to);
    try {
      const eng = await api('GET', `/api/v1/volunteers/${encodeURIComponent(vol.id)}/engagement?${q}`);
      mount(out, certificate(vol, eng, ref, d.from, d.to));
      status.textContent = '';
      announce(t('cert.ready'));
    } catch (err) {
      status.textContent = problemText(err);
    }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); render(); });
  form.querySelector('#cert-print').addEventListener('click', () => window.print());
  pageView(t('cert.title'), form, out);
  await render();
}

async function main() {
  await initI18n();
  document.getElementById('skip-link').textContent = t('common.skip');
  mount(document.getElementById('lang'), langSwitch());
  const id = new URLSearchParams(location.search).get('benevole');
  try {
    await show(id);
  } catch (err) {
    const signedOut = err instanceof ApiError && (err.status === 401 || err.status === 403);
    pageView(t('cert.title'), h('p', { class: 'notice', role: 'alert' }, signedOut ? t('cert.sign_in') : problemText(err)),
      h('p', {}, h('a', { href: id ? '/coordination' : '/benevole' }, t('cert.back'))));
  }
}

main();
