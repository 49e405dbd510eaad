// The programme's bilan (/coordination/bilan): GET /api/v1/stats/summary for the chosen period, shown as
// figures with their definitions, SVG charts drawn here (no chart library, no outside service) and tables,
// each with its CSV export. The page has no inline script or style (the CSP forbids both): charts are SVG
// elements with presentation attributes and CSS classes from bilan.css.
'use strict';

(() => {
  const SVGNS = 'http://www.w3.org/2000/svg';
  const DAY = 86400000;

  // --- words -----------------------------------------------------------------------------------------------
  // Each figure with its definition (the same as in the API contract, proto/openapi.yaml: StatsSummary).
  const HEADLINE = [
    ['volunteers_registered', 'Volontaires inscrits',
      'Personnes dont la première inscription tombe dans la période. Une personne qui se réinscrit après un désistement (même adresse e-mail) compte une fois.'],
    ['volunteers_active', 'Volontaires actifs',
      'Parmi ces inscrits, ceux qui à la fin de la période ont une inscription validée par la coordination et non retirée (actifs ou en pause) : les inscrits, moins les désistés, moins les jamais validés.'],
    ['volunteers_mobilised', 'Volontaires mobilisés', 'Personnes ayant réalisé au moins une mission dans la période.'],
    ['missions_done', 'Missions réalisées', 'Missions déclarées faites, avec leur compte rendu, dans la période.'],
    ['residents_requesting', 'Habitants ayant fait appel', 'Habitants distincts ayant fait au moins une demande dans la période (web, téléphone ou partenaire).'],
    ['residents_helped', 'Habitants aidés', 'Habitants distincts pour qui au moins une mission a été réalisée dans la période.'],
    ['supports', 'Soutiens mis en place',
      'Un volontaire accepte une première mission pour une demande qui n’a pas de soutien en cours. Un besoin hebdomadaire reste un seul soutien (remplaçant compris) ; après un désistement sur une demande ponctuelle, le volontaire suivant ouvre un nouveau soutien.'],
  ];
  const SECONDARY = [
    ['volunteer_registrations', 'Inscriptions', 'Inscriptions faites dans la période, réinscriptions comprises.'],
    ['volunteers_awaiting_validation', 'Inscrits non validés', 'Parmi les volontaires inscrits, ceux dont la dernière inscription n’est ni validée ni retirée à la fin de la période.'],
    ['volunteers_withdrawn', 'Inscrits désistés', 'Parmi les volontaires inscrits, ceux dont la dernière inscription est retirée à la fin de la période.'],
    ['requests', 'Demandes', 'Demandes reçues dans la période.'],
    ['unfulfilled_requests', 'Demandes non satisfaites', 'Demandes de la période sans mission réalisée à la fin de la période, ni annulées ni closes comme satisfaites : encore en attente, ou closes comme impossibles à satisfaire.'],
    ['redispatches', 'Remises en file', 'Fois où une demande est revenue en tête de file, signalée à la coordination, après un refus, une absence de réponse, un désistement, une absence ou le retrait d’un volontaire.'],
    ['welfare_concerns', 'Signalements de vigilance', 'Comptes rendus de mission de la période signalant une inquiétude sur la personne aidée.'],
  ];
  const OUTCOMES = [
    ['helped', 'Aidées (au moins une mission réalisée)', 's-done'],
    ['fulfilled_otherwise', 'Closes comme satisfaites sans mission', 's-other'],
    ['cancelled', 'Annulées', 's-muted'],
    ['unfulfillable', 'Closes comme impossibles', 's-alert'],
    ['open', 'En attente', 's-requests'],
  ];
  const CHANNELS = { web: 'Formulaire web', phone: 'Téléphone', partner: 'Partenaire', unknown: 'Inconnu' };
  const KINDS = { declined: 'Refus', expired: 'Sans réponse', dropped: 'Désistement', missed: 'Absence' };
  const REASONS = {
    not_available: 'pas disponible', too_far: 'trop loin', not_comfortable: 'pas à l’aise', other: 'autre',
    no_answer: 'pas de réponse à temps', no_longer_available: 'plus disponible', health: 'santé',
    emergency: 'urgence', volunteer_withdrawn: 'retrait du volontaire', back_to_work: 'reprise du travail',
    moved: 'déménagement', not_as_expected: 'ne correspond pas à ses attentes', no_news: 'sans nouvelles',
    unspecified: 'non précisé',
  };
  const STAGES = {
    first_proposal: 'Jusqu’à la première proposition',
    first_acceptance: 'Jusqu’à la première acceptation',
    first_mission_done: 'Jusqu’à la première mission réalisée',
  };

  // --- DOM helpers (no innerHTML: every text goes through textContent) -------------------------------------
  function h(name, attrs, ...children) {
    const e = document.createElement(name);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function s(name, attrs, ...children) {
    const e = document.createElementNS(SVGNS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  const fmt = new Intl.NumberFormat('fr-FR');
  const num = (n) => (n === null || n === undefined ? '–' : fmt.format(n));
  const pct = (x) => (x === null || x === undefined ? '–' : `${fmt.format(Math.round(x * 1000) / 10)} %`);
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    const m = Math.round(seconds / 60);
    if (m < 60) return `${m} min`;
    const hrs = Math.floor(m / 60), min = m % 60;
    if (hrs < 48) return min ? `${hrs} h ${String(min).padStart(2, '0')}` : `${hrs} h`;
    const days = Math.floor(hrs / 24), rest = hrs % 24;
    return rest ? `${days} j ${rest} h` : `${days} j`;
  }
  const dateFr = (iso) => new Date(iso).toLocaleDateString('fr-FR', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  const isoDate = (d) => d.toISOString().slice(0, 10);
  const reason = (code) => REASONS[code] || code;

  // --- charts ----------------------------------------------------------------------------------------------
  /// A round upper bound and a tick step for values up to `max`.
  function scale(max) {
    if (max <= 0) return { top: 1, step: 1 };
    const raw = max / 4;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw);
    return { top: Math.ceil(max / step) * step, step };
  }

  function legend(series) {
    return h('ul', { class: 'legend' },
      series.map((x) => h('li', {}, s('svg', { width: 14, height: 14, 'aria-hidden': 'true', class: 'swatch' },
        s('rect', { width: 14, height: 14, class: x.cls })), ' ', x.name)));
  }

  /// Horizontal grouped bars: one group per row, one bar per series, the value written at the bar's end.
  function hbars(title, rows, series) {
    const labelW = 290, chartW = 430, barH = 13, gap = 10;
    const groupH = series.length * barH + gap;
    const height = rows.length * groupH + 28;
    const max = Math.max(0, ...rows.flatMap((r) => r.values));
    const sc = scale(max);
    const x = (v) => labelW + (v / sc.top) * chartW;
    const svg = s('svg', { viewBox: `0 0 ${labelW + chartW + 60} ${height}`, role: 'img', class: 'chart' },
      s('title', {}, title));
    for (let t = 0; t <= sc.top + 1e-9; t += sc.step) {
      svg.append(s('line', { x1: x(t), x2: x(t), y1: 0, y2: height - 22, class: 'grid' }),
        s('text', { x: x(t), y: height - 6, 'text-anchor': 'middle', class: 'tick' }, num(t)));
    }
    rows.forEach((r, i) => {
      const y0 = i * groupH + 4;
      const short = r.label.length > 42 ? `${r.label.slice(0, 41)}…` : r.label;
      svg.append(s('text', { x: labelW - 8, y: y0 + (series.length * barH) / 2 + 4, 'text-anchor': 'end', class: 'label' },
        s('title', {}, r.label), short));
      r.values.forEach((v, j) => {
        const y = y0 + j * barH;
        svg.append(s('rect', { x: labelW, y, width: Math.max(0, x(v) - labelW), height: barH - 2, class: series[j].cls },
          s('title', {}, `${r.label} – ${series[j].name} : ${num(v)}`)));
        svg.append(s('text', { x: x(v) + 4, y: y + barH - 4, class: 'value' }, num(v)));
      });
    });
    return h('figure', { class: 'chart-box' }, h('figcaption', {}, title), svg, series.length > 1 ? legend(series) : null);
  }

  /// Weekly chart: grouped columns for `bars` series and lines for `lines` series, on one scale.
  function weekly(title, weeks, bars, lines) {
    const left = 44, w = 680, top = 10, ph = 200, bottomH = 46;
    const n = Math.max(1, weeks.length);
    const slot = w / n;
    const values = weeks.flatMap((wk) => [...bars, ...lines].map((x) => wk[x.key]));
    const sc = scale(Math.max(0, ...values));
    const y = (v) => top + ph - (v / sc.top) * ph;
    const svg = s('svg', { viewBox: `0 0 ${left + w + 10} ${top + ph + bottomH}`, role: 'img', class: 'chart' },
      s('title', {}, title));
    for (let t = 0; t <= sc.top + 1e-9; t += sc.step) {
      svg.append(s('line', { x1: left, x2: left + w, y1: y(t), y2: y(t), class: 'grid' }),
        s('text', { x: left - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'tick' }, num(t)));
    }
    const bw = Math.max(1, (slot * 0.8) / Math.max(1, bars.length));
    const every = Math.ceil(n / 12);
    weeks.forEach((wk, i) => {
      const x0 = left + i * slot + slot * 0.1;
      bars.forEach((b, j) => {
        const v = wk[b.key];
        svg.append(s('rect', { x: x0 + j * bw, y: y(v), width: Math.max(0.5, bw - 1), height: top + ph - y(v), class: b.cls },
          s('title', {}, `${wk.week} – ${b.name} : ${num(v)}`)));
      });
      if (i % every === 0) {
        svg.append(s('text', { x: left + i * slot + slot / 2, y: top + ph + 16, 'text-anchor': 'middle', class: 'tick' },
          wk.week.slice(5)));
      }
    });
    for (const l of lines) {
      const pts = weeks.map((wk, i) => `${left + i * slot + slot / 2},${y(wk[l.key])}`).join(' ');
      svg.append(s('polyline', { points: pts, fill: 'none', class: `line ${l.cls}` }));
      weeks.forEach((wk, i) => svg.append(s('circle', { cx: left + i * slot + slot / 2, cy: y(wk[l.key]), r: 2.5, class: l.cls },
        s('title', {}, `${wk.week} – ${l.name} : ${num(wk[l.key])}`))));
    }
    svg.append(s('text', { x: left + w / 2, y: top + ph + 36, 'text-anchor': 'middle', class: 'tick' }, 'semaines (ISO)'));
    return h('figure', { class: 'chart-box wide' }, h('figcaption', {}, title), svg, legend([...bars, ...lines]));
  }

  /// One bar cut into the shares of a whole (request outcomes).
  function stacked(title, parts) {
    const total = parts.reduce((a, p) => a + p.value, 0);
    const w = 700;
    const svg = s('svg', { viewBox: `0 0 ${w} 40`, role: 'img', class: 'chart' }, s('title', {}, title));
    let x = 0;
    for (const p of parts) {
      const pw = total ? (p.value / total) * w : 0;
      if (pw > 0) {
        svg.append(s('rect', { x, y: 4, width: pw, height: 30, class: p.cls }, s('title', {}, `${p.name} : ${num(p.value)}`)));
        if (pw > 34) svg.append(s('text', { x: x + pw / 2, y: 24, 'text-anchor': 'middle', class: 'value inverse' }, num(p.value)));
      }
      x += pw;
    }
    return h('figure', { class: 'chart-box wide' }, h('figcaption', {}, title), svg,
      legend(parts.map((p) => ({ name: `${p.name} (${num(p.value)})`, cls: p.cls }))));
  }

  // --- tables ----------------------------------------------------------------------------------------------
  function csvLinks(table, query) {
    const base = `/api/v1/stats/export.csv?table=${table}${query ? `&${query}` : ''}`;
    return h('p', { class: 'csv no-print' }, 'Télécharger : ',
      h('a', { href: base, download: '' }, 'CSV'), ' · ',
      h('a', { href: `${base}&sep=semicolon`, download: '' }, 'CSV pour tableur français (;)'));
  }

  function table(caption, headers, rows, numericFrom = 1) {
    return h('table', { class: 'data' }, h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((x, i) => h('th', { scope: 'col', class: i >= numericFrom ? 'num' : null }, x)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: i >= numericFrom ? 'num' : null }, c)))))));
  }

  function section(title, id, ...content) {
    return h('section', { class: 'block', 'aria-labelledby': id }, h('h2', { id }, title), ...content);
  }

  // --- the report ------------------------------------------------------------------------------------------
  function render(d, query) {
    const f = d.figures;
    const until = new Date(new Date(d.period.until).getTime() - 1);
    const periodText = `Du ${dateFr(d.period.from)} au ${dateFr(until.toISOString())} inclus (données arrêtées au ${new Date(d.period.until).toLocaleString('fr-FR', { timeZone: 'UTC' })} UTC)`;
    document.getElementById('print-period').textContent = periodText;
    const report = document.getElementById('report');
    report.replaceChildren();

    report.append(h('p', { class: 'period-text' }, periodText));
    report.append(section('Chiffres clés', 'h-figures',
      h('dl', { class: 'figures' }, HEADLINE.map(([k, label, def]) => h('div', { class: 'figure' },
        h('dt', {}, label), h('dd', { class: 'n' }, num(f[k])), h('dd', { class: 'def' }, def)))),
      h('dl', { class: 'figures secondary' }, SECONDARY.map(([k, label, def]) => h('div', { class: 'figure' },
        h('dt', {}, label), h('dd', { class: 'n' }, num(f[k])), h('dd', { class: 'def' }, def)))),
      csvLinks('figures', query)));

    report.append(section('Semaine par semaine', 'h-weekly',
      weekly('Demandes reçues et missions réalisées par semaine', d.weekly,
        [{ key: 'requests', name: 'Demandes', cls: 's-requests' }, { key: 'missions_done', name: 'Missions réalisées', cls: 's-done' }], []),
      weekly('Volontaires actifs (fin de semaine) et mobilisés (au moins une mission dans la semaine)', d.weekly, [],
        [{ key: 'volunteers_active', name: 'Actifs', cls: 's-active' }, { key: 'volunteers_mobilised', name: 'Mobilisés', cls: 's-done' }]),
      table('Par semaine (semaines ISO, du lundi au dimanche, UTC ; la première et la dernière sont coupées à la période)',
        ['Semaine', 'Début', 'Demandes', 'Missions réalisées', 'Volontaires actifs', 'Volontaires mobilisés'],
        d.weekly.map((w) => [w.week, w.starts_on, num(w.requests), num(w.missions_done), num(w.volunteers_active), num(w.volunteers_mobilised)]), 2),
      csvLinks('weekly', query)));

    const outcomes = d.request_outcomes;
    report.append(section('Devenir des demandes', 'h-outcomes',
      stacked(`Les ${num(f.requests)} demandes de la période, à la fin de la période`,
        OUTCOMES.map(([k, name, cls]) => ({ name, value: outcomes[k], cls }))),
      table('Devenir des demandes (chaque demande dans une seule classe)', ['Classe', 'Demandes'],
        OUTCOMES.map(([k, name]) => [name, num(outcomes[k])])),
      csvLinks('request_outcomes', query)));

    const series = [{ name: 'Demandes', cls: 's-requests' }, { name: 'Missions réalisées', cls: 's-done' }, { name: 'Soutiens', cls: 's-support' }];
    const cats = d.by_category.filter((c) => c.requests || c.missions_done || c.supports);
    report.append(section('Par type de mission', 'h-category',
      hbars('Demandes, missions réalisées et soutiens par type de mission', cats.map((c) => ({ label: c.label_fr, values: [c.requests, c.missions_done, c.supports] })), series),
      table('Par type de mission (zéros compris)', ['Type', 'Demandes', 'Missions réalisées', 'Soutiens'],
        d.by_category.map((c) => [c.label_fr, num(c.requests), num(c.missions_done), num(c.supports)])),
      csvLinks('by_category', query)));

    report.append(section('Par quartier', 'h-neighbourhood',
      hbars('Demandes et missions réalisées par quartier de l’habitant ; volontaires inscrits par quartier',
        d.by_neighbourhood.map((n) => ({ label: n.name, values: [n.requests, n.missions_done, n.volunteers_registered] })),
        [series[0], series[1], { name: 'Volontaires inscrits', cls: 's-active' }]),
      table('Par quartier (celui de l’habitant au moment de la demande ; pour les volontaires, celui de leur première inscription)',
        ['Quartier', 'Demandes', 'Missions réalisées', 'Soutiens', 'Volontaires inscrits'],
        d.by_neighbourhood.map((n) => [n.name, num(n.requests), num(n.missions_done), num(n.supports), num(n.volunteers_registered)])),
      csvLinks('by_neighbourhood', query)));

    report.append(section('Par canal', 'h-channel',
      hbars('Demandes, missions réalisées et soutiens par canal d’arrivée de la demande',
        d.by_channel.map((c) => ({ label: CHANNELS[c.channel] || c.channel, values: [c.requests, c.missions_done, c.supports] })), series),
      table('Par canal', ['Canal', 'Demandes', 'Missions réalisées', 'Soutiens'],
        d.by_channel.map((c) => [CHANNELS[c.channel] || c.channel, num(c.requests), num(c.missions_done), num(c.supports)])),
      csvLinks('by_channel', query)));

    const setbacks = d.declines_and_dropouts;
    report.append(section('Refus et désistements', 'h-setbacks',
      setbacks.length
        ? hbars('Missions qui n’ont pas eu lieu comme proposées, par motif',
          setbacks.map((x) => ({ label: `${KINDS[x.kind] || x.kind} : ${reason(x.reason)}`, values: [x.count] })), [{ name: 'Missions', cls: 's-alert' }])
        : h('p', {}, 'Aucun refus ni désistement dans la période.'),
      table('Refus (proposition déclinée), sans réponse (proposition expirée), désistements (après acceptation) et absences, par motif',
        ['Type', 'Motif', 'Missions'], setbacks.map((x) => [KINDS[x.kind] || x.kind, reason(x.reason), num(x.count)]), 2),
      csvLinks('declines_and_dropouts', query)));

    const wd = d.withdrawals;
    report.append(section('Désistements de volontaires', 'h-withdrawals',
      hbars('Inscriptions retirées dans la période, par motif', wd.map((x) => ({ label: reason(x.reason), values: [x.count, x.after_validation] })),
        [{ name: 'Retraits', cls: 's-alert' }, { name: 'dont après validation', cls: 's-muted' }]),
      table('Retraits par motif', ['Motif', 'Retraits', 'dont après validation'],
        wd.map((x) => [reason(x.reason), num(x.count), num(x.after_validation)])),
      csvLinks('withdrawals', query)));

    report.append(section('Délais et fidélité', 'h-delays',
      table('Délai depuis la demande (demandes de la période ayant atteint l’étape ; médiane et 90e centile au rang le plus proche, valeurs observées)',
        ['Étape', 'Demandes', 'Médiane', '90e centile'],
        d.delays.map((x) => [STAGES[x.stage] || x.stage, num(x.requests), duration(x.median_seconds), duration(x.p90_seconds)])),
      csvLinks('delays', query),
      table('Volontaires encore engagés N semaines après leur validation (validés dans la période au moins N semaines avant sa fin ; « engagé » : non désisté, actif ou en pause)',
        ['Après', 'Validés', 'Encore engagés', 'Taux'],
        d.retention.map((x) => [`${x.weeks} semaines`, num(x.cohort), num(x.retained), pct(x.rate)])),
      csvLinks('retention', query)));
    report.hidden = false;
  }

  // --- the period ------------------------------------------------------------------------------------------
  function presetDates(p) {
    const now = new Date();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    switch (p) {
      case '30d': return [isoDate(new Date(today - 29 * DAY)), isoDate(new Date(today))];
      case 'month': return [isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))), isoDate(new Date(today))];
      case 'last-month': return [isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))),
        isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)))];
      case 'year': return [`${now.getUTCFullYear()}-01-01`, isoDate(new Date(today))];
      default: return ['', ''];
    }
  }

  /// The API query of the chosen period: `until` is the day after the last day shown (the API's end is excluded).
  function apiQuery(from, until) {
    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (until) q.set('until', isoDate(new Date(Date.parse(`${until}T00:00:00Z`) + DAY)));
    return q.toString();
  }

  async function load() {
    const params = new URLSearchParams(location.search);
    const from = params.get('from') || '', until = params.get('until') || '';
    document.getElementById('from').value = from;
    document.getElementById('until').value = until;
    const status = document.getElementById('status');
    status.textContent = 'Chargement…';
    const query = apiQuery(from, until);
    let res;
    try {
      res = await fetch(`/api/v1/stats/summary${query ? `?${query}` : ''}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    } catch {
      status.textContent = 'Le serveur ne répond pas. Réessayez dans un instant.';
      return;
    }
    if (res.status === 401) {
      status.replaceChildren('Connectez-vous d’abord à la ', h('a', { href: '/coordination' }, 'console de coordination'), ', puis revenez ici.');
      return;
    }
    if (res.status === 403) {
      status.textContent = 'Le bilan est réservé à la coordination et aux administrateurs.';
      return;
    }
    if (!res.ok) {
      let detail = '';
      try { detail = (await res.json()).detail || ''; } catch { /* not JSON */ }
      status.textContent = `Le bilan n’a pas pu être calculé (${res.status}). ${detail}`;
      return;
    }
    const data = await res.json();
    status.textContent = '';
    render(data, query);
  }

  async function programmeName() {
    try {
      const res = await fetch('/api/v1/programme', { credentials: 'same-origin' });
      if (res.ok) document.getElementById('programme-name').textContent = `« ${(await res.json()).name} »`;
    } catch { /* the title stays generic */ }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const form = document.getElementById('period');
    document.getElementById('preset').addEventListener('change', (e) => {
      const [from, until] = presetDates(e.target.value);
      document.getElementById('from').value = from;
      document.getElementById('until').value = until;
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const from = document.getElementById('from').value, until = document.getElementById('until').value;
      const status = document.getElementById('status');
      if (from && until && from > until) {
        status.textContent = 'La date de début doit précéder la date de fin.';
        return;
      }
      const q = new URLSearchParams();
      if (from) q.set('from', from);
      if (until) q.set('until', until);
      history.replaceState(null, '', `${location.pathname}${q.toString() ? `?${q}` : ''}`);
      load();
    });
    document.getElementById('print').addEventListener('click', () => window.print());
    programmeName();
    load();
  });
})();
