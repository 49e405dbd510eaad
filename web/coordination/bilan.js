// The programme's bilan (/coordination/bilan): GET /api/v1/stats/summary for the chosen period, shown as
// figures with their definitions, SVG charts drawn here (no chart library, no outside service) and tables,
// each with its CSV export in the page's language, and the whole bilan as one workbook (XLSX). Days and weeks
// are the city's: dates are shown in the programme's time zone. The page has no inline script or style (the
// CSP forbids both): charts are SVG elements with presentation attributes and CSS classes from bilan.css.
'use strict';

(() => {
  const SVGNS = 'http://www.w3.org/2000/svg';
  const DAY = 86400000;

  // --- words -----------------------------------------------------------------------------------------------
  // Each figure with its definition (the same as in the API contract, proto/openapi.yaml: StatsSummary).
  const HEADLINE = ['volunteers_registered', 'volunteers_active', 'volunteers_mobilised', 'missions_done',
    'residents_requesting', 'residents_helped', 'supports'];
  const SECONDARY = ['volunteer_registrations', 'volunteers_awaiting_validation', 'volunteers_withdrawn', 'requests',
    'unfulfilled_requests', 'redispatches', 'welfare_concerns'];
  // Each figure's label and definition (the same as in the API contract, proto/openapi.yaml: StatsSummary)
  // are in the dictionaries: bi.fig.<figure>, bi.def.<figure>.
  const OUTCOMES = [['helped', 's-done'], ['fulfilled_otherwise', 's-other'], ['cancelled', 's-muted'],
    ['unfulfillable', 's-alert'], ['open', 's-requests']];

  // --- words (web/i18n/<lang>.json, keys bi.*; French first, the key itself if missing) ----------------------
  // One implementation of the dictionaries and their placeholders: web/js/lib.js's (the server's rule too),
  // imported from this classic script.
  let lang = 'fr';
  let lib = null;
  async function loadWords() {
    lib = await import('/js/lib.js');
    lang = await lib.initI18n();  // ?lang=, then the one chosen before, then French; sets <html lang>
  }
  const t = (k, vars = {}) => (lib ? lib.t(k, vars) : k);
  const known = (k) => Boolean(lib && lib.hasKey(k));
  const channel = (c) => (known(`bi.channel.${c}`) ? t(`bi.channel.${c}`) : c);
  const kind = (k) => (known(`bi.kind.${k}`) ? t(`bi.kind.${k}`) : k);
  const stage = (k) => (known(`bi.stage.${k}`) ? t(`bi.stage.${k}`) : k);
  const locale = () => (lang === 'en' ? 'en-GB' : 'fr-FR');

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
  const num = (n) => (n === null || n === undefined ? '–' : new Intl.NumberFormat(locale()).format(n));
  const pct = (x) => (x === null || x === undefined ? '–' : t('bi.percent', { value: num(Math.round(x * 1000) / 10) }));
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    const m = Math.round(seconds / 60);
    if (m < 60) return t('bi.dur.min', { m });
    const hrs = Math.floor(m / 60), min = m % 60;
    if (hrs < 48) return min ? t('bi.dur.h_min', { h: hrs, m: String(min).padStart(2, '0') }) : t('bi.dur.h', { h: hrs });
    const days = Math.floor(hrs / 24), rest = hrs % 24;
    return rest ? t('bi.dur.d_h', { d: days, h: rest }) : t('bi.dur.d', { d: days });
  }
  // The programme's time zone (GET /api/v1/programme): the summary's days and weeks are the city's.
  let zone = 'Europe/Paris';
  const dateFr = (iso) => new Date(iso).toLocaleDateString(locale(), { timeZone: zone, day: 'numeric', month: 'long', year: 'numeric' });
  const isoDate = (d) => d.toISOString().slice(0, 10);
  const reason = (code) => (known(`bi.reason.${code}`) ? t(`bi.reason.${code}`) : code);

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
  /// The exports' query: the page's period and language.
  const exportQuery = (query) => `${query ? `${query}&` : ''}lang=${lang}`;

  function csvLinks(table, query) {
    const base = `/api/v1/stats/export.csv?table=${table}&${exportQuery(query)}`;
    return h('p', { class: 'csv no-print' }, t('bi.download'), ' ',
      h('a', { href: base, download: '' }, 'CSV'), ' · ',
      h('a', { href: `${base}&sep=semicolon`, download: '' }, t('bi.csv_semicolon')));
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
    const periodText = t('bi.period_text', { from: dateFr(d.period.from), until: dateFr(until.toISOString()),
      at: new Date(d.period.until).toLocaleString(locale(), { timeZone: zone }) });
    document.getElementById('print-period').textContent = periodText;
    const report = document.getElementById('report');
    report.replaceChildren();
    const figure = (k) => h('div', { class: 'figure' },
      h('dt', {}, t(`bi.fig.${k}`)), h('dd', { class: 'n' }, num(f[k])), h('dd', { class: 'def' }, t(`bi.def.${k}`)));
    const REQ = t('bi.col.requests'), DONE = t('bi.col.missions_done'), SUP = t('bi.col.supports');

    report.append(h('p', { class: 'period-text' }, periodText));
    report.append(h('p', { class: 'xlsx no-print' },
      h('a', { id: 'xlsx-link', href: `/api/v1/stats/export.xlsx?${exportQuery(query)}`, download: '' }, t('bi.xlsx'))));
    report.append(section(t('bi.h.figures'), 'h-figures',
      h('dl', { class: 'figures' }, HEADLINE.map(figure)),
      h('dl', { class: 'figures secondary' }, SECONDARY.map(figure)),
      csvLinks('figures', query)));

    report.append(section(t('bi.h.weekly'), 'h-weekly',
      weekly(t('bi.chart.weekly_requests'), d.weekly,
        [{ key: 'requests', name: REQ, cls: 's-requests' }, { key: 'missions_done', name: DONE, cls: 's-done' }], []),
      weekly(t('bi.chart.weekly_volunteers'), d.weekly, [],
        [{ key: 'volunteers_active', name: t('bi.series.active'), cls: 's-active' }, { key: 'volunteers_mobilised', name: t('bi.series.mobilised'), cls: 's-done' }]),
      table(t('bi.table.weekly'),
        [t('bi.col.week'), t('bi.col.start'), REQ, DONE, t('bi.col.volunteers_active'), t('bi.col.volunteers_mobilised')],
        d.weekly.map((w) => [w.week, w.starts_on, num(w.requests), num(w.missions_done), num(w.volunteers_active), num(w.volunteers_mobilised)]), 2),
      csvLinks('weekly', query)));

    const outcomes = d.request_outcomes;
    report.append(section(t('bi.h.outcomes'), 'h-outcomes',
      stacked(t('bi.chart.outcomes', { count: num(f.requests) }),
        OUTCOMES.map(([k, cls]) => ({ name: t(`bi.outcome.${k}`), value: outcomes[k], cls }))),
      table(t('bi.table.outcomes'), [t('bi.col.class'), REQ],
        OUTCOMES.map(([k]) => [t(`bi.outcome.${k}`), num(outcomes[k])])),
      csvLinks('request_outcomes', query)));

    const series = [{ name: REQ, cls: 's-requests' }, { name: DONE, cls: 's-done' }, { name: SUP, cls: 's-support' }];
    const label = (c) => (lang === 'en' && c.label_en ? c.label_en : c.label_fr);
    const cats = d.by_category.filter((c) => c.requests || c.missions_done || c.supports);
    report.append(section(t('bi.h.category'), 'h-category',
      hbars(t('bi.chart.category'), cats.map((c) => ({ label: label(c), values: [c.requests, c.missions_done, c.supports] })), series),
      table(t('bi.table.category'), [t('bi.col.type'), REQ, DONE, SUP],
        d.by_category.map((c) => [label(c), num(c.requests), num(c.missions_done), num(c.supports)])),
      csvLinks('by_category', query)));

    report.append(section(t('bi.h.neighbourhood'), 'h-neighbourhood',
      hbars(t('bi.chart.neighbourhood'),
        d.by_neighbourhood.map((n) => ({ label: n.name, values: [n.requests, n.missions_done, n.volunteers_registered] })),
        [series[0], series[1], { name: t('bi.col.volunteers_registered'), cls: 's-active' }]),
      table(t('bi.table.neighbourhood'),
        [t('bi.col.neighbourhood'), REQ, DONE, SUP, t('bi.col.volunteers_registered')],
        d.by_neighbourhood.map((n) => [n.name, num(n.requests), num(n.missions_done), num(n.supports), num(n.volunteers_registered)])),
      csvLinks('by_neighbourhood', query)));

    report.append(section(t('bi.h.channel'), 'h-channel',
      hbars(t('bi.chart.channel'),
        d.by_channel.map((c) => ({ label: channel(c.channel), values: [c.requests, c.missions_done, c.supports] })), series),
      table(t('bi.h.channel'), [t('bi.col.channel'), REQ, DONE, SUP],
        d.by_channel.map((c) => [channel(c.channel), num(c.requests), num(c.missions_done), num(c.supports)])),
      csvLinks('by_channel', query)));

    const setbacks = d.declines_and_dropouts;
    report.append(section(t('bi.h.setbacks'), 'h-setbacks',
      setbacks.length
        ? hbars(t('bi.chart.setbacks'),
          setbacks.map((x) => ({ label: t('bi.kind_reason', { kind: kind(x.kind), reason: reason(x.reason) }), values: [x.count] })),
          [{ name: t('bi.col.missions'), cls: 's-alert' }])
        : h('p', {}, t('bi.no_setbacks')),
      table(t('bi.table.setbacks'),
        [t('bi.col.type'), t('bi.col.reason'), t('bi.col.missions')], setbacks.map((x) => [kind(x.kind), reason(x.reason), num(x.count)]), 2),
      csvLinks('declines_and_dropouts', query)));

    const wd = d.withdrawals;
    report.append(section(t('bi.h.withdrawals'), 'h-withdrawals',
      hbars(t('bi.chart.withdrawals'), wd.map((x) => ({ label: reason(x.reason), values: [x.count, x.after_validation] })),
        [{ name: t('bi.col.withdrawals'), cls: 's-alert' }, { name: t('bi.col.after_validation'), cls: 's-muted' }]),
      table(t('bi.table.withdrawals'), [t('bi.col.reason'), t('bi.col.withdrawals'), t('bi.col.after_validation')],
        wd.map((x) => [reason(x.reason), num(x.count), num(x.after_validation)])),
      csvLinks('withdrawals', query)));

    report.append(section(t('bi.h.delays'), 'h-delays',
      table(t('bi.table.delays'),
        [t('bi.col.stage'), REQ, t('bi.col.median'), t('bi.col.p90')],
        d.delays.map((x) => [stage(x.stage), num(x.requests), duration(x.median_seconds), duration(x.p90_seconds)])),
      csvLinks('delays', query),
      table(t('bi.table.retention'),
        [t('bi.col.after'), t('bi.col.validated'), t('bi.col.retained'), t('bi.col.rate')],
        d.retention.map((x) => [t('bi.weeks', { count: x.weeks }), num(x.cohort), num(x.retained), pct(x.rate)])),
      csvLinks('retention', query)));

    // Collective activities (the city's own and the partners'): what was held and who came.
    const col = d.collectives || [];
    report.append(section(t('bi.h.collectives'), 'h-collectives',
      col.length
        ? table(t('bi.table.collectives'),
          [t('bi.col.organiser'), t('bi.col.held'), t('bi.col.cancelled_activities'), t('bi.col.places'), t('bi.col.signups'),
            t('bi.col.attended'), t('bi.col.absent'), t('bi.col.volunteers_present')],
          col.map((x) => [x.organiser_id === 'all' ? t('bi.col.total') : x.organiser, num(x.held), num(x.cancelled), num(x.places),
            num(x.signups), num(x.attended), num(x.absent), num(x.volunteers)]))
        : h('p', {}, t('bi.no_collectives')),
      csvLinks('collectives', query)));

    // Volunteers who stay: hours given, how proposals were answered per kind of help, the reserve.
    const en = d.engagement;
    if (en) {
      const labels = {};
      for (const c of d.by_category) labels[c.category] = label(c);
      const r = en.reserve;
      report.append(section(t('bi.h.engagement'), 'h-engagement',
        h('dl', { class: 'figures secondary', id: 'engagement-figures' },
          [[t('bi.eng.hours'), num(Math.round(en.hours_given))],
            [t('bi.eng.reserve_members'), num(r.members)],
            [t('bi.eng.reserve_joined'), num(r.joined)],
            [t('bi.eng.reactivated'), num(r.reactivated)],
            [t('bi.eng.campaigns'), num(r.campaigns)],
            [t('bi.eng.reactivation_rate'), r.recipients ? pct(r.reactivation_rate) : '–']]
            .map(([k, v]) => h('div', { class: 'figure' }, h('dt', {}, k), h('dd', { class: 'n' }, v)))),
        en.answers_by_category.length
          ? table(t('bi.table.answers'),
            [t('bi.col.category'), t('bi.col.proposals'), t('bi.col.accepted'), t('bi.col.declined'), t('bi.col.expired'),
              t('bi.col.acceptance_rate'), t('bi.col.decline_rate')],
            en.answers_by_category.map((x) => [labels[x.category] || x.category, num(x.proposals), num(x.accepted),
              num(x.declined), num(x.expired), pct(x.acceptance_rate), pct(x.decline_rate)]))
          : h('p', {}, t('bi.no_proposals')),
        csvLinks('engagement', query), csvLinks('engagement_answers', query)));
    }
    report.hidden = false;
  }

  // --- the period ------------------------------------------------------------------------------------------
  function presetDates(p) {
    // Today is the city's (its time zone), not the browser's or UTC: at 00:30 in Paris it is already the 1st.
    const [y, m, dd] = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(new Date()).split('-').map(Number);
    const now = new Date(Date.UTC(y, m - 1, dd));
    const today = now.getTime();
    switch (p) {
      case '30d': return [isoDate(new Date(today - 29 * DAY)), isoDate(new Date(today))];
      case 'month': return [isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))), isoDate(new Date(today))];
      case 'last-month': return [isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))),
        isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)))];
      case 'year': return [`${now.getUTCFullYear()}-01-01`, isoDate(new Date(today))];
      default: {
        // A programme of the city's (one per year, or one per crisis): its own dates.
        const opt = document.querySelector(`#preset option[value="${CSS.escape(p)}"]`);
        if (opt && opt.dataset.from) return [opt.dataset.from, opt.dataset.until || isoDate(new Date(today))];
        return ['', ''];
      }
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
    status.textContent = t('bi.loading');
    const query = apiQuery(from, until);
    let res;
    try {
      res = await fetch(`/api/v1/stats/summary${query ? `?${query}` : ''}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    } catch {
      status.textContent = t('bi.no_server');
      return;
    }
    if (res.status === 401) {
      status.replaceChildren(`${t('bi.sign_in_first')} `, h('a', { href: '/coordination' }, t('bi.console_link')), t('bi.then_come_back'));
      return;
    }
    if (res.status === 403) {
      status.textContent = t('bi.staff_only');
      return;
    }
    if (!res.ok) {
      let detail = '';
      try { detail = (await res.json()).detail || ''; } catch { /* not JSON */ }
      status.textContent = t('bi.failed', { status: res.status, detail });
      return;
    }
    const data = await res.json();
    status.textContent = '';
    render(data, query);
  }

  /// The programme's name (in the title) and time zone (for the dates shown).
  async function programmeInfo() {
    try {
      const res = await fetch('/api/v1/programme', { credentials: 'same-origin' });
      if (!res.ok) return;
      const p = await res.json();
      document.getElementById('programme-name').textContent = t('bi.programme_name', { name: p.name });
      if (p.timezone) zone = p.timezone;
    } catch { /* the title stays generic, the zone Paris' */ }
    // The programmes over the years, as periods to choose (staff only; a refusal leaves the list as it is).
    try {
      const res = await fetch('/api/v1/programmes', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!res.ok) return;
      const list = (await res.json()).items || [];
      const select = document.getElementById('preset');
      for (const prg of list) {
        const opt = h('option', { value: `programme-${prg.id}` }, t('bi.page.preset.programme', { name: prg.name }));
        opt.dataset.from = prg.starts_on;
        if (prg.ends_on && prg.status === 'closed') opt.dataset.until = prg.ends_on;
        select.append(opt);
      }
    } catch { /* the usual periods only */ }
  }

  /// The page's own texts (data-i18n="key" on an element sets its text) and the language switch.
  function translatePage() {
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    document.title = `${t('bi.page.title')} – Relais`;
    const other = lang === 'fr' ? 'en' : 'fr';
    const link = document.getElementById('lang-link');
    const q = new URLSearchParams(location.search);
    q.set('lang', other);
    link.href = `${location.pathname}?${q}`;
    link.lang = other;
    link.hreflang = other;
    link.textContent = other === 'en' ? 'English' : 'Français';
  }

  document.addEventListener('DOMContentLoaded', async () => {
    try { await loadWords(); } catch { /* the page stays in French, as written */ }
    translatePage();
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
        status.textContent = t('bi.dates_order');
        return;
      }
      const q = new URLSearchParams();
      if (from) q.set('from', from);
      if (until) q.set('until', until);
      if (new URLSearchParams(location.search).get('lang')) q.set('lang', lang);
      history.replaceState(null, '', `${location.pathname}${q.toString() ? `?${q}` : ''}`);
      load();
    });
    document.getElementById('print').addEventListener('click', () => window.print());
    await programmeInfo();
    load();
  });
})();
