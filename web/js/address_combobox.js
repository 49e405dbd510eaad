// Address completion (issue 16) on the request forms: the address field becomes a combobox (the ARIA 1.2
// pattern: role=combobox, aria-expanded, aria-controls its listbox, aria-activedescendant) when the city has
// imported the Base Adresse Nationale (`address_completion` in the programme). Typing asks
// POST /api/v1/addresses/search (what is typed goes in the body, never in an address) after a pause of 200 ms,
// with at most one call in flight and answers to older text ignored; Up and Down move in the list, Enter
// chooses, Escape closes. Choosing fills the field with the address and the hidden fields `resident.lat` and
// `resident.lon`, which the forms send as the resident's `location`, and chooses the neighbourhood the address
// lies in when the city's map knows it. Without JavaScript, or without addresses, the field is the plain text
// field it always was. Plain ES module, no build step.
import { t, h, api } from './lib.js';

const PAUSE_MS = 200;
const MIN_CHARS = 3;

/**
 * Enhances the text `input` of a form. Options: `neighbourhood` (the form's neighbourhood select, set when
 * the address's neighbourhood is known), `neighbourhoodName(code)` (its name, for the line under the field),
 * `limit` (suggestions asked for).
 */
export function addressCombobox(input, { neighbourhood = null, neighbourhoodName = (code) => code, limit = 8 } = {}) {
  const id = input.id;
  const list = h('ul', { id: `${id}-suggestions`, role: 'listbox', class: 'address-suggestions', 'aria-label': t('address.suggestions'), hidden: true });
  const status = h('p', { id: `${id}-suggestions-status`, class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const placed = h('p', { id: `${id}-placed`, class: 'hint address-placed', hidden: true });
  const lat = h('input', { type: 'hidden', name: 'resident.lat', value: '' });
  const lon = h('input', { type: 'hidden', name: 'resident.lon', value: '' });
  const box = h('div', { class: 'combobox' });
  const focused = document.activeElement === input;  // moving the field would take the focus away
  input.replaceWith(box);
  box.append(input, list);
  if (focused) input.focus();
  box.after(placed, status, lat, lon);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('autocomplete', 'off');
  const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  input.setAttribute('aria-describedby', [...described, placed.id].join(' '));

  let items = [];
  let active = -1;
  let chosen = null;     // the address chosen, while the field still starts with its label
  let timer = null;
  let inFlight = false;  // one call at a time
  let wanted = null;     // the text to ask for once the call in flight is answered

  const open = (yes) => {
    list.hidden = !yes;
    input.setAttribute('aria-expanded', String(yes));
    if (!yes) setActive(-1);
  };
  const setActive = (i) => {
    active = i;
    list.querySelectorAll('[role="option"]').forEach((li, n) => li.setAttribute('aria-selected', String(n === i)));
    if (i >= 0) {
      const li = list.children[i];
      input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };
  const forget = () => {
    chosen = null;
    lat.value = '';
    lon.value = '';
    placed.hidden = true;
    placed.textContent = '';
  };
  const choose = (item) => {
    chosen = item;
    input.value = item.label;
    lat.value = String(item.location.lat);
    lon.value = String(item.location.lon);
    open(false);
    let where = '';
    if (item.neighbourhood && neighbourhood && [...neighbourhood.options].some((o) => o.value === item.neighbourhood)) {
      neighbourhood.value = item.neighbourhood;
      neighbourhood.dispatchEvent(new Event('change', { bubbles: true }));
      where = t('address.neighbourhood', { name: neighbourhoodName(item.neighbourhood) });
    }
    placed.textContent = [t('address.located'), where].filter(Boolean).join(' ');
    placed.hidden = false;
    status.textContent = t('address.chosen', { label: item.label });
  };
  const show = (found) => {
    items = found;
    list.replaceChildren(...found.map((item, n) => h('li', {
      id: `${id}-option-${n}`, role: 'option', 'aria-selected': 'false', class: 'address-option',
      on: {
        mousedown: (e) => e.preventDefault(),  // keeps the focus in the field
        click: () => { choose(item); input.focus(); },
      },
    }, item.label)));
    open(found.length > 0);
    status.textContent = found.length === 0 ? t('address.none')
      : t(found.length === 1 ? 'address.count_one' : 'address.count', { n: String(found.length) });
  };
  const ask = async (q) => {
    if (inFlight) { wanted = q; return; }
    inFlight = true;
    try {
      const answer = await api('POST', '/api/v1/addresses/search', { q, limit });
      // An answer to older text is dropped: the field changed while it travelled.
      if (input.value.trim() === q && document.activeElement === input) show(answer.items);
    } catch {
      open(false);  // a refusal (rate limit, server busy): the field stays a plain field
    } finally {
      inFlight = false;
      if (wanted !== null) {
        const next = wanted;
        wanted = null;
        if (next === input.value.trim()) ask(next);
      }
    }
  };

  input.addEventListener('input', () => {
    if (chosen && !input.value.startsWith(chosen.label)) forget();  // "bât. B" added after it keeps it
    clearTimeout(timer);
    const q = input.value.trim();
    if (chosen || q.length < MIN_CHARS) { open(false); items = []; return; }
    timer = setTimeout(() => ask(q), PAUSE_MS);
  });
  input.addEventListener('keydown', (e) => {
    const expanded = !list.hidden && items.length > 0;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!expanded) {
        if (items.length) open(true); else return;
      }
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive(active < 0 ? (step > 0 ? 0 : items.length - 1) : (active + step + items.length) % items.length);
    } else if (e.key === 'Enter' && expanded && active >= 0) {
      e.preventDefault();  // chooses; does not send the form
      e.stopPropagation();
      choose(items[active]);
    } else if (e.key === 'Escape' && expanded) {
      e.preventDefault();
      e.stopPropagation();  // closes the list, not the page's dialog or view
      open(false);
    }
  });
  input.addEventListener('blur', () => open(false));
}

/** The `location` the form's hidden fields hold (set by a chosen address), or null. */
export function chosenLocation(values) {
  const lat = Number(values['resident.lat']);
  const lon = Number(values['resident.lon']);
  if (!values['resident.lat'] || !values['resident.lon'] || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  return { lat, lon };
}
