// The running supports (coordination): each weekly or one-off support with its resident, volunteer and
// stand-in; name a stand-in, end a support (with a confirmation and its outcome), or hand it over to a partner
// association with the resident's recorded consent (the partner then sees the contact it needs).
import { t, h, mount, api, announce, problemText, categoryLabel, fmtDate } from './lib.js';

/**
 * deps: { view, guard, volunteerName, openDialog, ref } from the console.
 */
export async function supportsView(deps) {
  const { view, guard, volunteerName, openDialog, ref } = deps;
  const status = h('p', { role: 'status', id: 'supports-status', class: 'form-status' });
  const holder = h('div', { id: 'supports-list' }, h('p', {}, t('common.loading')));
  const h1 = view(t('co.sup.title'), h('p', {}, t('co.sup.lead')), status, holder);
  h1.focus();
  let partners = [];
  const load = async () => {
    const [page, prt] = await Promise.all([guard(() => api('GET', '/api/v1/supports?status=active&limit=200')),
      api('GET', '/api/v1/partners?limit=200').catch(() => ({ items: [] }))]);
    if (!page) return;
    partners = prt.items;
    if (!page.items.length) { mount(holder, h('p', {}, t('co.sup.none'))); return; }
    const rows = await Promise.all(page.items.map(async (s) => {
      const [volunteer, standin, request] = await Promise.all([volunteerName(s.volunteer_id),
        s.standin_volunteer_id ? volunteerName(s.standin_volunteer_id) : null,
        api('GET', `/api/v1/requests/${encodeURIComponent(s.request_id)}`).catch(() => null)]);
      return { s, volunteer, standin, resident: request && request.resident_name };
    }));
    mount(holder, h('div', { class: 'table-scroll' }, h('table', { id: 'supports' },
      h('caption', {}, t('co.sup.caption', { count: rows.length })),
      h('thead', {}, h('tr', {}, ['co.col.resident', 'co.col.category', 'co.sup.col.volunteer', 'co.sup.col.standin', 'co.sup.col.since', 'co.col.action']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows.map(({ s, volunteer, standin, resident }) => h('tr', { dataset: { supportId: s.id } },
        h('td', {}, h('a', { href: `#/demande/${s.request_id}` }, resident || t('co.queue.erased'))),
        h('td', {}, categoryLabel(ref, s.category), ' · ', t(`recurrence.${s.recurrence}`)),
        h('td', {}, h('a', { href: `#/benevole/${s.volunteer_id}` }, volunteer)),
        h('td', {}, standin || '—'),
        h('td', {}, fmtDate(s.created_at)),
        h('td', {}, h('div', { class: 'button-row' },
          h('button', { type: 'button', class: 'small', dataset: { action: 'end' }, on: { click: () => endDialog(s, resident) } }, t('co.sup.end')),
          h('button', { type: 'button', class: 'small', dataset: { action: 'handover' }, on: { click: () => handoverDialog(s, resident) } }, t('co.sup.handover'))))))))));
  };

  function endDialog(s, resident) {
    const outcome = h('select', { id: 'sup-end-outcome' },
      ['need_met', 'resident_moved', 'other_help', 'resident_declined', 'other'].map((o) => h('option', { value: o }, t(`co.sup.outcome.${o}`))));
    const note = h('textarea', { id: 'sup-end-note', rows: '2', maxlength: '1000' });
    const msg = h('p', { class: 'form-status', role: 'status' });
    const yes = h('button', { type: 'button', class: 'danger', id: 'sup-end-yes' }, t('co.sup.end_confirm'));
    const no = h('button', { type: 'button' }, t('co.vol.refuse_cancel'));
    const dialog = openDialog('sup-end', t('co.sup.end_title', { name: resident || '' }), [
      h('p', {}, t('co.sup.end_lead')),
      h('div', { class: 'field' }, h('label', { for: 'sup-end-outcome' }, t('co.sup.outcome_label')), outcome),
      h('div', { class: 'field' }, h('label', { for: 'sup-end-note' }, t('co.sup.note')), note), msg], [yes, no]);
    no.addEventListener('click', () => dialog.close());
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      const reason = [t(`co.sup.outcome.${outcome.value}`), note.value.trim()].filter(Boolean).join(' — ');
      try {
        await api('POST', `/api/v1/supports/${s.id}/end`, { reason });
        dialog.close();
        await load();  // the list first, then the word that it is done
        status.textContent = t('co.sup.ended', { name: resident || '' });
        announce(status.textContent);
      } catch (err) { yes.disabled = false; msg.textContent = problemText(err); }
    });
    outcome.focus();
  }

  function handoverDialog(s, resident) {
    const msg = h('p', { class: 'form-status', role: 'status' });
    if (!partners.length) { status.textContent = t('co.sup.no_partner'); return; }
    const partner = h('select', { id: 'sup-ho-partner' }, partners.map((p) => h('option', { value: p.id }, p.name)));
    const consent = h('input', { type: 'checkbox', id: 'sup-ho-consent' });
    const note = h('textarea', { id: 'sup-ho-note', rows: '2', maxlength: '1000' });
    const yes = h('button', { type: 'button', class: 'primary', id: 'sup-ho-yes' }, t('co.sup.handover_confirm'));
    const no = h('button', { type: 'button' }, t('co.vol.refuse_cancel'));
    const dialog = openDialog('sup-handover', t('co.sup.handover_title', { name: resident || '' }), [
      h('div', { class: 'field' }, h('label', { for: 'sup-ho-partner' }, t('co.sup.partner')), partner),
      h('div', { class: 'choice' }, consent, h('label', { for: 'sup-ho-consent' }, t('co.sup.consent', { name: resident || '' }))),
      h('div', { class: 'field' }, h('label', { for: 'sup-ho-note' }, t('co.sup.handover_note')), note), msg], [yes, no]);
    no.addEventListener('click', () => dialog.close());
    yes.addEventListener('click', async () => {
      if (!consent.checked) { msg.textContent = t('co.sup.consent_missing'); consent.focus(); return; }
      yes.disabled = true;
      const body = { partner_id: partner.value, resident_consent: true };
      if (note.value.trim()) body.note = note.value.trim();
      try {
        await api('POST', `/api/v1/supports/${s.id}/handover`, body);
        dialog.close();
        const partnerName = partner.selectedOptions[0].textContent;
        await load();  // the list first, then the word that it is done
        status.textContent = t('co.sup.handed_over', { name: resident || '', partner: partnerName });
        announce(status.textContent);
      } catch (err) { yes.disabled = false; msg.textContent = problemText(err); }
    });
    partner.focus();
  }

  try { await load(); } catch (err) { mount(holder, h('p', { class: 'notice', role: 'alert' }, problemText(err))); }
}
