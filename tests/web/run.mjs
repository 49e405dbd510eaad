#!/usr/bin/env node
// Relais browser tests: Playwright (playwright-core from npm) driving Debian's Chromium, headless, against a
// real `relais` started here on a free port with a temporary database. The end-to-end story of issue 6:
// a resident asks for help without JavaScript and with it; a volunteer registers on a phone; a coordinator
// signs in, validates the volunteer, sees the new request arrive live (no reload), proposes the top
// candidate; the volunteer (390x844) accepts, sees the address, reports the mission done with a welfare
// concern; the coordinator sees the alert and the mission done. axe-core checks every page (no serious or
// critical violation); any Content-Security-Policy refusal fails the page. Screenshots go to
// tests/web/artifacts/ (git-ignored). The last line is "N passed, N failed"; the exit status is non-zero
// on any failure.
//
// Environment: RELAIS_BINARY (default build/test/relais), CHROMIUM (default /usr/bin/chromium),
// RELAIS_WEB_KEEP=1 keeps the temporary folder (database, server log) for inspection.

import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const binary = resolve(root, process.env.RELAIS_BINARY || 'build/test/relais');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = join(here, 'artifacts');
const axeSource = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
const TIMEOUT = 20000;

/** After a propose click: answers the console's questions (a time already past recorded as a mission that
 * took place, a time outside the volunteer's availability) with yes, then waits for "Mission proposée".
 * Returns the questions asked. */
async function proposalMade(page) {
  const deadline = Date.now() + TIMEOUT;
  const asked = [];
  while (Date.now() < deadline) {
    if (await page.locator('p.success', { hasText: 'Mission proposée' }).count()) return asked;
    for (const id of ['past-slot', 'outside-availability']) {
      const yes = page.locator(`dialog#${id}[open] #${id}-yes`);
      if (await yes.count()) { asked.push(id); await yes.click(); }
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`no proposal made (questions answered: ${asked.join(', ') || 'none'})`);
}


const COORD = { email: 'coordination@web-test.example', password: 'coordination-web-test-2026' };
const ADMIN = { email: 'admin@web-test.example', password: 'administration-web-test-2026' };
const VOLUNTEER = {
  first: 'Camille', last: 'Testeur', email: 'camille.benevole@web-test.example', phone: '06 11 22 33 44',
  password: 'benevole-web-test-2026',
};
const RESIDENT_ADDRESS = '12 rue de la Visite';
const PARTNER = { email: 'epicerie@web-test.example', password: 'partenaire-web-test-2026' };

// --- tiny test harness ----------------------------------------------------------------------------------

const results = [];
let storyBroken = false;

/** Runs one named check of the story; after a failure the rest of the story is reported as not run. */
async function step(name, fn) {
  if (storyBroken) {
    results.push({ name, ok: false, skipped: true });
    console.log(`SKIP ${name} (an earlier step failed)`);
    return;
  }
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false, error: err });
    storyBroken = true;
    await failureShots(name);
    console.log(`FAIL ${name}\n     ${String(err && err.stack || err).split('\n').slice(0, 6).join('\n     ')}`);
  }
}

const openPages = [];
/** After a failure: a screenshot of every open page, and the text of their status lines. */
async function failureShots(stepName) {
  const slug = stepName.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
  for (const [i, page] of openPages.entries()) {
    if (page.isClosed()) continue;
    try {
      await page.screenshot({ path: join(artifacts, `FAIL-${slug}-${i}.png`), fullPage: true, timeout: 5000 });
      const notes = await page.locator('[role="status"], [role="alert"], .form-status').allTextContents();
      const text = notes.map((x) => x.trim()).filter(Boolean).join(' | ');
      if (text) console.log(`     page ${i} (${page.url()}): ${text}`);
    } catch { /* the page may be gone */ }
  }
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

// --- the server -----------------------------------------------------------------------------------------

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function startServer(dir) {
  const db = join(dir, 'relais.db');
  for (const [role, who] of [['coordinator', COORD], ['admin', ADMIN]]) {
    const add = spawnSync(binary, ['user', 'add', '--db', db, '--role', role, '--email', who.email],
      { input: `${who.password}\n`, encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`relais user add (${role}) failed: ${add.stderr}`);
  }
  // The city's map: the demo's Rennes (a new database has no neighbourhood).
  const map = spawnSync(binary, ['import', 'neighbourhoods', '--db', db, join(root, 'data/demo/rennes-quartiers.csv')],
    { encoding: 'utf8' });
  if (map.status !== 0) throw new Error(`relais import neighbourhoods failed: ${map.stderr}`);
  // The city's addresses (a few Rennes streets in the Base Adresse Nationale's format): the forms complete them.
  const addresses = spawnSync(binary, ['import', 'addresses', '--db', db, join(root, 'tests/fixtures/ban_rennes.csv')],
    { encoding: 'utf8' });
  if (addresses.status !== 0) throw new Error(`relais import addresses failed: ${addresses.stderr}`);
  const port = await freePort();
  // A real SMTP server (aiosmtpd) the server emails through: the volunteer's proposal arrives there.
  const mail = await startSmtpSink(join(dir, 'mail'));
  const log = join(dir, 'server.log');
  const out = [];
  const child = spawn(binary, ['--db', db, '--bind', '127.0.0.1', '--port', String(port),
    '--web-root', join(root, 'web'), '--threads', '2', '--smtp-url', `smtp://127.0.0.1:${mail.port}`,
    '--mail-from', 'entraide@web-test.example', '--public-url', `http://127.0.0.1:${port}`],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => out.push(d));
  child.on('exit', () => writeFileSync(log, Buffer.concat(out)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`relais exited early: ${Buffer.concat(out)}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) break;
    } catch { /* not yet listening */ }
    if (Date.now() > deadline) throw new Error('relais did not become ready in 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  // The city's name and the coordination's phone, set by its admin (a new database has neither).
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }) });
  if (login.status !== 200) throw new Error(`the admin could not sign in: ${login.status}`);
  const { csrf_token: csrf } = await login.json();
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  const patched = await fetch(`${base}/api/v1/programme`, { method: 'PATCH',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Cookie: cookie, Origin: base },
    body: JSON.stringify({ name: 'Volontaires Solidaires', coordination_phone: '02 99 00 11 22' }) });
  if (patched.status !== 200) throw new Error(`the programme could not be set: ${patched.status} ${await patched.text()}`);
  return { child, base, log, mail, output: () => Buffer.concat(out).toString('utf8') };
}

/** tests/support/smtp_sink.py on a free port, writing what it accepts to `folder`. */
async function startSmtpSink(folder) {
  const port = await freePort();
  const child = spawn('/usr/bin/python3', [join(root, 'tests/support/smtp_sink.py'), '--port', String(port), '--dir', folder],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error('the SMTP sink did not start')), 15000);
    child.stdout.on('data', (d) => { if (String(d).includes('ready')) { clearTimeout(timer); res(); } });
    child.on('exit', () => rej(new Error('the SMTP sink exited')));
  });
  return { child, port, folder };
}

/** Fills the app's registration form: `who`'s identity (its password only if it has one), the neighbourhood,
 * the kinds of help and the days given (all day long). */
async function fillRegistration(page, who, neighbourhood, skills, days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) {
  await page.fill('#reg-first_name', who.first);
  await page.fill('#reg-last_name', who.last);
  await page.fill('#reg-email', who.email);
  await page.fill('#reg-phone', who.phone);
  if (who.password) await page.fill('#reg-password', who.password);
  await page.selectOption('#reg-neighbourhood', neighbourhood);
  for (const k of skills) await page.check(`#skills-${k}`);
  for (const d of days) {
    await page.check(`#av-${d}`);
    await page.fill(`#av-${d}-start`, '00:00');
    await page.fill(`#av-${d}-end`, '23:59');
  }
}

/** The decoded text parts of the messages the sink holds, oldest first. */
function mailTexts(mail) {
  if (!existsSync(mail.folder)) return [];
  return readdirSync(mail.folder).filter((f) => f.endsWith('.eml')).sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .map((f) => {
      const raw = readFileSync(join(mail.folder, f), 'latin1');
      let text = '';
      for (const part of raw.split('Content-Transfer-Encoding: base64\r\n\r\n').slice(1))
        text += Buffer.from(part.split('\r\n--')[0].replace(/\s+/g, ''), 'base64').toString('utf8') + '\n';
      return text;
    });
}

/** SIGTERM, then the exit code (SIGKILL after 15 s: code null). */
async function stopServer(server) {
  if (server && server.mail) server.mail.child.kill('SIGTERM');
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return server && server.child.exitCode;
  const exited = new Promise((r) => server.child.once('exit', (code) => r(code)));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 15000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

// --- page checks ----------------------------------------------------------------------------------------

const cspRefusals = [];
const pageErrors = [];

function watch(page, label) {
  openPages.push(page);
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy/i.test(text)) cspRefusals.push(`${label}: ${text}`);
  });
  page.on('pageerror', (err) => pageErrors.push(`${label}: ${err.message}`));
}

let shot = 0;
async function screenshot(page, name) {
  shot += 1;
  await page.screenshot({ path: join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

const axeChecked = [];
/**
 * axe-core on the current page: fails on any serious or critical violation. The script is evaluated through
 * the DevTools protocol rather than added as a <script> tag, because the pages' CSP (script-src 'self')
 * refuses inline scripts and the test keeps that policy enforced.
 */
async function axe(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  axeChecked.push(name);
  expect(bad.length === 0, `axe on ${name}: ${bad.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`).join('; ')}`);
}

/** axe + screenshot: what every page gets. */
async function checkPage(page, name) {
  await screenshot(page, name);
  await axe(page, name);
}

/** A moment as the date and time fields of a page in Europe/Paris (or `timeZone`) show it. */
function localParts(date, timeZone = 'Europe/Paris') {
  const text = date.toLocaleString('sv-SE', { timeZone });  // "2026-11-23 13:19:00"
  return { date: text.slice(0, 10), time: text.slice(11, 16) };
}

// --- the story ------------------------------------------------------------------------------------------

async function main() {
  rmSync(artifacts, { recursive: true, force: true });  // this run's screenshots only
  mkdirSync(artifacts, { recursive: true });
  expect(existsSync(binary), `no relais binary at ${binary} (set RELAIS_BINARY)`);
  const dir = mkdtempSync(join(tmpdir(), 'relais-web-'));
  let server = null;
  let cityServer = null;  // the new city's own server (Montréal), from its first start to a year later
  let browser = null;
  try {
    server = await startServer(dir);
    const { base } = server;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      // Playwright gives every launch a fresh temporary profile (--user-data-dir) of its own.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const common = { locale: 'fr-FR', timezoneId: 'Europe/Paris' };
    const noJs = await browser.newContext({ ...common, javaScriptEnabled: false, viewport: { width: 1024, height: 900 } });
    const resident = await browser.newContext({ ...common, viewport: { width: 1024, height: 900 } });
    const coordCtx = await browser.newContext({ ...common, viewport: { width: 1366, height: 900 } });
    const phone = await browser.newContext({ ...common, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    for (const c of [noJs, resident, coordCtx, phone]) c.setDefaultTimeout(TIMEOUT);
    // The consoles run without their periodic poll: whatever they show live came over the live feed.
    await coordCtx.addInitScript(() => localStorage.setItem('relais.coordination.poll', 'off'));

    const home = await resident.newPage();
    watch(home, 'home');
    await step('home page lists the three audiences, accessible', async () => {
      await home.goto(`${base}/`);
      expect(await home.locator('a[href="/demande"]').count() === 1, 'no link to /demande');
      // The coordination's number for those who would rather call, as a tel: link; the programme's own name.
      expect(await home.locator('#call-us a.phone[href^="tel:"]').count() === 1, 'no phone number on the home page');
      expect((await home.locator('h1').textContent()).trim() === (await home.locator('.brand').textContent()).trim(),
        'the home page does not carry the programme name');
      await checkPage(home, 'home');
      await home.goto(`${base}/?lang=en`);
      expect(/rather call/.test(await home.locator('#call-us h2').textContent()), 'no English home page');
    });

    // 1. A resident without JavaScript.
    const plain = await noJs.newPage();
    openPages.push(plain);
    let codeA = '';
    await step('no-JS form: the server answers the form again with the errors listed, linked, values kept', async () => {
      await plain.goto(`${base}/demande`);
      await screenshot(plain, 'demande-nojs');
      // Everything the browser itself checks is filled; what only the server checks is wrong.
      await plain.check('#f-category-medicines');
      await plain.fill('#f-details', 'Ordonnance à retirer (test sans JavaScript).');
      await plain.fill('#f-resident\\.first_name', 'Paulette');
      await plain.fill('#f-resident\\.last_name', 'Sansjs');
      await plain.check('#f-needs-isolated');
      await plain.check('#f-urgency-48h');
      await plain.check('#f-start-date');
      await plain.fill('#f-start_date', '2020-01-01');
      await plain.fill('#f-resident\\.phone', 'pas un numéro');
      await plain.fill('#f-resident\\.address', '5 place Sans Script');
      await plain.selectOption('#f-resident\\.neighbourhood', 'centre');
      await plain.check('#f-consent');
      const [nav] = await Promise.all([plain.waitForNavigation(), plain.click('button[type="submit"]')]);
      expect(nav.status() === 422, `expected 422, got ${nav.status()}`);
      const links = await plain.locator('.error-summary a').count();
      expect(links === 2, `expected 2 errors listed (phone, date), got ${links}`);
      const described = await plain.locator('#f-resident\\.phone').getAttribute('aria-describedby');
      expect(described && described.includes('err-resident.phone'), 'phone error not linked with aria-describedby');
      expect(await plain.inputValue('#f-resident\\.first_name') === 'Paulette', 'typed values lost');
      await screenshot(plain, 'demande-nojs-errors');
    });
    await step('no-JS form: the corrected submission shows the tracking code', async () => {
      await plain.fill('#f-resident\\.phone', '02 99 00 11 22');
      await plain.check('#f-start-asap');
      const [nav] = await Promise.all([plain.waitForNavigation(), plain.click('button[type="submit"]')]);
      expect(nav.status() === 200, `status ${nav.status()}`);
      codeA = (await plain.locator('#tracking-code').textContent()).trim();
      expect(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/.test(codeA), `tracking code ${codeA}`);
      expect((await plain.locator('.phone').first().textContent()).trim().length > 5, 'coordination phone missing');
      // "We will call you": the resident chose the phone.
      expect(/appelons/.test(await plain.locator('ol.next-steps').textContent()), 'the next steps do not follow the channel');
      await screenshot(plain, 'demande-nojs-confirmation');
      // Following the request carries the code, without it in the address.
      await Promise.all([plain.waitForNavigation(), plain.click('form.track-now button')]);
      expect(!plain.url().includes(codeA), 'the tracking code went into the address');
      expect(/Reçue/.test(await plain.locator('#track-status').textContent()), 'the tracking button did not show the status');
      expect(/(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)|Pas encore fixée/.test(await plain.locator('#track-next-visit').textContent()),
        'next visit without its weekday');
    });
    await step('no-JS tracking: the code shows the status, cancel asks for confirmation first', async () => {
      await plain.goto(`${base}/suivi`);
      await plain.fill('#f-code', codeA.toLowerCase().replaceAll('-', ' '));
      await Promise.all([plain.waitForNavigation(), plain.click('button[type="submit"]')]);
      const status = await plain.locator('#track-status').textContent();
      expect(/Reçue/.test(status), `status text: ${status}`);
      await Promise.all([plain.waitForNavigation(), plain.click('form[action="/suivi/annuler"] button')]);
      expect(/Annuler votre demande/.test(await plain.locator('h1').textContent()), 'no confirmation step');
      await screenshot(plain, 'suivi-nojs-confirm');
      // Keep the request: answer "no", which shows the status again.
      await Promise.all([plain.waitForNavigation(), plain.click('form[action="/suivi"] button')]);
      expect(/Reçue/.test(await plain.locator('#track-status').textContent()), 'request changed after "no"');
    });

    // 2. A volunteer registers on a phone.
    const vol = await phone.newPage();
    watch(vol, 'benevole');
    await step('volunteer registers in the mobile app (390x844)', async () => {
      await vol.goto(`${base}/benevole`);
      await vol.locator('h1').waitFor();
      await checkPage(vol, 'benevole-home');
      await vol.click('a[href="#/inscription"]');
      await vol.locator('#register-form').waitFor();
      await vol.click('#register-form button[type="submit"]');
      await vol.locator('.error-summary').waitFor();
      expect(await vol.evaluate(() => document.activeElement.classList.contains('error-summary')), 'error summary not focused');
      await fillRegistration(vol, VOLUNTEER, 'centre', ['shopping', 'medicines']);
      await vol.fill('#reg-max', '5');
      await vol.check('#reg-consent');
      await checkPage(vol, 'benevole-inscription');
      await vol.click('#register-form button[type="submit"]');
      await vol.locator('p.success').waitFor();
      await screenshot(vol, 'benevole-inscrit');
    });

    // 3. The coordinator signs in, validates the volunteer and watches the queue.
    const co = await coordCtx.newPage();
    watch(co, 'coordination');
    let volunteerId = '';
    /** Missions done so far, from the statistics the console's session may read. */
    const missionsDone = () => co.evaluate(async () => {
      const res = await fetch('/api/v1/stats/summary', { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`stats summary: HTTP ${res.status}`);
      return (await res.json()).figures.missions_done;
    });
    let doneBefore = 0;
    await step('coordinator signs in (wrong password refused first)', async () => {
      await co.goto(`${base}/coordination`);
      await co.locator('#login-email').waitFor();
      await checkPage(co, 'coordination-login');
      expect(!(await co.isVisible('#live')), 'an "offline" badge is shown before sign-in');
      await co.fill('#login-email', COORD.email);
      await co.fill('#login-password', 'not-the-password');
      await co.click('main button[type="submit"]');
      await co.locator('#login-status', { hasText: /incorrect/ }).waitFor();
      await co.fill('#login-password', COORD.password);
      await co.click('main button[type="submit"]');
      await co.locator('table#queue, main p:has-text("Aucune demande")').first().waitFor();
      await co.locator('#live[data-state="live"]').waitFor();
      doneBefore = await missionsDone();
      // Another tab of the same browser is signed in too (no second sign-in).
      const tab = await coordCtx.newPage();
      try {
        await tab.goto(`${base}/coordination#/alertes`);
        await tab.locator('#page-title').waitFor();
        expect(await tab.locator('#login-email').count() === 0, 'a second tab asks to sign in again');
        await tab.locator('#live[data-state="live"]').waitFor();
      } finally {
        await tab.close();
      }
    });
    await step('coordinator validates the new volunteer', async () => {
      await co.click('a[href="#/benevoles"]');
      const row = co.locator('#volunteers tr', { hasText: VOLUNTEER.last });
      await row.waitFor();
      volunteerId = await row.getAttribute('data-volunteer-id');
      await checkPage(co, 'coordination-benevoles');
      // Refusing asks for a reason first; not this one: cancel, then validate.
      await row.locator('button[data-refuse-id]').click();
      await co.locator('dialog#refuse-applicant[open] #refuse-reason').waitFor();
      await co.click('#refuse-yes');
      await co.locator('dialog#refuse-applicant p.form-status', { hasText: /motif/ }).waitFor();
      await checkPage(co, 'coordination-refus');
      await co.locator('dialog#refuse-applicant button', { hasText: 'Annuler' }).click();
      await row.locator('button.primary').click();
      await co.locator('main p:has-text("Aucun bénévole")').waitFor();
      await co.click('a[href="#/benevoles/active"]');
      await co.locator('#volunteers tr', { hasText: VOLUNTEER.last }).waitFor();
    });
    await step('the queue shows the no-JS request, with filters, accessible', async () => {
      await co.click('a[href="#/"]');
      await co.locator('#queue tr', { hasText: 'test sans JavaScript' }).waitFor();
      await co.selectOption('#q-urgency', 'today');
      await co.locator('main p:has-text("Aucune demande")').waitFor();
      await co.selectOption('#q-urgency', '');
      await co.locator('#queue tr', { hasText: 'test sans JavaScript' }).waitFor();
      await checkPage(co, 'coordination-file');
    });

    // 4. A resident with JavaScript; the coordinator sees it arrive without reloading.
    const rs = await resident.newPage();
    watch(rs, 'demande');
    const details = `Courses de la semaine (test avec JavaScript ${Date.now()})`;
    let codeB = '';
    await step('JS form: client-side errors are listed and linked, then the request is sent once', async () => {
      await co.evaluate(() => { window.__notReloaded = true; });
      // The link of a row that will not change, marked to see whether the live refresh keeps it.
      await co.locator('#queue tr', { hasText: 'test sans JavaScript' }).locator('a').first()
        .evaluate((a) => { a.kept = true; });  // a property, not an attribute: the markup stays the same
      await rs.goto(`${base}/demande`);
      await rs.locator('#form-status').waitFor({ state: 'attached' });
      await checkPage(rs, 'demande');
      await rs.click('button[type="submit"]');
      await rs.locator('.error-summary').waitFor();
      expect(await rs.getAttribute('#f-resident\\.phone', 'aria-invalid') === 'true', 'phone not marked invalid');
      await screenshot(rs, 'demande-js-errors');
      await rs.check('#f-category-shopping');
      await rs.fill('#f-details', details);
      await rs.fill('#f-resident\\.first_name', 'Marcel');
      await rs.fill('#f-resident\\.last_name', 'Avecjs');
      await rs.check('#f-urgency-today');
      await rs.fill('#f-resident\\.phone', '06 98 76 54 32');
      await rs.fill('#f-resident\\.address', RESIDENT_ADDRESS);
      await rs.selectOption('#f-resident\\.neighbourhood', 'centre');
      await rs.check('#f-needs-reduced_mobility');
      await rs.check('#f-consent');
      // A double click must create one request (Idempotency-Key per form load, button disabled while sending).
      await rs.dblclick('button[type="submit"]');
      await rs.locator('#tracking-code').waitFor();
      codeB = (await rs.locator('#tracking-code').textContent()).trim();
      expect(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/.test(codeB), `tracking code ${codeB}`);
      await checkPage(rs, 'demande-confirmation');
    });
    await step('the coordinator sees the new request appear live, without reloading', async () => {
      const row = co.locator('#queue tr', { hasText: details });
      await row.waitFor({ timeout: 15000 });
      expect(await co.evaluate(() => window.__notReloaded === true), 'the console page was reloaded');
      expect(await row.count() === 1, `the request appears ${await row.count()} times (double submission?)`);
      expect(await row.locator('.badge.new').count() === 1, 'the new row is not marked as new');
      // The refresh patched the table: an unchanged row's link is the same element (a click pressed before
      // the refresh and released after it still opens its request).
      expect(await co.locator('#queue tr', { hasText: 'test sans JavaScript' }).locator('a').first().evaluate((a) => a.kept === true),
        'the live refresh replaced the link of a row that did not change');
      await screenshot(co, 'coordination-file-live');
    });

    // 5. The coordinator proposes the top candidate.
    let requestB = '';
    await step('request page: resident, history, ranked candidates; propose the top one in one click', async () => {
      const link = co.locator('#queue tr', { hasText: details }).locator('a').first();
      requestB = (await link.getAttribute('href')).replace('#/demande/', '');
      await link.click();
      await co.locator('#candidates').waitFor();
      expect((await co.locator('main').textContent()).includes(RESIDENT_ADDRESS), 'resident address not shown');
      const buttons = co.locator('#candidates button[data-volunteer-id]');
      const top = await buttons.first().getAttribute('data-volunteer-id');
      expect(top === volunteerId, `top candidate ${top}, expected the test volunteer ${volunteerId}`);
      // A slot that has started, so the volunteer can report it done right away.
      const { date, time } = localParts(new Date(Date.now() - 10 * 60000));
      await co.fill('#slot-date', date);
      await co.fill('#slot-time', time);
      await co.selectOption('#slot-duration', '60');
      await checkPage(co, 'coordination-demande');
      await buttons.first().click();
      // The time has passed: the console asks before recording a mission that already took place.
      const asked = await proposalMade(co);
      expect(asked.includes('past-slot'), `no question before recording a past time (asked: ${asked.join(', ')})`);
      await co.locator('tr[data-status="proposed"]').waitFor();
    });

    // 6. The volunteer accepts, sees the address, reports.
    await step('coordinator also proposes the no-JS request, for tomorrow', async () => {
      await co.click('a[href="#/"]');
      await co.locator('#queue tr', { hasText: 'test sans JavaScript' }).locator('a').first().click();
      // That request's own page, not the one seen before (which has candidates too).
      await co.locator('#request-panel', { hasText: 'test sans JavaScript' }).waitFor();
      await co.locator('#candidates').waitFor();
      const tomorrow = new Date(Date.now() + 86400000);
      await co.fill('#slot-date', localParts(tomorrow).date);
      await co.fill('#slot-time', '10:00');
      await co.locator(`#candidates button[data-volunteer-id="${volunteerId}"]`).click();
      await proposalMade(co);
      // Back to the first request's page, which stays open while the volunteer answers.
      await co.evaluate((id) => { location.hash = `#/demande/${id}`; }, requestB);
      // Wait for that request's own page (the page just left also shows a proposed mission): typing into the
      // old page before the new one is drawn would lose the text.
      await co.locator('#request-panel', { hasText: 'test avec JavaScript' }).waitFor();
      await co.locator('tr[data-status="proposed"]').waitFor();
      await co.fill('#close-reason', 'note en cours de saisie');
      await co.evaluate(() => { window.__notReloaded = true; });
    });
    await step('volunteer signs in and sees both proposals, without any address', async () => {
      await vol.goto(`${base}/benevole#/`);
      await vol.fill('#vo-email', VOLUNTEER.email);
      await vol.fill('#vo-password', VOLUNTEER.password);
      await vol.click('#login-form button[type="submit"]');
      const cards = vol.locator('#proposals li.card');
      await cards.nth(1).waitFor();
      expect(await cards.count() === 2, `expected 2 proposals, got ${await cards.count()}`);
      const text = await vol.locator('#proposals').textContent();
      expect(!text.includes(RESIDENT_ADDRESS) && !text.includes('Sans Script'), 'an address is visible before acceptance');
      await checkPage(vol, 'benevole-propositions');
    });
    await step('the proposal email arrives with a one-tap link; its page shows the proposal, no address, accessible', async () => {
      let link = null;
      for (let i = 0; i < 100 && !link; i += 1) {
        const found = mailTexts(server.mail).map((t) => t.match(/http:\/\/127\.0\.0\.1:\d+\/reponse\/[A-Za-z0-9_-]{43}/)).find(Boolean);
        if (found) link = found[0];
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(link, 'no proposal email with a one-tap link arrived');
      // The page needs no script; it is opened in a scripted browser so that axe-core can check it.
      const page = await resident.newPage();
      watch(page, 'one-tap answer');
      await page.goto(link);
      await page.locator('h1', { hasText: 'Une mission vous est proposée' }).waitFor();
      expect(await page.locator('form button[type="submit"]').count() === 2, 'the two answers are not offered');
      expect(!(await page.textContent('body')).includes(RESIDENT_ADDRESS), 'the address shows before acceptance');
      await checkPage(page, 'reponse-en-un-clic');
    });
    await step('volunteer accepts one and now sees its address', async () => {
      await vol.locator('#proposals li.card', { hasText: 'test avec JavaScript' }).locator('button.primary').click();
      const card = vol.locator('#upcoming li.card');
      await card.waitFor();
      await card.locator('.address', { hasText: RESIDENT_ADDRESS }).waitFor();
      expect(await card.locator('details summary', { hasText: 'désister' }).count() === 1, 'no way to drop out');
      // What helps to help her, and the address opens in the phone's map app.
      await card.locator('ul.needs li', { hasText: 'Se déplace difficilement' }).waitFor();
      const map = await card.locator('a.map-link').getAttribute('href');
      expect(map && map.startsWith('geo:'), `the map link is ${map}`);
      await checkPage(vol, 'benevole-acceptee');
    });
    await step('the open request page follows live: the mission shows accepted, with its history, without reloading', async () => {
      await co.locator('tr[data-status="accepted"]').waitFor({ timeout: 15000 });
      expect(await co.locator('tr[data-status="proposed"]').count() === 0, 'the proposed row is still shown');
      expect(/Mise à jour en direct/.test(await co.locator('#request-updated').textContent()), 'the update is not said');
      expect(/acceptée/.test(await co.locator('ol.history').textContent()), 'the history did not follow');
      expect(await co.evaluate(() => window.__notReloaded === true), 'the console page was reloaded');
      expect(await co.inputValue('#close-reason') === 'note en cours de saisie', 'what was being typed is lost');
      await screenshot(co, 'coordination-demande-live');
      // Esc (keyboard shortcut) goes back to the queue.
      await co.locator('#page-title').focus();
      await co.keyboard.press('Escape');
      await co.locator('#queue').waitFor();
    });
    await step('volunteer declines the other with a reason; the coordinator sees it back in the queue, flagged', async () => {
      const card = vol.locator('#proposals li.card', { hasText: 'test sans JavaScript' });
      await card.locator('details summary').click();
      await card.locator('select[name="reason"]').selectOption('too_far');
      await card.locator('form.decline button[type="submit"]').click();
      await vol.locator('p.success', { hasText: 'Mission refusée' }).waitFor();
      expect(await vol.locator('#proposals li.card').count() === 0, 'the declined proposal is still listed');
      await co.locator('#queue tr', { hasText: 'test sans JavaScript' }).locator('.badge.flag').waitFor({ timeout: 15000 });
    });
    await step('volunteer reports the mission done with a welfare concern', async () => {
      const card = vol.locator('#upcoming li.card');
      // "Did it happen?" links to #/missions/<id>: the report opens, its first field focused.
      const missionId = await card.getAttribute('data-mission-id');
      await vol.goto(`${base}/benevole#/missions/${missionId}`);
      await vol.locator(`#report-${missionId}-duration:focus`).waitFor();
      expect(await card.locator('details.complete').getAttribute('open') !== null, 'the report is still folded');
      await card.locator('input[name="duration_minutes"]').fill('45');
      await card.locator('input[value="difficult"]').check();
      await card.locator('input[name="welfare_concern"]').check();
      await card.locator('textarea[name="note"]').fill('Semble très fatiguée, frigo presque vide.');
      await screenshot(vol, 'benevole-compte-rendu');
      await card.locator('form.report button[type="submit"]').click();
      await vol.locator('p.success', { hasText: 'Compte rendu envoyé' }).waitFor();
      await vol.locator('#done li.card').waitFor();
      await checkPage(vol, 'benevole-fait');
    });
    await step('volunteer app: availability and account pages, installable (manifest + service worker)', async () => {
      await vol.click('a[href="#/disponibilites"]');
      await vol.locator('#availability-form').waitFor();
      await vol.uncheck('#av-sun');
      await vol.click('#availability-form button[type="submit"]');
      await vol.locator('p.success').waitFor();
      await checkPage(vol, 'benevole-disponibilites');
      await vol.click('a[href="#/compte"]');
      await vol.locator('h1', { hasText: 'Mon compte' }).waitFor();
      await vol.locator('#calendar button').first().waitFor();
      await vol.locator('#prefs-form').waitFor();
      await checkPage(vol, 'benevole-compte');
      // How to be told things: email first, no reminders; saved and read back.
      await vol.selectOption('#pref-channels', 'email,sms');
      await vol.uncheck('#pref-optional');
      await vol.click('#prefs-form button[type="submit"]');
      await vol.locator('.form-status', { hasText: 'enregistrées' }).waitFor();
      const saved = await vol.evaluate(async () => (await fetch('/api/v1/me/preferences')).json());
      expect(saved.channels.join(',') === 'email,sms' && saved.optional_messages === false, `preferences not saved: ${JSON.stringify(saved)}`);
      const manifest = await (await fetch(`${base}/manifest.webmanifest`)).json();
      expect(manifest.start_url === '/benevole' && manifest.icons.length >= 2, 'manifest incomplete');
      const sw = await vol.evaluate(async () => {
        const reg = await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(() => r(null), 10000))]);
        return reg ? reg.scope : null;
      });
      expect(sw && sw.endsWith('/benevole'), `service worker not active (${sw})`);
    });

    await step('account page: the email is not confirmed yet; the link asked again from the page confirms it', async () => {
      // Registered with a password and validated: no link was opened yet.
      await vol.locator('#email-confirmation').waitFor();
      const links = () => mailTexts(server.mail).filter((t) => t.includes('/confirmer/'));
      const before = links().length;
      await vol.click('#email-confirmation-resend');
      await vol.locator('#email-confirmation-status', { hasText: 'nouveau lien' }).waitFor();
      let link = null;
      for (let i = 0; i < 100 && !link; i += 1) {
        const mails = links();
        if (mails.length > before) link = mails[mails.length - 1].match(/http:\/\/127\.0\.0\.1:\d+\/confirmer\/[0-9a-f]{64}/)[0];
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(link, 'no confirmation link arrived by email');
      // Opening the link confirms nothing (a mail scanner follows links); its button does.
      const page = await vol.context().newPage();
      watch(page, 'confirmer');
      await page.goto(link);
      await checkPage(page, 'confirmer');
      await page.click('form[method="post"] button[type="submit"]');
      await page.locator('#confirmation-state').waitFor();
      await page.close();
      await vol.reload();
      await vol.locator('#prefs-form').waitFor();
      expect(await vol.locator('#email-confirmation').count() === 0, 'the account page still says the email is not confirmed');
    });

    await step('a volunteer registers without a password: the emailed link confirms the address, a code by email signs in', async () => {
      const NOE = { first: 'Noé', last: 'Sansmotdepasse', email: 'noe.sans-mot-de-passe@web-test.example', phone: '06 33 44 55 66' };
      const ctx = await browser.newContext({ ...common, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      ctx.setDefaultTimeout(TIMEOUT);
      const page = await ctx.newPage();
      watch(page, 'benevole-sans-mot-de-passe');
      const newest = async (marker, before, what) => {
        for (let i = 0; i < 100; i += 1) {
          const mails = mailTexts(server.mail).filter((t) => t.includes(marker));
          if (mails.length > before) return mails[mails.length - 1];
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`no ${what} arrived by email`);
      };
      const links = mailTexts(server.mail).filter((t) => t.includes('/confirmer/')).length;
      const codes = mailTexts(server.mail).filter((t) => t.includes('/benevole#connexion=')).length;
      await page.goto(`${base}/benevole#/inscription`);
      await page.locator('#register-form').waitFor();
      await fillRegistration(page, NOE, 'centre', ['shopping'], ['sat']);  // no password
      await page.check('#reg-consent');
      await page.click('#register-form button[type="submit"]');  // the password left empty
      await page.locator('p.success').waitFor();
      const confirmation = await newest('/confirmer/', links, 'confirmation link');
      const link = confirmation.match(/http:\/\/127\.0\.0\.1:\d+\/confirmer\/[0-9a-f]{64}/)[0];
      await page.goto(link);
      await page.click('form[method="post"] button[type="submit"]');
      await page.locator('#confirmation-state').waitFor();
      // No password to type: a code by email.
      await page.goto(`${base}/benevole`);
      await page.locator('#code-ask-form').waitFor();
      await page.fill('#code-to', NOE.email);
      await page.click('#code-ask-form button[type="submit"]');
      await page.locator('#code-check-form:not([hidden])').waitFor();
      const text = await newest('/benevole#connexion=', codes, 'sign-in code');
      await page.fill('#code-value', text.match(/(^|[^0-9a-f])([0-9]{6})([^0-9a-f]|$)/)[2]);
      await page.click('#code-check-form button[type="submit"]');
      await page.locator('#nav a[href="#/compte"]').waitFor();
      await page.click('#nav a[href="#/compte"]');
      // Awaiting validation; the address is confirmed (no notice); a password may be set later.
      await page.locator('p.notice', { hasText: 'attend la validation' }).waitFor();
      await page.locator('#password-form').waitFor();
      expect(await page.locator('#email-confirmation').count() === 0, 'the confirmed address is said unconfirmed');
      await ctx.close();
    });

    await step('calendar feed: a secret iCalendar URL of the accepted missions, without resident data; remade and turned off', async () => {
      await vol.click('#calendar button.primary');
      const first = await vol.inputValue('#calendar-url');
      expect(/\/api\/v1\/calendar\/[0-9a-f]{64}\.ics$/.test(first), `feed URL ${first}`);
      const res = await fetch(first);
      expect(res.status === 200 && (res.headers.get('content-type') || '').startsWith('text/calendar'), `feed answer ${res.status}`);
      const ics = await res.text();
      expect(ics.startsWith('BEGIN:VCALENDAR\r\n') && ics.trimEnd().endsWith('END:VCALENDAR'), 'not an iCalendar document');
      expect((ics.match(/BEGIN:VEVENT/g) || []).length === 1, 'expected the one accepted (now done) mission');
      expect(/SUMMARY:Relais : Courses \(Centre\)/.test(ics), 'summary missing');
      expect(!ics.includes('Visite') && !ics.includes('Marcel') && !ics.includes('98 76'), 'resident data in the feed');
      await checkPage(vol, 'benevole-agenda');
      await vol.click('#calendar button:not(.primary) >> nth=0');  // make a new link
      await vol.waitForFunction((old) => {
        const input = document.querySelector('#calendar-url');
        return input && input.value !== old;
      }, first);
      const second = await vol.inputValue('#calendar-url');
      expect(second !== first, 'the link did not change');
      expect((await fetch(first)).status === 404, 'the old link still works');
      expect((await fetch(second)).status === 200, 'the new link does not work');
      await vol.locator('#calendar button', { hasText: 'Désactiver' }).click();
      await vol.locator('#calendar p', { hasText: 'Pas de lien' }).waitFor();
      expect((await fetch(second)).status === 404, 'the link still works after turning it off');
    });

    // 7. The coordinator sees the alert and the mission done.
    await step('coordinator sees the welfare alert (live) and acknowledges it', async () => {
      await co.locator('.welfare-banner a').waitFor({ timeout: 15000 });
      await co.click('.welfare-banner a');
      const card = co.locator('li.card', { hasText: 'frigo presque vide' });
      await card.waitFor();
      await checkPage(co, 'coordination-alertes');
      // The resident's name and a number to call at once; a note of what was done goes with the acknowledgement.
      expect(await card.locator('a[href^="tel:"]').count() === 1, 'no phone to call on the welfare alert');
      expect(/Sansjs|Avecjs/.test(await card.locator('h2').textContent()), 'no resident name on the welfare alert');
      await card.locator('textarea.welfare-note').fill('Appelée : tout va bien, sa fille passe demain.');
      await card.locator('button.primary').click();
      await co.locator('p.success', { hasText: 'Aucune alerte' }).waitFor();
      await co.locator('.welfare-banner').waitFor({ state: 'detached' });
    });
    await step('coordinator sees the mission done on the request page', async () => {
      // The request has left the "new" queue: open it from the volunteer's page.
      await co.goto(`${base}/coordination#/benevole/${volunteerId}`);
      const done = co.locator('tr[data-status="done"]');
      await done.waitFor();
      // The address the volunteer confirmed from their account page.
      await co.locator('#vol-email-confirmed', { hasText: 'adresse confirmée' }).waitFor();
      // The messages panel: what was sent to the volunteer (validation, proposals, reminders...).
      await co.locator('#vol-messages tr[data-status="sent"]', { hasText: 'Proposition de mission' }).first().waitFor();
      await checkPage(co, 'coordination-benevole');
      await done.locator('a').first().click();
      await co.locator('tr[data-status="done"]').waitFor();
      expect((await co.locator('tr[data-status="done"]').textContent()).includes('45 min'), 'report not shown');
      expect(await co.locator('a[href="/coordination/bilan"]').count() === 1, 'no link to the statistics page');
    });
    await step('the statistics move: one more mission done, on the statistics page too', async () => {
      const after = await missionsDone();
      expect(after === doneBefore + 1, `missions done ${doneBefore} -> ${after}`);
      await co.click('a[href="/coordination/bilan"]');
      await co.waitForURL('**/coordination/bilan');
      await co.locator('h1').waitFor();
      await co.waitForLoadState('networkidle');
      await checkPage(co, 'coordination-bilan');
      // Every table has its CSV export, downloadable with the console's session.
      const csv = await co.evaluate(async () => {
        const link = document.querySelector('p.csv a');
        const res = await fetch(link.getAttribute('href'), { credentials: 'same-origin' });
        return { status: res.status, type: res.headers.get('content-type') || '', text: await res.text() };
      });
      expect(csv.status === 200 && csv.type.startsWith('text/csv') && csv.text.split('\n').length > 2, `CSV export: ${csv.status} ${csv.type}`);
      // In the page's language: French column names.
      expect(csv.text.startsWith('Chiffre,Valeur'), `CSV export not in French: ${csv.text.slice(0, 40)}`);
      // The whole bilan as one workbook, with the page's period and language.
      const xlsx = await co.evaluate(async () => {
        const link = document.querySelector('#xlsx-link');
        const res = await fetch(link.getAttribute('href'), { credentials: 'same-origin' });
        const bytes = new Uint8Array(await res.arrayBuffer());
        return { href: link.getAttribute('href'), status: res.status, type: res.headers.get('content-type') || '',
          zip: bytes[0] === 0x50 && bytes[1] === 0x4b };
      });
      expect(xlsx.status === 200 && xlsx.zip && xlsx.href.includes('lang=fr') &&
        xlsx.type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `XLSX export: ${JSON.stringify(xlsx)}`);
      // In English through the language switch, then back to French (the choice is remembered).
      await co.click('#lang-link');
      await co.locator('html[lang="en"]').waitFor();
      await co.locator('#report h2', { hasText: 'Key figures' }).waitFor();
      await checkPage(co, 'coordination-bilan-en');
      await co.click('#lang-link');
      await co.locator('#report h2', { hasText: 'Chiffres clés' }).waitFor();
      await co.goto(`${base}/coordination#/`);
    });
    await step('the resident\'s tracking page follows (JS browser)', async () => {
      await rs.goto(`${base}/suivi`);
      await rs.fill('#f-code', codeB);
      await Promise.all([rs.waitForNavigation(), rs.click('button[type="submit"]')]);
      const status = await rs.locator('#track-status').textContent();
      expect(/Terminée|bénévole a été trouvé/.test(status), `status: ${status}`);
      await checkPage(rs, 'suivi-statut');
    });

    // 8. The rest of the console: phone intake (keyboard), batch plan.
    await step('phone intake from the keyboard gives a tracking code to read out', async () => {
      await co.goto(`${base}/coordination#/saisie`);
      await co.locator('#in-category').waitFor();
      await checkPage(co, 'coordination-saisie');
      expect(await co.evaluate(() => document.activeElement.id) === 'in-lookup', 'the intake does not start with "who is calling?"');
      await co.selectOption('#in-category', 'medicines');
      await co.focus('#in-category');
      await co.keyboard.press('Tab');
      await co.keyboard.type('Pharmacie du marché');
      await co.fill('#in-resident-first_name', 'Odette');
      await co.fill('#in-resident-last_name', 'Autelephone');
      await co.fill('#in-resident-phone', '02 99 33 44 55');
      await co.fill('#in-resident-address', '8 rue du Combiné');
      await co.selectOption('#in-resident-neighbourhood', 'centre');
      await co.check('#in-consent');
      await co.focus('#in-resident-address');
      await co.keyboard.press('Control+Enter');
      await co.locator('#intake-code').waitFor();
      await checkPage(co, 'coordination-saisie-faite');
    });
    await step('a second call from the same resident: found as her number is typed, the new request joins her story', async () => {
      await co.locator('main a[href="#/saisie"]').click();  // "another call", from the last one's page
      await co.locator('#in-category').waitFor();
      await co.fill('#in-resident-phone', '02.99.33.44.55');  // written another way
      const card = co.locator('#intake-matches li.card', { hasText: 'Odette Autelephone' });
      await card.waitFor();
      await checkPage(co, 'coordination-saisie-connue');
      await card.getByRole('button').first().click();
      await co.locator('#intake-known').waitFor();
      expect(await co.locator('#in-resident-first_name').count() === 0, 'the resident\'s fields are still asked for');
      await co.selectOption('#in-category', 'shopping');
      await co.check('#in-consent');
      await co.click('#intake-form button[type=submit]');
      await co.locator('#intake-code').waitFor();
      await co.click('a[href^="#/residents/res_"]');
      await co.locator('h1', { hasText: 'Odette Autelephone' }).waitFor();
      const requests = await co.locator('main section.panel').first().locator('li').count();
      expect(requests === 2, `her page lists ${requests} requests, not 2`);
      expect(await co.locator('ol.history li').count() >= 2, 'her story is empty');
      // Her messages: none (a landline, no email), and the page says texts are off on this server.
      await co.locator('#resident-messages').waitFor();
      expect(await co.locator('#resident-messages-sms-off').count() === 1, 'no word that texts are off');
      expect(await co.locator('#resident-messages-email-off').count() === 0, 'email said off while on');
      await checkPage(co, 'coordination-habitant');
      await co.goto(`${base}/coordination#/residents`);
      await co.fill('#resident-q', 'autelephone odette');
      await co.click('#resident-search button[type=submit]');
      await co.locator('#resident-results li.card', { hasText: 'Odette Autelephone' }).waitFor();
      expect(await co.locator('#resident-results li.card').count() === 1, 'one Odette, not two');
      await checkPage(co, 'coordination-habitants');
    });
    await step('the coordinator\'s account: the language of their messages and the morning digest, saved', async () => {
      await co.goto(`${base}/coordination#/compte`);
      await co.locator('#coordinator-prefs-form').waitFor();
      await checkPage(co, 'coordination-compte');
      await co.selectOption('#msg-language', 'en');
      await co.uncheck('#msg-digest');
      await co.click('#coordinator-prefs-form button[type=submit]');
      await co.locator('#account-status', { hasText: /enregistr|saved/i }).waitFor();
      const saved = await co.evaluate(async () => (await fetch('/api/v1/me/coordinator-preferences')).json());
      expect(saved.language === 'en' && saved.morning_digest === false, `saved ${JSON.stringify(saved)}`);
      await co.selectOption('#msg-language', 'fr');
      await co.check('#msg-digest');
      await co.click('#coordinator-prefs-form button[type=submit]');
      await co.locator('#account-status', { hasText: /enregistr|saved/i }).waitFor();
    });
    await step('keyboard shortcuts: help on "?", j/k and Enter in the queue, "p" proposes after a confirmation, Esc, "/", n, g v, g b; never while typing', async () => {
      await co.goto(`${base}/coordination#/`);
      await co.locator('#queue').waitFor();
      await co.keyboard.press('?');
      await co.locator('dialog#kb-help[open]').waitFor();
      expect(await co.locator('#kb-help kbd').count() >= 10, 'the help lists too few keys');
      await checkPage(co, 'coordination-raccourcis');
      await co.keyboard.press('Escape');
      await co.locator('dialog#kb-help').waitFor({ state: 'detached' });
      const rows = await co.locator('#queue tbody tr').count();
      let found = false;
      for (let i = 0; i < rows && !found; i += 1) {
        await co.keyboard.press('j');
        found = /Pharmacie du marché/.test(await co.locator('#queue tr.kb-selected').textContent());
      }
      expect(found, 'j never reached the phone request');
      expect(await co.evaluate(() => document.activeElement.matches('#queue tr.kb-selected a:focus-visible')), 'the focus is not on the selected row, or not visible');
      await co.keyboard.press('Enter');
      await co.locator('#candidates').waitFor();
      await co.locator('#page-title').focus();
      await co.keyboard.press('p');
      await co.locator('dialog#kb-confirm[open]').waitFor();
      expect((await co.locator('#kb-confirm').textContent()).includes(VOLUNTEER.first), 'the confirmation does not name the volunteer');
      await co.click('#kb-confirm-yes');
      await proposalMade(co);
      await co.locator('#live-status', { hasText: 'Mission proposée' }).waitFor();
      await co.keyboard.press('Escape');
      await co.locator('#queue').waitFor();
      await co.keyboard.press('/');
      expect(await co.evaluate(() => document.activeElement.id) === 'q-status', '"/" does not focus the queue filter');
      await co.locator('#page-title').focus();
      await co.keyboard.press('n');
      await co.locator('#in-category').waitFor();
      await co.focus('#in-resident-first_name');
      await co.keyboard.type('gvn?');
      expect(await co.inputValue('#in-resident-first_name') === 'gvn?', 'typing was taken over by shortcuts');
      expect(await co.evaluate(() => location.hash) === '#/saisie' && await co.locator('dialog[open]').count() === 0, 'a shortcut fired while typing');
      await co.locator('#page-title').focus();
      await co.keyboard.press('g');
      await co.keyboard.press('v');
      await co.locator('h1', { hasText: 'Bénévoles' }).waitFor();
      await co.keyboard.press('g');
      await co.keyboard.press('b');
      await co.waitForURL('**/coordination/bilan');
    });
    await step('volunteer accepts the keyboard proposal, then drops out with a reason; the request comes back flagged; pause and resume', async () => {
      await co.goto(`${base}/coordination#/`);
      await co.locator('#queue').waitFor();
      await vol.goto(`${base}/benevole#/`);
      const proposal = vol.locator('#proposals li.card', { hasText: 'Pharmacie du marché' });
      await proposal.locator('button.primary').click();
      const card = vol.locator('#upcoming li.card', { hasText: 'Pharmacie du marché' });
      await card.locator('.address', { hasText: 'rue du Combiné' }).waitFor();
      await card.locator('details summary', { hasText: 'désister' }).click();
      await card.locator('select[name="reason"]').selectOption('health');
      await card.locator('button.danger').click();
      await vol.locator('p.success', { hasText: 'Désistement enregistré' }).waitFor();
      expect(await vol.locator('#upcoming li.card', { hasText: 'Pharmacie du marché' }).count() === 0, 'the mission is still listed');
      await co.locator('#queue tr', { hasText: 'Pharmacie du marché' }).locator('.badge.flag').waitFor({ timeout: 15000 });
      await vol.click('a[href="#/compte"]');
      await vol.locator('h1', { hasText: 'Mon compte' }).waitFor();
      await vol.locator('main button', { hasText: 'Mettre en pause' }).click();
      await vol.locator('p.success').waitFor();
      await vol.locator('main button.primary', { hasText: 'Reprendre' }).click();
      await vol.locator('main button', { hasText: 'Mettre en pause' }).waitFor();
    });
    await step('batch plan view and the welfare and idle lists render', async () => {
      await co.goto(`${base}/coordination#/plan`);
      await co.locator('main button.primary').click();
      await co.locator('#plan-form, #plan-result p').first().waitFor();
      await checkPage(co, 'coordination-plan');
      await co.goto(`${base}/coordination#/benevoles/idle`);
      await co.locator('main table, main p:not(:empty)').first().waitFor();
    });

    await step('the volunteer phones: the coordinator records an acceptance, then a dropout with its reason, and a no-show; the history names who recorded it', async () => {
      // Two calls taken for a resident, each proposed to the test volunteer: one next week, one yesterday.
      const ids = await co.evaluate(async ({ email }) => {
        const call = async (method, path, body) => {
          const res = await fetch(path, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json',
            'X-CSRF-Token': localStorage.getItem('relais.csrf') }, body: body ? JSON.stringify(body) : undefined });
          if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
          return res.json();
        };
        const vols = await call('GET', '/api/v1/volunteers?status=active&limit=200');
        const volunteer = vols.items.find((v) => v.email === email);
        const at = (days, hour) => { const d = new Date(); d.setDate(d.getDate() + days); d.setHours(hour, 0, 0, 0); return d.toISOString(); };
        const out = [];
        for (const days of [9, -1]) {
          const req = await call('POST', '/api/v1/requests', { channel: 'phone', category: 'friendly_call', urgency: 'week', consent: true,
            window: { from: at(Math.min(days, 0) - 1, 8), until: at(Math.max(days, 0) + 2, 20) },
            resident: { first_name: 'Lucien', last_name: 'Aufil', phone: '02 99 44 55 66', address: '3 rue du Cadran', neighbourhood: 'centre' } });
          // Set up by the API: yesterday's is recorded as having happened; either may be outside their availability.
          const m = await call('POST', '/api/v1/missions', { request_id: req.id, volunteer_id: volunteer.id, starts_at: at(days, 10), ends_at: at(days, 11),
            already_happened: days < 0, outside_availability_ok: true });
          out.push({ request: req.id, mission: m.id });
        }
        return out;
      }, { email: VOLUNTEER.email });
      // Next week's: they accept on the phone, then call back to drop out (health).
      await co.goto(`${base}/coordination#/demande/${ids[0].request}`);
      // Besides the ranking, any active volunteer can be found by name, with their distance and availability.
      await co.click('#any-volunteer-panel summary');
      await co.fill('#any-volunteer-q', VOLUNTEER.last);
      await co.click('#any-volunteer button[type=submit]');
      const found = co.locator('#any-volunteer-table tbody tr', { hasText: VOLUNTEER.first });
      await found.waitFor();
      expect(await found.locator('button[data-volunteer-id]').count() === 1, 'no way to propose to the volunteer found');
      const row = co.locator(`tr:has(button[data-action="accept"])`);
      await row.locator('button[data-action="accept"]').click();
      await co.locator('ol.history li', { hasText: /enregistré par .* pour le bénévole/ }).first().waitFor();
      await checkPage(co, 'coordination-appel-benevole');
      const dropRow = co.locator('tr:has(button[data-action="drop"])');
      await dropRow.locator('select').first().selectOption('health');
      await dropRow.locator('button[data-action="drop"]').click();
      await co.locator('tr[data-status="dropped"]').waitFor();
      await co.locator('ol.history li', { hasText: /Santé/ }).first().waitFor();
      // Yesterday's: accepted on the phone, but the resident says nobody came: a no-show.
      await co.goto(`${base}/coordination#/demande/${ids[1].request}`);
      await co.locator('button[data-action="accept"]').click();
      await co.locator('button[data-action="missed"]').click();
      await co.locator('tr[data-status="missed"]').waitFor();
    });
    await step('calls to make: a resident no message reaches (no SMS here, no email) is to be phoned that a volunteer comes; marked done', async () => {
      await co.goto(`${base}/coordination#/appels`);
      const card = co.locator('#calls li.card', { hasText: 'Marcel' }).first();
      await card.waitFor();
      expect((await card.locator('a[href^="tel:"]').textContent()).includes('+33698765432'), 'no number to call');
      expect((await card.locator('blockquote').textContent()).includes('Camille'), 'what to say does not name the volunteer');
      for (const said of await co.locator('#calls blockquote').allTextContents()) expect(!said.includes('{'), `a placeholder left in: ${said}`);
      await co.locator('#texts p').first().waitFor();
      await checkPage(co, 'coordination-appels');
      const before = await co.locator('#calls li.card').count();
      await card.locator('button.primary').click();
      await co.waitForFunction((n) => document.querySelectorAll('#calls li.card').length === n - 1, before);
    });

    await step('outreach: the register comes in from a CSV (checked first), a round makes the calls, an outcome is recorded', async () => {
      await co.goto(`${base}/coordination#/aller-vers`);
      await co.locator('#register-form').waitFor();
      const csv = 'prenom;nom;telephone;adresse;quartier;besoins\n'
        + 'Odette;Lemaire;02 99 55 00 01;3 rue du Puits;centre;isole\n'
        + 'Gaston;Riou;02 99 55 00 02;9 place Sainte-Anne;centre;mobilite_reduite\n';
      // A faulty file first: nothing goes in, the line is named.
      await co.setInputFiles('#register-file', { name: 'faux.csv', mimeType: 'text/csv', buffer: Buffer.from('prenom;nom\nA;B\n') });
      await co.click('#register-check');
      await co.locator('#register-fault-list li').first().waitFor();
      await co.setInputFiles('#register-file', { name: 'registre.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await co.click('#register-check');
      await co.locator('#register-status', { hasText: '2' }).waitFor();
      co.once('dialog', (d) => d.accept());
      await co.click('#register-import');
      await co.locator('#register-size', { hasText: '2' }).waitFor();
      await co.fill('#round-name', 'Canicule de juillet');
      co.once('dialog', (d) => d.accept());
      await co.click('#round-launch');
      const round = co.locator('#round-list li.card').first();
      await round.waitFor();
      expect((await round.locator('dd[data-stage="residents"]').textContent()) === '2', 'the round does not call the two residents');
      const row = co.locator('#outreach-call-table form.call-outcome').first();
      await row.waitFor();
      await row.locator('select[name="outcome"]').selectOption('reached_fine');
      await row.locator('button[type="submit"]').click();
      await co.waitForFunction(() => document.querySelector('#round-list dd[data-stage="reached_fine"]')?.textContent === '1');
      await checkPage(co, 'coordination-aller-vers');
    });

    await step('outreach: the volunteer who made a call of the round says from their phone how it went', async () => {
      // The round's other call, given to the test volunteer for an hour ago (a call already made, recorded
      // by the coordination as such), accepted from their phone.
      const missionId = await co.evaluate(async (volunteerId) => {
        const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': localStorage.getItem('relais.csrf') };
        const listed = await fetch('/api/v1/requests?channel=outreach&limit=10', { credentials: 'same-origin' });
        const call = (await listed.json()).items.find((r) => r.status !== 'closed');
        if (!call) throw new Error('no open call left in the round');
        const start = new Date(Date.now() - 3600000);
        const res = await fetch('/api/v1/missions', { method: 'POST', credentials: 'same-origin', headers,
          body: JSON.stringify({ request_id: call.id, volunteer_id: volunteerId, starts_at: start.toISOString(),
            ends_at: new Date(start.getTime() + 1800000).toISOString(), already_happened: true, outside_availability_ok: true }) });
        if (!res.ok) throw new Error(`proposal: HTTP ${res.status} ${await res.text()}`);
        return (await res.json()).id;
      }, volunteerId);
      await vol.goto(`${base}/benevole#/`);
      const proposal = vol.locator(`#proposals li[data-mission-id="${missionId}"]`);
      await proposal.waitFor();
      expect(await proposal.locator('.badge', { hasText: 'Appel de prise de nouvelles' }).count() === 1, 'the call is not shown as an outreach call');
      await proposal.locator('button.primary').click();
      const card = vol.locator(`#upcoming li[data-mission-id="${missionId}"]`);
      await card.waitFor();
      await card.locator('details.complete summary').click();
      const form = card.locator('form.call-outcome');
      // Needs help: the kind of help shows once chosen; from the keyboard.
      await form.locator('input[value="needs_help"]').check();
      await form.locator('select[name="need"]').waitFor({ state: 'visible' });
      await form.locator('select[name="need"]').selectOption('shopping');
      await form.locator('input[name="details"]').fill("De l'eau et des fruits");
      await form.locator('input[name="duration_minutes"]').fill('20');
      await checkPage(vol, 'benevole-appel-aller-vers');
      await form.locator('button[type="submit"]').press('Enter');
      await vol.locator('p.success', { hasText: 'demande d' }).waitFor();
      expect(await vol.locator(`#upcoming li[data-mission-id="${missionId}"]`).count() === 0, 'the reported call is still to do');
      await vol.goto('about:blank');  // the next step opens the app afresh (the same address would not reload it)
      // The round's figures moved, and the follow-up request is in the queue under the outreach channel. (The
      // console is on this page already: read it afresh.)
      await co.goto(`${base}/coordination#/aller-vers`);
      await co.reload();
      await co.waitForFunction(() => document.querySelector('#round-list dd[data-stage="needs_help"]')?.textContent === '1');
      const followUps = await co.evaluate(async () => {
        const res = await fetch('/api/v1/requests?channel=outreach&category=shopping&limit=10', { credentials: 'same-origin' });
        return (await res.json()).items.length;
      });
      expect(followUps >= 1, 'no follow-up request for the resident who needs help');
    });

    await step('the volunteer prints a certificate of engagement; the bilan shows the hours given and the answers per kind of help', async () => {
      const cert = await phone.newPage();
      watch(cert, 'attestation');
      await cert.goto(`${base}/attestation`);
      await cert.locator('#certificate').waitFor();
      expect(Number(await cert.locator('#cert-missions').textContent()) >= 1, 'the certificate counts no mission');
      await checkPage(cert, 'attestation');
      await cert.close();
      await co.goto(`${base}/coordination/bilan`);
      await co.locator('#engagement-figures').waitFor();
      expect(await co.locator('#h-engagement').count() === 1, 'no engagement section in the bilan');
      await checkPage(co, 'bilan-engagement');
      await co.goto(`${base}/coordination#/`);
    });

    await step('a batch plan committed in one console appears within 2 s in another open console, without polling', async () => {
      // A phone request the plan can give to the volunteer (shopping, centre, from tomorrow for three days).
      const from = new Date(Date.now() + 86400000);
      const requestId = await co.evaluate(async (window) => {
        const res = await fetch('/api/v1/requests', { method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': localStorage.getItem('relais.csrf') },
          body: JSON.stringify({ channel: 'phone', category: 'shopping', urgency: 'week', details: 'Courses du plan groupé',
            window, consent: true,
            resident: { first_name: 'Gaston', last_name: 'Planifié', phone: '02 99 55 66 77', address: '4 rue du Plan',
              neighbourhood: 'centre' } }) });
        if (!res.ok) throw new Error(`request: HTTP ${res.status} ${await res.text()}`);
        return (await res.json()).id;
      }, { from: from.toISOString(), until: new Date(from.getTime() + 3 * 86400000).toISOString() });
      // Another coordinator's console (its own session, the poll off in its URL too) shows that request.
      const other = await coordCtx.browser().newContext({ ...common, viewport: { width: 1366, height: 900 } });
      other.setDefaultTimeout(TIMEOUT);
      const co2 = await other.newPage();
      watch(co2, 'coordination-2');
      try {
        await co2.goto(`${base}/coordination?poll=off#/demande/${requestId}`);
        await co2.fill('#login-email', COORD.email);
        await co2.fill('#login-password', COORD.password);
        await co2.click('main button[type="submit"]');
        await co2.locator('#request-live').waitFor();
        await co2.locator('#live[data-state="live"]').waitFor();
        expect(await co2.locator('table.missions tr[data-status="proposed"]').count() === 0, 'a mission is already proposed');
        // The first console computes a plan and commits only that request's assignment.
        await co.goto(`${base}/coordination#/plan`);
        await co.locator('main button.primary').click();
        await co.locator('#plan-form').waitFor();
        const rows = co.locator('#plan-form tbody tr');
        let kept = 0;
        for (let i = 0; i < await rows.count(); i += 1) {
          const row = rows.nth(i);
          const mine = await row.locator(`a[href="#/demande/${requestId}"]`).count() > 0;
          if (mine) kept += 1; else await row.locator('input[name="keep"]').uncheck();
        }
        expect(kept === 1, `the plan holds the new request ${kept} times`);
        await co.locator('#plan-form button[type="submit"]').click();
        await co.locator('#plan-result p.success').waitFor();
        await co2.locator('table.missions tr[data-status="proposed"]').waitFor({ timeout: 2000 });
        await checkPage(co2, 'coordination-plan-live');
      } finally {
        await other.close();
      }
    });

    await step('partner area: sign in, refer a resident (tracking code to hand over), offer a group activity; the coordinator sees the referral', async () => {
      // The coordinator registers the association; an administrator gives it an account (relais user add).
      const partner = await co.evaluate(async () => {
        const res = await fetch('/api/v1/partners', { method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': localStorage.getItem('relais.csrf') },
          body: JSON.stringify({ name: 'Épicerie solidaire du test', kind: 'association' }) });
        if (!res.ok) throw new Error(`partner: HTTP ${res.status} ${await res.text()}`);
        return res.json();
      });
      const add = spawnSync(binary, ['user', 'add', '--db', join(dir, 'relais.db'), '--role', 'partner', '--email', PARTNER.email,
        '--partner-id', partner.id], { input: `${PARTNER.password}\n`, encoding: 'utf8' });
      expect(add.status === 0, `relais user add (partner) failed: ${add.stderr}`);
      const pa = await coordCtx.browser().newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
      pa.setDefaultTimeout(TIMEOUT);
      const pp = await pa.newPage();
      watch(pp, 'partenaire');
      await pp.goto(`${base}/partenaire`);
      await pp.locator('#login-email').waitFor();
      await checkPage(pp, 'partenaire-connexion');
      await pp.fill('#login-email', PARTNER.email);
      await pp.fill('#login-password', PARTNER.password);
      await pp.click('#login-form button[type="submit"]');
      await pp.locator('#refer-form').waitFor();
      await pp.click('#refer-form button[type="submit"]');
      await pp.locator('.error-summary').waitFor();
      expect(await pp.getAttribute('#pa-resident-phone', 'aria-invalid') === 'true', 'missing phone not shown next to its field');
      await checkPage(pp, 'partenaire-orienter');
      await pp.selectOption('#pa-category', 'shopping');
      await pp.fill('#pa-details', 'Orientée par l\'épicerie solidaire (test partenaire)');
      await pp.fill('#pa-resident-first_name', 'Yvette');
      await pp.fill('#pa-resident-last_name', 'Orientee');
      await pp.fill('#pa-resident-phone', '02 99 12 12 12');
      await pp.fill('#pa-resident-address', '3 rue du Partenaire');
      await pp.selectOption('#pa-resident-neighbourhood', 'centre');
      await pp.check('#pa-consent');
      await pp.click('#refer-form button[type="submit"]');
      const code = (await pp.locator('#refer-code').textContent()).trim();
      expect(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/.test(code), `tracking code ${code}`);
      await checkPage(pp, 'partenaire-orientee');
      await pp.click('a[href="#/actions"]');
      await pp.locator('#collective-form').waitFor();
      await pp.fill('#col-title', 'Atelier cuisine du test');
      await pp.fill('#col-place', 'Maison de quartier');
      await pp.click('#collective-form button[type="submit"]');
      await pp.locator('p.success', { hasText: 'Atelier cuisine du test' }).waitFor();
      await pp.locator('#collectives tr', { hasText: 'Atelier cuisine du test' }).waitFor();
      await checkPage(pp, 'partenaire-actions');
      // The volunteer sees the activity in the app and signs up; the partner sees the sign-up.
      await vol.goto(`${base}/benevole#/`);
      const activity = vol.locator('#collectives li.card', { hasText: 'Atelier cuisine du test' });
      // The volunteer lets the organiser see their phone number (unchecked unless they choose).
      expect(!(await activity.locator('input[name="share_phone"]').isChecked()), 'phone shared by default');
      await activity.locator('input[name="share_phone"]').check();
      await activity.locator('button.primary', { hasText: 'inscris' }).click();
      await vol.locator('p.success', { hasText: 'inscrit·e à « Atelier cuisine du test »' }).waitFor();
      await vol.locator('#collectives li.card', { hasText: 'Atelier cuisine du test' }).locator('button', { hasText: 'désinscrire' }).waitFor();
      await checkPage(vol, 'benevole-actions-collectives');
      await pp.reload();
      await pp.locator('#collectives tr', { hasText: 'Atelier cuisine du test' }).locator('td', { hasText: '1 sur 4' }).waitFor();
      // The partner sees who signed up: the first name and, as agreed, the phone number.
      await pp.locator('#collectives tr', { hasText: 'Atelier cuisine du test' }).locator('button[data-action="signups"]').click();
      await pp.locator('#signups tbody tr').first().waitFor();
      expect(await pp.locator('#signups tbody tr').count() === 1, 'one sign-up listed');
      expect(await pp.locator('#signups tbody tr a[href^="tel:"]').count() === 1, 'the shared phone is not shown');
      expect(await pp.locator('#signups-panel', { hasText: 'commencée' }).count() === 1, 'attendance offered before the start');
      await checkPage(pp, 'partenaire-inscrits');
      // The coordination runs an activity of its own, begun half an hour ago; the volunteer holds a place; the
      // coordinator records who came from the console.
      const cityTitle = await co.evaluate(async () => {
        const call = async (method, path, body) => {
          const res = await fetch(path, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json',
            'X-CSRF-Token': localStorage.getItem('relais.csrf') }, body: body ? JSON.stringify(body) : undefined });
          if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
          return res.json();
        };
        const now = Date.now();
        const c = await call('POST', '/api/v1/collective-missions', { title: 'Goûter municipal (test)', capacity: 5,
          starts_at: new Date(now - 30 * 60000).toISOString(), ends_at: new Date(now + 90 * 60000).toISOString() });
        if (c.organiser !== 'city') throw new Error('not run by the city');
        return c.title;
      });
      await vol.reload();
      await vol.locator('#collectives li.card', { hasText: cityTitle }).locator('button.primary').click();
      await vol.locator('p.success', { hasText: cityTitle }).waitFor();
      await co.goto(`${base}/coordination#/actions`);
      await co.locator('#collective-form #col-organiser').waitFor();
      const cityRow = co.locator('#collectives tr', { hasText: cityTitle });
      await cityRow.locator('td', { hasText: 'La ville' }).waitFor();
      await cityRow.locator('button[data-action="signups"]').click();
      await co.locator('#attendance-form input[name="came"]').first().check();
      await co.click('#attendance-form button[type="submit"]');
      await co.locator('#attendance-status', { hasText: '1 venu(s) sur 1' }).waitFor();
      await checkPage(co, 'coordination-actions-collectives');
      // A weekly support in place (set up through the API), then handed over to the association from the
      // console's supports page, with the resident's agreement.
      await co.evaluate(async ({ email }) => {
        const call = async (method, path, body) => {
          const res = await fetch(path, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json',
            'X-CSRF-Token': localStorage.getItem('relais.csrf') }, body: body ? JSON.stringify(body) : undefined });
          if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
          return res.json();
        };
        const vols = await call('GET', '/api/v1/volunteers?status=active&limit=200');
        const volunteer = vols.items.find((v) => v.email === email);
        const at = (days, hour) => { const d = new Date(); d.setDate(d.getDate() + days); d.setHours(hour, 0, 0, 0); return d.toISOString(); };
        const req = await call('POST', '/api/v1/requests', { channel: 'phone', category: 'friendly_call', urgency: 'week', consent: true, recurrence: 'weekly',
          window: { from: at(1, 8), until: at(40, 20) },
          resident: { first_name: 'Armelle', last_name: 'Confiee', phone: '02 99 77 88 99', address: '8 rue du Relais', neighbourhood: 'centre' } });
        const m = await call('POST', '/api/v1/missions', { request_id: req.id, volunteer_id: volunteer.id, starts_at: at(12, 15), ends_at: at(12, 16),
          outside_availability_ok: true });
        await call('POST', `/api/v1/missions/${m.id}/accept`, {});
      }, { email: VOLUNTEER.email });
      await co.goto(`${base}/coordination#/accompagnements`);
      const supportRow = co.locator('#supports tbody tr', { hasText: 'Armelle Confiee' });
      await supportRow.waitFor();
      await checkPage(co, 'coordination-accompagnements');
      await supportRow.locator('button[data-action="handover"]').click();
      await co.selectOption('#sup-ho-partner', { label: 'Épicerie solidaire du test' });
      await co.click('#sup-ho-yes');  // without the resident's agreement: refused
      await co.locator('#sup-handover p.form-status', { hasText: /accord/ }).waitFor();
      await co.check('#sup-ho-consent');
      await co.click('#sup-ho-yes');
      await co.locator('#supports-status', { hasText: /confié/ }).waitFor();
      // No longer among the running supports (the list is redrawn before the message).
      await co.locator('#supports tbody tr', { hasText: 'Armelle Confiee' }).waitFor({ state: 'detached' });
      await pp.click('a[href="#/suivis"]');
      await pp.locator('h1', { hasText: 'Suivis confiés' }).waitFor();
      await pp.locator('#supports tbody tr button', { hasText: 'Voir le contact' }).first().click();
      await pp.locator('#supports .support-contact', { hasText: 'Confiee' }).waitFor();
      await checkPage(pp, 'partenaire-suivis');
      await co.goto(`${base}/coordination#/`);
      await co.locator('#queue tr', { hasText: 'test partenaire' }).locator('.badge', { hasText: 'Partenaire' }).waitFor();
      await pa.close();
      // The resident cancels with the code the partner gave (after confirming); the queue drops it live.
      await rs.goto(`${base}/suivi`);
      await rs.fill('#f-code', code);
      await Promise.all([rs.waitForNavigation(), rs.click('button[type="submit"]')]);
      await Promise.all([rs.waitForNavigation(), rs.click('form[action="/suivi/annuler"] button')]);
      await Promise.all([rs.waitForNavigation(), rs.click('form[action="/suivi/annuler"] button.danger')]);
      await rs.locator('p.notice', { hasText: 'Votre demande est annulée' }).waitFor();
      expect(/annulée/i.test(await rs.locator('#track-status').textContent()), 'the status does not say cancelled');
      await checkPage(rs, 'suivi-annulee');
      await co.locator('#queue tr', { hasText: 'test partenaire' }).waitFor({ state: 'detached', timeout: 15000 });
    });
    await step('no-JS refusal: a rate-limited resident gets a plain page (phone, way back, code kept), not JSON', async () => {
      // Use up this address's budget of the cancel route (the limiter counts before anything else), just
      // before each page's cancel: it refills one call every 20 s.
      const useUpCancelBudget = async () => {
        for (let i = 0; i < 30; i += 1) {
          await fetch(`${base}/suivi/annuler`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
            body: 'lang=fr&code=AAAA' });
        }
      };
      for (const [page, name] of [[plain, 'suivi-nojs-refus'], [rs, 'suivi-refus']]) {
        await page.goto(`${base}/suivi`);
        await page.fill('#f-code', codeA);
        await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
        await useUpCancelBudget();
        const [nav] = await Promise.all([page.waitForNavigation(), page.click('form[action="/suivi/annuler"] button')]);
        expect(nav.status() === 429, `expected 429, got ${nav.status()}`);
        expect((nav.headers()['content-type'] || '').startsWith('text/html'), `content type ${nav.headers()['content-type']}`);
        expect(/n'a pas pu être envoyée/.test(await page.locator('#refusal h1').textContent()), 'no plain-language title');
        expect(/Réessayez dans \d+ minutes/.test(await page.locator('#refusal-wait').textContent()), 'no wait time');
        expect(await page.locator('#refusal a.phone[href^="tel:"]').count() === 1, 'no coordination phone');
        expect(await page.getAttribute('#refusal-back', 'href') === '/suivi?lang=fr', 'no way back');
        expect(await page.inputValue('#f-code') === codeA, 'the code typed is lost');
        if (page === plain) await screenshot(page, name); else await checkPage(page, name);
      }
      // The request form too: without JavaScript a page keeping the answers, with it a message in the form.
      // The budget refills (30 per 10 minutes: one every 20 s), so it is used up again just before each
      // submit: filling a page in a loaded browser can take longer than a refill.
      const useUpFormBudget = async () => {
        for (const [route, type, body] of [['/demande', 'application/x-www-form-urlencoded', 'lang=fr'], ['/api/v1/requests', 'application/json', '{}']]) {
          for (let i = 0; i < 30; i += 1) {
            await fetch(`${base}${route}`, { method: 'POST', headers: { 'Content-Type': type, Origin: base }, body });
          }
        }
      };
      for (const page of [plain, rs]) {
        await page.goto(`${base}/demande`);
        await page.check('#f-category-shopping');
        await page.fill('#f-resident\\.first_name', 'Limitée');
        await page.fill('#f-resident\\.last_name', 'Parledébit');
        await page.check('#f-urgency-week');
        await page.fill('#f-resident\\.phone', '02 99 44 44 44');
        await page.fill('#f-resident\\.address', '1 place du Débit');
        await page.selectOption('#f-resident\\.neighbourhood', 'centre');
        await page.check('#f-consent');
        await useUpFormBudget();
        if (page === plain) {
          const [nav] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
          expect(nav.status() === 429, `no-JS form: expected 429, got ${nav.status()}`);
          await page.locator('#refusal a.phone').waitFor();
          expect(await page.inputValue('#f-resident\\.first_name') === 'Limitée', 'no-JS form: the answers are lost');
          await screenshot(page, 'demande-nojs-refus');
        } else {
          await page.click('button[type="submit"]');
          await page.locator('#form-status', { hasText: "n'a pas pu être envoyée" }).waitFor();
          expect(/Réessayez dans \d+ minutes/.test(await page.locator('#form-status').textContent()), 'JS form: no wait time');
          expect(await page.locator('#form-status a.phone[href^="tel:"]').count() === 1, 'JS form: no coordination phone');
          expect(await page.inputValue('#f-resident\\.first_name') === 'Limitée', 'JS form: the answers are lost');
          await checkPage(page, 'demande-refus');
        }
      }
    });

    // 8b. Signing in without a password: a code by email, then the link of another code's message.
    await step('a volunteer signs in on a new phone with a code received by email, then with the link of a second message', async () => {
      const ctx = await browser.newContext({ ...common, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      ctx.setDefaultTimeout(TIMEOUT);
      const page = await ctx.newPage();
      watch(page, 'benevole-code');
      const codeMails = () => mailTexts(server.mail).filter((t) => t.includes('/benevole#connexion='));
      const before = codeMails().length;
      await page.goto(`${base}/benevole`);
      await page.locator('#code-ask-form').waitFor();
      await page.fill('#code-to', VOLUNTEER.email);
      await page.click('#code-ask-form button[type="submit"]');
      await page.locator('#code-check-form:not([hidden])').waitFor();
      await checkPage(page, 'benevole-code');
      let text = null;
      for (let i = 0; i < 100 && !text; i += 1) {
        const mails = codeMails();
        if (mails.length > before) text = mails[mails.length - 1];
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(text, 'no sign-in code arrived by email');
      const code = text.match(/(^|[^0-9a-f])([0-9]{6})([^0-9a-f]|$)/)[2];
      await page.fill('#code-value', code);
      await page.click('#code-check-form button[type="submit"]');
      await page.locator('#nav a[href="#/compte"]').waitFor();
      // The account page offers a password form (an account may have none yet).
      await page.click('#nav a[href="#/compte"]');
      await page.locator('#password-form').waitFor();
      await ctx.close();

      // A second code; its message's link signs in on another device, once.
      const other = await browser.newContext({ ...common, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      other.setDefaultTimeout(TIMEOUT);
      const p2 = await other.newPage();
      watch(p2, 'benevole-lien');
      const res = await p2.request.post(`${base}/api/v1/auth/code`, { data: { email: VOLUNTEER.email }, headers: { Origin: base } });
      expect(res.status() === 202, `code request: HTTP ${res.status()}`);
      let link = null;
      for (let i = 0; i < 100 && !link; i += 1) {
        const mails = codeMails();
        if (mails.length > before + 1) link = mails[mails.length - 1].match(/http:\/\/127\.0\.0\.1:\d+\/benevole#connexion=[0-9a-f]{64}/)[0];
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(link, 'no second code message with a link');
      await p2.goto(link);
      await p2.locator('#nav a[href="#/compte"]').waitFor();
      expect(!(await p2.evaluate(() => location.hash)).includes('connexion'), 'the link secret stays in the address bar');
      await other.close();
      const again = await browser.newContext({ ...common });
      const p3 = await again.newPage();
      watch(p3, 'benevole-lien-deja');
      await p3.goto(link);
      await p3.locator('#link-refused').waitFor();
      await again.close();
    });

    // 9. English, and no script or style refused by the CSP anywhere.
    await step('an admin sets the programme, then after a phone call finds a resident, exports her data and erases it', async () => {
      const ctx = await coordCtx.browser().newContext({ ...common, viewport: { width: 1280, height: 900 } });
      ctx.setDefaultTimeout(TIMEOUT);
      try {
        const ad = await ctx.newPage();
        watch(ad, 'administration');
        await ad.goto(`${base}/administration`);
        await ad.locator('#login-email').waitFor();
        await checkPage(ad, 'administration-connexion');
        await ad.fill('#login-email', ADMIN.email);
        await ad.fill('#login-password', ADMIN.password);
        await ad.click('#login-form button[type="submit"]');
        await ad.locator('#programme-form').waitFor();
        await checkPage(ad, 'administration-programme');
        await ad.fill('#pg-coordination_phone', '02 23 62 10 10');
        await ad.fill('#pg-proposal_ttl_minutes', '720');
        await ad.fill('#pg-w-continuity', '0.4');
        await ad.click('#programme-form button[type=submit]');
        await ad.locator('#programme-status', { hasText: /enregistr/ }).waitFor();
        const programme = await ad.evaluate(async () => (await fetch('/api/v1/programme')).json());
        expect(programme.coordination_phone.replace(/\D/g, '').endsWith('223621010') && programme.proposal_ttl_minutes === 720
          && (await ad.evaluate(async () => (await fetch('/api/v1/programme', { headers: { 'X-CSRF-Token': localStorage.getItem('relais.csrf') } })).json())).weights.continuity === 0.4,
          `the programme was not saved: ${JSON.stringify(programme)}`);
        // The call for volunteers scheduled to open later: the volunteers' form says when, then the date is
        // cleared and the call is open again.
        await ad.fill('#pg-registration_opens_at', '2030-01-07T09:00');
        await ad.click('#programme-form button[type=submit]');
        await ad.locator('#pg-call-state', { hasText: 'ouvrira le' }).waitFor();
        await checkPage(ad, 'administration-programme-appel');
        const callCtx = await coordCtx.browser().newContext({ ...common, viewport: { width: 390, height: 844 } });
        const callPage = await callCtx.newPage();
        watch(callPage, 'benevole-appel-ferme');
        await callPage.goto(`${base}/benevole#/inscription`);
        await callPage.locator('#call-closed', { hasText: 'ouvrira le' }).waitFor();
        expect(await callPage.locator('#register-form').count() === 0, 'the registration form is offered while the call is closed');
        await checkPage(callPage, 'benevole-appel-ferme');
        await callCtx.close();
        await ad.fill('#pg-registration_opens_at', '');
        await ad.click('#programme-form button[type=submit]');
        await ad.locator('#pg-call-state', { hasText: 'est ouvert' }).waitFor();
        // Odette phones: she wants her data, then to be forgotten.
        await ad.goto(`${base}/administration#/donnees`);
        await ad.fill('#data-q', '02 99 33 44 55');
        await ad.click('#data-search button[type=submit]');
        const card = ad.locator('#data-results li.card', { hasText: 'Odette Autelephone' });
        await card.waitFor();
        await card.locator('button.export').click();
        await ad.locator('#export-page').waitFor();
        expect(await ad.locator('#export-page').textContent().then((x) => x.includes('Autelephone')), 'her export does not show her name');
        // In words, not codes: her request for medicines, in the centre.
        const exported = await ad.locator('#export-page').textContent();
        expect(!/\bmedicines\b|\bcentre\b/.test(exported) && exported.includes('Centre'), `codes in her export: ${exported.slice(0, 400)}`);
        expect(await ad.locator('#export-download').count() === 1, 'no download link for her export');
        await checkPage(ad, 'administration-donnees');
        await card.locator('button.erase').click();
        await ad.locator('#erase-dialog').waitFor();
        await checkPage(ad, 'administration-effacement');
        await ad.click('#erase-go');  // not confirmed yet: refused
        expect(await ad.locator('#erase-dialog').isVisible(), 'erased without the confirmation');
        await ad.check('#erase-confirm');
        await ad.click('#erase-go');
        await ad.locator('#erase-done').waitFor();
        await ad.click('#data-search button[type=submit]');
        await ad.locator('#data-results', { hasText: /Personne ne correspond/ }).waitFor();
        // The access log shows the export and the erasure.
        await ad.goto(`${base}/administration#/journal`);
        await ad.selectOption('#audit-action', 'erase');
        await ad.click('#audit-filters button[type=submit]');
        await ad.locator('#audit-table tbody tr', { hasText: 'erase' }).first().waitFor();
        await checkPage(ad, 'administration-journal');
        await ad.goto(`${base}/administration#/comptes`);
        await ad.locator('#accounts-list tbody tr', { hasText: COORD.email }).waitFor();
        // A new coordinator without a password: the admin gets a one-time link to hand over; its holder
        // chooses a password on /mot-de-passe and lands signed in on the console.
        await ad.fill('#acc-email', 'nouvelle.coordinatrice@relais.test');
        await ad.selectOption('#acc-role', 'coordinator');
        await ad.click('#account-form button[type=submit]');
        await ad.locator('#password-link').waitFor();
        const linkUrl = await ad.inputValue('#password-link-url');
        expect(/\/mot-de-passe#lien=[0-9a-f]{64}$/.test(linkUrl), `not a password link: ${linkUrl}`);
        await checkPage(ad, 'administration-comptes');
        const pwCtx = await coordCtx.browser().newContext({ ...common, viewport: { width: 390, height: 844 } });
        const pw = await pwCtx.newPage();
        watch(pw, 'mot-de-passe');
        await pw.goto(linkUrl);
        await pw.locator('#pl-form').waitFor();
        expect(!(await pw.evaluate(() => location.href)).includes('lien='), 'the token stays in the address bar');
        await checkPage(pw, 'mot-de-passe');
        await pw.fill('#pl-password', 'mon mot de passe de coordinatrice');
        await pw.fill('#pl-confirm', 'mon mot de passe de coordinatrice');
        await pw.click('#pl-form button[type=submit]');
        await pw.locator('#go-area').click();
        await pw.locator('#queue-table, #queue, .queue').first().waitFor();
        expect(await pw.locator('#login-form').count() === 0, 'signed out after choosing the password');
        // The link is spent: a second use says so.
        await pw.goto(linkUrl);
        await pw.fill('#pl-password', 'un autre mot de passe assez long');
        await pw.fill('#pl-confirm', 'un autre mot de passe assez long');
        await pw.click('#pl-form button[type=submit]');
        await pw.locator('h1', { hasText: 'Lien expiré' }).waitFor();
        await pwCtx.close();
        // Her role changes: she becomes an admin (a confirmation first; her sessions end).
        await ad.reload();
        const roleSelect = ad.locator('#accounts-list tbody tr', { hasText: 'nouvelle.coordinatrice@relais.test' }).locator('select');
        ad.once('dialog', (d) => d.accept());
        await roleSelect.selectOption('admin');
        await ad.locator('#accounts-status', { hasText: 'est désormais administrateur' }).waitFor();
        // Kinds of help: the volunteers' own sentence for shopping, then a new kind; the registration form
        // of the volunteer app shows the volunteers' sentence, not the residents'.
        await ad.goto(`${base}/administration#/categories`);
        const shopping = ad.locator('details.category[data-code="shopping"]');
        await shopping.locator('summary').click();
        await shopping.locator('textarea[name="volunteer_description_fr"]').fill('Faire les courses d’une personne âgée du quartier.');
        await shopping.locator('button[type=submit]').click();
        await ad.locator('#categories-status', { hasText: /enregistré/ }).waitFor();
        await ad.fill('#cat-new-code', 'gardening');
        await ad.fill('#cat-new-label_fr', 'Jardinage');
        await ad.fill('#cat-new-label_en', 'Gardening');
        await ad.fill('#cat-new-description_fr', 'Quelqu’un vous aide au jardin.');
        await ad.fill('#cat-new-volunteer_description_fr', 'Aider un habitant à entretenir son jardin.');
        await ad.click('#category-new button[type=submit]');
        await ad.locator('details.category[data-code="gardening"]').waitFor();
        await checkPage(ad, 'administration-categories');
        const regCtx = await coordCtx.browser().newContext({ ...common, viewport: { width: 390, height: 844 } });
        const reg = await regCtx.newPage();
        watch(reg, 'benevole-inscription-categories');
        await reg.goto(`${base}/benevole#/inscription`);
        await reg.locator('text=Faire les courses d’une personne âgée du quartier.').waitFor();
        expect(await reg.locator('text=Aider un habitant à entretenir son jardin.').count() === 1, 'the new kind of help is not offered to volunteers');
        await regCtx.close();
        // A partner association and an account for its staff.
        await ad.goto(`${base}/administration#/partenaires`);
        await ad.fill('#pa-new-name', 'Les Amis du Quartier');
        await ad.selectOption('#pa-new-kind', 'association');
        await ad.click('#partner-new button[type=submit]');
        const partnerCard = ad.locator('#partners-list li.card', { hasText: 'Les Amis du Quartier' });
        await partnerCard.waitFor();
        expect((await partnerCard.locator('.partner-language').textContent()).includes('Français'), 'a new partner is told things in French by default');
        // Its details changed: a contact address, and its messages in English (what it is told of the residents it refers).
        await partnerCard.locator('.partner-details summary').click();
        await partnerCard.locator('.partner-edit select[name="message_language"]').selectOption('en');
        await partnerCard.locator('.partner-edit input[name="contact_email"]').fill('contact@amis-web-test.example');
        await partnerCard.locator('.partner-edit button[type=submit]').click();
        await ad.locator('#partners-status', { hasText: 'Les Amis du Quartier enregistré' }).waitFor();
        const changedCard = ad.locator('#partners-list li.card', { hasText: 'contact@amis-web-test.example' });
        await changedCard.locator('.partner-language', { hasText: 'Anglais' }).waitFor();
        const saved = await ad.evaluate(async () => {
          const res = await fetch('/api/v1/partners?limit=200', { credentials: 'same-origin' });
          return (await res.json()).items.find((p) => p.name === 'Les Amis du Quartier');
        });
        expect(saved && saved.message_language === 'en' && saved.contact_email === 'contact@amis-web-test.example',
          `the partner's changes were not saved: ${JSON.stringify(saved)}`);
        await changedCard.locator('form.partner-account input[name="email"]').fill('amis@web-test.example');
        await changedCard.locator('form.partner-account input[name="password"]').fill('amis du quartier 2026');
        await changedCard.locator('form.partner-account button[type=submit]').click();
        await ad.locator('#partners-list li.card', { hasText: 'amis@web-test.example' }).waitFor();
        await checkPage(ad, 'administration-partenaires');
      } finally {
        await ctx.close();
      }
    });
    // 9b. The volunteers' charter and the trainings some kinds of help require (issue: charter and trainings).
    // The admin publishes a charter and requires a training for gardening (a kind of help no other step uses; the
    // requirement is lifted again at the end); a new volunteer accepts the charter when registering (a version
    // published while she reads is shown with its error), Camille (registered before) accepts it from her app, and
    // a coordinator records and removes the new volunteer's training, who is a candidate for a gardening request
    // only while it is recorded.
    const CHARTER_VOLUNTEER = { first: 'Bérénice', last: 'Charte', email: 'berenice.charte@web-test.example', phone: '06 22 33 44 55',
      password: 'benevole-charte-2026' };
    const CHARTER_1 = 'Je garde pour moi ce que je vois et entends chez les personnes aidées.\nJe ne manipule pas d’argent sans reçu.\nJe préviens la coordination de toute inquiétude.';
    const CHARTER_2 = `${CHARTER_1}\nJe préviens au plus tôt si je ne peux pas venir.`;
    let charterAdCtx = null;
    let charterAd = null;  // the administration, open from the first of these steps to the last
    let charterPhone = null;  // the new volunteer's phone
    let charterVol = null;
    let charterVolunteerId = '';
    let gardeningRequest = '';
    /** A call to the API from a page's session (cookie + CSRF token). */
    const pageApi = (page, method, path, body) => page.evaluate(async ({ method, path, body }) => {
      const res = await fetch(path, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json',
        'X-CSRF-Token': localStorage.getItem('relais.csrf') || '' }, body: body ? JSON.stringify(body) : undefined });
      if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    }, { method, path, body });
    await step('charter: the admin publishes the volunteers\' charter on the programmes page and requires a training for gardening', async () => {
      charterAdCtx = await browser.newContext({ ...common, viewport: { width: 1280, height: 900 } });
      charterAdCtx.setDefaultTimeout(TIMEOUT);
      charterAd = await charterAdCtx.newPage();
      watch(charterAd, 'administration-charte');
      await charterAd.goto(`${base}/administration#/programmes`);
      await charterAd.fill('#login-email', ADMIN.email);
      await charterAd.fill('#login-password', ADMIN.password);
      await charterAd.click('#login-form button[type="submit"]');
      await charterAd.locator('#charter-form').waitFor();
      await charterAd.locator('#charter-current', { hasText: 'Aucune charte' }).waitFor();
      // Too short a text is refused beside its field, before any call.
      await charterAd.fill('#charter-version', '2026-1');
      await charterAd.fill('#charter-text_fr', 'Trop court.');
      await charterAd.click('#charter-form button[type="submit"]');
      await charterAd.locator('.error-summary').waitFor();
      expect((await charterAd.getAttribute('#charter-text_fr', 'aria-describedby') || '').includes('err-text_fr'), 'the text\'s error is not linked to it');
      await charterAd.fill('#charter-text_fr', CHARTER_1);
      await charterAd.fill('#charter-text_en', 'I keep to myself what I see and hear at the homes of the people I help.\nI handle no money without a receipt.');
      await charterAd.click('#charter-form button[type="submit"]');
      await charterAd.locator('#charter-current[data-version="2026-1"]').waitFor();
      await charterAd.locator('#charter-published', { hasText: 'en vigueur' }).waitFor();
      expect(await charterAd.evaluate(() => document.activeElement.id) === 'charter-current-title', 'the focus did not move to the charter in force');
      // Plain text, its line breaks kept.
      const shown = await charterAd.locator('#charter-current-text').innerText();
      expect(shown.split('\n').filter(Boolean).length === 3, `the charter's lines are not kept: ${JSON.stringify(shown)}`);
      const programme = await charterAd.evaluate(async () => (await fetch('/api/v1/programme')).json());
      expect(programme.charter && programme.charter.version === '2026-1' && programme.charter.text_fr === CHARTER_1,
        `the programme's charter: ${JSON.stringify(programme.charter)}`);
      await checkPage(charterAd, 'administration-charte');
      // Gardening (made by the admin above) now requires a training; the list says so.
      await charterAd.goto(`${base}/administration#/categories`);
      const gardening = charterAd.locator('details.category[data-code="gardening"]');
      await gardening.locator('summary').click();
      await gardening.locator('input[name="training"]').fill('Formation jardinage');
      await gardening.locator('button[type=submit]').click();
      await charterAd.locator('#categories-status', { hasText: /enregistré/ }).waitFor();
      await charterAd.locator('details.category[data-code="gardening"] summary .badge', { hasText: 'Formation requise : Formation jardinage' }).waitFor();
      const cats = await charterAd.evaluate(async () => (await fetch('/api/v1/categories')).json());
      const cat = cats.items.find((c) => c.code === 'gardening');
      expect(cat && cat.training === 'Formation jardinage', `gardening's training: ${JSON.stringify(cat)}`);
      expect(cats.items.filter((c) => c.training).length === 1, 'another kind of help requires a training');
      await checkPage(charterAd, 'administration-categories-formation');
    });
    await step('charter: a new volunteer reads and accepts it when registering (a version published meanwhile is shown with its error); the API shows the acceptance', async () => {
      charterPhone = await browser.newContext({ ...common, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      charterPhone.setDefaultTimeout(TIMEOUT);
      charterVol = await charterPhone.newPage();
      watch(charterVol, 'benevole-charte');
      await charterVol.goto(`${base}/benevole#/inscription`);
      await charterVol.locator('#register-form').waitFor();
      await charterVol.locator('#reg-charter h2', { hasText: 'Charte des bénévoles' }).waitFor();
      await charterVol.locator('#reg-charter .charter-meta', { hasText: 'Version 2026-1' }).waitFor();
      expect((await charterVol.locator('#reg-charter-text').innerText()).includes('sans reçu'), 'the charter\'s text is not shown');
      const described = (await charterVol.getAttribute('#reg-charter-accept', 'aria-describedby')) || '';
      expect(described.split(' ').every((id) => id) && described.includes('reg-charter-version'), `the box is not described by the charter: ${described}`);
      expect(/J'ai lu la charte et je m'engage à la respecter/.test(await charterVol.locator('label[for="reg-charter-accept"]').textContent()), 'the box\'s label');
      await fillRegistration(charterVol, CHARTER_VOLUNTEER, 'centre', ['gardening']);
      await charterVol.check('#reg-consent');
      // Without the charter's box: refused, the message beside the box.
      await charterVol.click('#register-form button[type="submit"]');
      await charterVol.locator('.error-summary').waitFor();
      expect(await charterVol.getAttribute('#reg-charter-accept', 'aria-invalid') === 'true', 'the charter\'s box is not marked invalid');
      await checkPage(charterVol, 'benevole-inscription-charte');
      // While she reads, the admin publishes version 2026-2.
      await charterAd.goto(`${base}/administration#/programmes`);
      await charterAd.locator('#charter-form').waitFor();
      await charterAd.fill('#charter-version', '2026-2');
      await charterAd.fill('#charter-text_fr', CHARTER_2);
      await charterAd.fill('#charter-text_en', '');
      await charterAd.click('#charter-form button[type="submit"]');
      await charterAd.locator('#charter-current[data-version="2026-2"]').waitFor();
      await charterVol.check('#reg-charter-accept');
      await charterVol.click('#register-form button[type="submit"]');
      // The server refuses version 2026-1: the new text is shown with the error, the box to tick again.
      await charterVol.locator('#reg-charter .charter-meta', { hasText: 'Version 2026-2' }).waitFor();
      await charterVol.locator('#reg-charter .field-error', { hasText: 'a changé' }).waitFor();
      expect((await charterVol.locator('#reg-charter-text').innerText()).includes('si je ne peux pas venir'), 'the new text is not shown');
      expect(!(await charterVol.isChecked('#reg-charter-accept')), 'the box stays ticked for a text not read');
      expect(await charterVol.inputValue('#reg-first_name') === CHARTER_VOLUNTEER.first, 'what was typed is lost');
      await screenshot(charterVol, 'benevole-inscription-charte-changee');
      await charterVol.check('#reg-charter-accept');
      await charterVol.click('#register-form button[type="submit"]');
      await charterVol.locator('p.success').waitFor();
      // Signed in (awaiting validation): no charter to accept again; the API shows her acceptance.
      await charterVol.fill('#vo-email', CHARTER_VOLUNTEER.email);
      await charterVol.fill('#vo-password', CHARTER_VOLUNTEER.password);
      await charterVol.click('#login-form button[type="submit"]');
      await charterVol.locator('h1', { hasText: 'Mon compte' }).waitFor();
      await charterVol.locator('#my-trainings', { hasText: 'Aucune formation' }).waitFor();
      expect(await charterVol.locator('#charter-notice').count() === 0, 'the charter she accepted is asked again');
      const me = await charterVol.evaluate(async () => (await fetch('/api/v1/me/volunteer')).json());
      expect(me.charter && me.charter.version === '2026-2' && me.charter.accepted_at, `her acceptance: ${JSON.stringify(me.charter)}`);
      charterVolunteerId = me.id;
      const seen = await pageApi(co, 'GET', `/api/v1/volunteers/${charterVolunteerId}`);
      expect(seen.charter && seen.charter.version === '2026-2', `the coordination sees: ${JSON.stringify(seen.charter)}`);
    });
    await step('charter: Camille, registered before it, is asked in her app to accept the new charter; accepted, the notice goes', async () => {
      await vol.goto(`${base}/benevole#/`);
      await vol.reload();  // the app as she opens it again
      const notice = vol.locator('#charter-notice');
      await notice.waitFor();
      await notice.locator('h2', { hasText: 'charte' }).waitFor();
      expect((await notice.locator('.charter-text').innerText()).includes('si je ne peux pas venir'), 'the notice does not show the charter in force');
      await checkPage(vol, 'benevole-charte-a-accepter');
      await notice.locator('#charter-accept').click();
      await vol.locator('#charter-accepted', { hasText: '2026-2' }).waitFor();
      expect(await vol.locator('#charter-notice').count() === 0, 'the notice is still shown');
      expect(await vol.evaluate(() => document.activeElement.id) === 'charter-accepted', 'the focus is lost after accepting');
      const me = await vol.evaluate(async () => (await fetch('/api/v1/me/volunteer')).json());
      expect(me.charter && me.charter.version === '2026-2', `Camille's acceptance: ${JSON.stringify(me.charter)}`);
      await vol.reload();
      await vol.locator('#proposals-title').waitFor();
      expect(await vol.locator('#charter-notice').count() === 0, 'the notice comes back after accepting');
      // A version number already used in the programme is refused by the server (409), beside the field.
      await charterAd.fill('#charter-version', '2026-1');
      await charterAd.click('#charter-form button[type="submit"]');
      await charterAd.locator('#charter-form .field-error', { hasText: '2026-1' }).waitFor();
      expect(await charterAd.getAttribute('#charter-version', 'aria-invalid') === 'true', 'the version field is not marked');
    });
    await step('trainings: a coordinator records the new volunteer\'s gardening training on her page; she becomes a candidate for a gardening request, and is not once it is removed', async () => {
      // The coordinator validates her; a gardening request comes in by phone.
      await co.goto(`${base}/coordination#/benevoles`);
      const row = co.locator('#volunteers tr', { hasText: CHARTER_VOLUNTEER.last });
      await row.locator('button.primary').click();
      await co.locator('#volunteers tr', { hasText: CHARTER_VOLUNTEER.last }).waitFor({ state: 'detached' });
      const from = new Date(Date.now() + 2 * 3600000);
      gardeningRequest = (await pageApi(co, 'POST', '/api/v1/requests', { channel: 'phone', category: 'gardening', urgency: 'week',
        details: 'Tailler la haie (test des formations)', consent: true,
        window: { from: from.toISOString(), until: new Date(from.getTime() + 3 * 86400000).toISOString() },
        resident: { first_name: 'Hortense', last_name: 'Jardin', phone: '02 99 66 77 88', address: '6 rue des Lilas', neighbourhood: 'centre' } })).id;
      const candidateButton = `#candidates button[data-volunteer-id="${charterVolunteerId}"]`;
      await co.goto(`${base}/coordination#/demande/${gardeningRequest}`);
      await co.locator('#request-panel', { hasText: 'Tailler la haie' }).waitFor();
      await co.locator('#candidates-title').waitFor();
      expect(await co.locator(candidateButton).count() === 0, 'an untrained volunteer is ranked');
      // Proposed by hand anyway (found by name): refused, the console says which training is missing.
      await co.click('#any-volunteer-panel summary');
      await co.fill('#any-volunteer-q', CHARTER_VOLUNTEER.last);
      await co.click('#any-volunteer button[type=submit]');
      await co.locator(`#any-volunteer-table button[data-volunteer-id="${charterVolunteerId}"]`).click();
      const deadline = Date.now() + TIMEOUT;
      while (!(await co.locator('#propose-status #training-required').count())) {
        expect(Date.now() < deadline, `no training refusal shown: ${await co.locator('#propose-status').textContent()}`);
        for (const id of ['past-slot', 'outside-availability']) {
          const yes = co.locator(`dialog#${id}[open] #${id}-yes`);
          if (await yes.count()) await yes.click();
        }
        await co.waitForTimeout(100);
      }
      const refusal = await co.locator('#propose-status').textContent();
      expect(refusal.includes('Formation jardinage'), `the refusal does not name the training: ${refusal}`);
      expect(!refusal.includes('Impossible dans'), `the refusal is not plain: ${refusal}`);
      await screenshot(co, 'coordination-formation-requise');
      // Her page: gardening is flagged, recorded from the keyboard.
      await co.locator(`#propose-status a[href="#/benevole/${charterVolunteerId}"]`).click();
      const panel = co.locator('#vol-trainings');
      await panel.waitFor();
      await panel.locator('#training-todo li[data-category="gardening"]', { hasText: 'formation à enregistrer' }).waitFor();
      expect((await co.locator('#vol-charter').textContent()).includes('2026-2'), 'her page does not show the charter she accepted');
      expect(await co.inputValue('#training-category') === 'gardening', 'the kind of help to record is not offered first');
      expect((await co.locator('#training-category option[value="gardening"]').textContent()).includes('Formation jardinage'), 'the option does not name the training');
      expect(await co.inputValue('#training-date') === localParts(new Date()).date, 'the date is not today by default');
      await checkPage(co, 'coordination-formations');
      // From the keyboard: the note typed, Enter records (kind of help and date as offered).
      await co.focus('#training-note');
      await co.keyboard.type('Atelier de la Maison des jardins');
      await co.keyboard.press('Enter');
      await co.locator('#training-list tr[data-category="gardening"]', { hasText: 'Maison des jardins' }).waitFor();
      await co.locator('#training-done', { hasText: 'Formation enregistrée' }).waitFor();
      expect(await co.evaluate(() => document.activeElement.id) === 'trainings-title', 'the focus is not on the trainings');
      expect(await co.locator('#training-todo').count() === 0, 'still flagged once recorded');
      const seen = await pageApi(co, 'GET', `/api/v1/volunteers/${charterVolunteerId}`);
      expect(seen.trainings.length === 1 && seen.trainings[0].category === 'gardening' && seen.trainings[0].trained_on === localParts(new Date()).date,
        `her trainings: ${JSON.stringify(seen.trainings)}`);
      // She is now among the request's candidates; her app shows the training.
      await co.goto(`${base}/coordination#/demande/${gardeningRequest}`);
      await co.locator(candidateButton).waitFor();
      await screenshot(co, 'coordination-candidate-formee');
      await charterVol.goto(`${base}/benevole#/compte`);
      await charterVol.locator('#my-trainings li[data-category="gardening"]', { hasText: 'Formation jardinage' }).waitFor();
      await checkPage(charterVol, 'benevole-formations');
      // Removed (after a confirmation): flagged again, and no longer a candidate.
      await co.goto(`${base}/coordination#/benevole/${charterVolunteerId}`);
      await co.locator('button[data-remove-training="gardening"]').click();
      await co.locator('dialog#training-remove[open]').waitFor();
      await co.click('#training-remove-no');
      expect(await co.locator('#training-list tr[data-category="gardening"]').count() === 1, 'removed without the confirmation');
      await co.locator('button[data-remove-training="gardening"]').click();
      await co.click('#training-remove-yes');
      await co.locator('#training-todo li[data-category="gardening"]').waitFor();
      expect(await co.locator('#training-list tr').count() === 0, 'the record is still listed');
      await co.goto(`${base}/coordination#/demande/${gardeningRequest}`);
      await co.locator('#request-panel', { hasText: 'Tailler la haie' }).waitFor();
      await co.locator('#candidates-title').waitFor();
      expect(await co.locator(candidateButton).count() === 0, 'still a candidate once the training is removed');
    });
    await step('trainings: the admin lifts gardening\'s training requirement again (the field emptied sends none)', async () => {
      try {
        await charterAd.goto(`${base}/administration#/categories`);
        const gardening = charterAd.locator('details.category[data-code="gardening"]');
        await gardening.locator('summary').click();
        await gardening.locator('input[name="training"]').fill('');
        await gardening.locator('button[type=submit]').click();
        await charterAd.locator('#categories-status', { hasText: /enregistré/ }).waitFor();
        // The status shows before the list is drawn again: wait for the badge to go (5 s), then judge.
        const badge = charterAd.locator('details.category[data-code="gardening"] summary .badge');
        await badge.waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
        expect(await badge.count() === 0, 'the list still shows a training');
        const cats = await charterAd.evaluate(async () => (await fetch('/api/v1/categories')).json());
        expect(cats.items.every((c) => c.training === null), `a training is still required: ${JSON.stringify(cats.items.filter((c) => c.training))}`);
      } finally {
        if (charterPhone) await charterPhone.close();
        if (charterAdCtx) await charterAdCtx.close();
      }
    });
    // 10. A new city, from its first start to a year later (issue 16): it sets itself up from the setup link with
    // its own map and time zone, runs a programme, closes it with its supports reviewed, keeps a reserve, and
    // calls it back a year later with a campaign whose funnel is shown. Its own server (test clock, SMTP sink).
    const CITY_ADMIN = { email: 'admin@montreal.test', password: 'une phrase de passe solide' };
    const CITY_VOLUNTEER = { first: 'Amélie', last: 'Tremblay', email: 'amelie.benevole@montreal.test', phone: '514 555 0142',
      password: 'benevole-montreal-2026' };
    const CITY_TZ = 'America/Toronto';
    const cityCommon = { locale: 'fr-FR', timezoneId: CITY_TZ };
    let cityBase = '';
    let cityAdminCtx = null;  // the city's admin, also staff: the administration and the console, one session
    let cityPhoneCtx = null;  // the volunteer's phone
    let cityAd = null;
    let cityCo = null;
    let cityVol = null;
    let cityVolunteerId = '';
    let cityCampaignId = '';
    /** A call to the city's API from a page of the admin's session (cookie + CSRF token). */
    const cityApi = (page, method, path, body) => page.evaluate(async ({ method, path, body }) => {
      const res = await fetch(path, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json',
        'X-CSRF-Token': localStorage.getItem('relais.csrf') }, body: body ? JSON.stringify(body) : undefined });
      if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
      return res.json();
    }, { method, path, body });
    await step('a new city sets itself up from the link its first start prints (Montréal: its map, time and numbers)', async () => {
      // A server of its own on an empty database: no admin yet, so it prints the one-time setup link. Its clock
      // can be moved (a year passes later on) and it emails through an SMTP sink of its own.
      const cityDir = join(dir, 'new-city');
      mkdirSync(cityDir, { recursive: true, mode: 0o700 });
      const port = await freePort();
      const mail = await startSmtpSink(join(cityDir, 'mail'));
      const out = [];
      cityBase = `http://127.0.0.1:${port}`;
      const child = spawn(binary, ['--db', join(cityDir, 'relais.db'), '--bind', '127.0.0.1', '--port', String(port),
        '--web-root', join(root, 'web'), '--threads', '2', '--test-clock', '--smtp-url', `smtp://127.0.0.1:${mail.port}`,
        '--mail-from', 'voisins@montreal.test', '--public-url', cityBase], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => out.push(d));
      child.on('exit', () => writeFileSync(join(cityDir, 'server.log'), Buffer.concat(out)));
      cityServer = { child, mail, base: cityBase, output: () => Buffer.concat(out).toString('utf8') };
      const ctx = await coordCtx.browser().newContext({ ...common, viewport: { width: 390, height: 844 } });
      ctx.setDefaultTimeout(TIMEOUT);
      try {
        const deadline = Date.now() + 30000;
        let link = null;
        while (!link) {
          link = (/http:\/\/127\.0\.0\.1:\d+\/setup\/#lien=[0-9a-f]{64}/.exec(Buffer.concat(out).toString('utf8')) || [null])[0];
          if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no setup link: ${Buffer.concat(out)}`);
          if (!link) await new Promise((r) => setTimeout(r, 100));
        }
        const su = await ctx.newPage();
        watch(su, 'setup');
        await su.goto(link);
        await su.locator('#setup-form').waitFor();
        await checkPage(su, 'mise-en-route');
        await su.fill('#city_name', 'Voisins solidaires de Montréal');
        await su.fill('#country', 'CA');
        await su.fill('#timezone', 'America/Toronto');
        await su.fill('#coordination_phone', '514 555 0199');
        await su.setInputFiles('#neighbourhoods_file', join(root, 'tests/fixtures/montreal_quartiers.geojson'));
        await su.fill('#admin_email', CITY_ADMIN.email);
        await su.fill('#admin_password', CITY_ADMIN.password);
        await su.click('#setup-form button[type=submit]');
        await su.locator('#go-admin').click();
        await su.locator('#programme-form').waitFor();
        expect(await su.inputValue('#pg-name') === 'Voisins solidaires de Montréal', 'the city name was not saved');
        const nbs = await su.evaluate(async () => (await fetch('/api/v1/neighbourhoods')).json());
        expect(nbs.items.map((n) => n.code).sort().join(',') === 'cote-des-neiges-notre-dame-de-grace,plateau,ville-marie',
          `not Montréal's map: ${JSON.stringify(nbs.items.map((n) => n.code))}`);
        const prog = await su.evaluate(async () => (await fetch('/api/v1/programme')).json());
        expect(prog.timezone === 'America/Toronto' && prog.country === 'CA', `time and country: ${prog.timezone} ${prog.country}`);
      } finally {
        await ctx.close();
      }
    });
    await step('Montréal: a volunteer registers in the app; the admin, who is also staff, validates them in the console', async () => {
      cityAdminCtx = await browser.newContext({ ...cityCommon, viewport: { width: 1366, height: 900 } });
      cityAdminCtx.setDefaultTimeout(TIMEOUT);
      // Like the other consoles: no periodic poll, what changes on screen comes over the live feed.
      await cityAdminCtx.addInitScript(() => localStorage.setItem('relais.coordination.poll', 'off'));
      cityAd = await cityAdminCtx.newPage();
      watch(cityAd, 'montreal-administration');
      await cityAd.goto(`${cityBase}/administration`);
      await cityAd.fill('#login-email', CITY_ADMIN.email);
      await cityAd.fill('#login-password', CITY_ADMIN.password);
      await cityAd.click('#login-form button[type="submit"]');
      await cityAd.locator('#programme-form').waitFor();
      cityPhoneCtx = await browser.newContext({ ...cityCommon, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      cityPhoneCtx.setDefaultTimeout(TIMEOUT);
      cityVol = await cityPhoneCtx.newPage();
      watch(cityVol, 'montreal-benevole');
      await cityVol.goto(`${cityBase}/benevole#/inscription`);
      await cityVol.locator('#register-form').waitFor();
      await fillRegistration(cityVol, CITY_VOLUNTEER, 'plateau', ['friendly_call', 'shopping']);
      await cityVol.check('#reg-consent');
      await cityVol.click('#register-form button[type="submit"]');
      await cityVol.locator('p.success').waitFor();
      // The admin opens the console (the same session) and validates the registration.
      cityCo = await cityAdminCtx.newPage();
      watch(cityCo, 'montreal-coordination');
      await cityCo.goto(`${cityBase}/coordination#/benevoles`);
      const row = cityCo.locator('#volunteers tr', { hasText: CITY_VOLUNTEER.last });
      await row.waitFor();
      cityVolunteerId = await row.getAttribute('data-volunteer-id');
      await row.locator('button.primary').click();
      await cityCo.locator('main p:has-text("Aucun bénévole")').waitFor();
      await cityCo.locator('#live[data-state="live"]').waitFor();
    });
    await step('Montréal: the admin adds a district to the map from the page, a faulty file refused first with its faults listed', async () => {
      await cityAd.goto(`${cityBase}/administration#/quartiers`);
      await cityAd.locator('#map-table').waitFor();
      expect(await cityAd.locator('#map-table tbody tr').count() === 3, 'not the three districts of the setup');
      await checkPage(cityAd, 'administration-quartiers');
      // A faulty CSV: each fault with its line, nothing changed.
      await cityAd.setInputFiles('#map-file', { name: 'quartiers.csv', mimeType: 'text/csv',
        buffer: Buffer.from('name,lat,lon\nVerdun,95,-73.57\nLaSalle,45.43,-273.6\n') });
      await cityAd.click('#map-check');
      await cityAd.locator('#map-fault-list li', { hasText: 'line 2' }).waitFor();
      expect(await cityAd.locator('#map-fault-list li').count() >= 2, 'every fault is not listed');
      expect(await cityAd.locator('#map-import').isDisabled(), 'a faulty file could be imported');
      // Montréal's districts and Verdun's outline: checked (1 added, 3 updated), then imported.
      const map = JSON.parse(readFileSync(join(root, 'tests/fixtures/montreal_quartiers.geojson'), 'utf8'));
      map.features.push({ type: 'Feature', properties: { name: 'Verdun', code: 'verdun' },
        geometry: { type: 'Polygon', coordinates: [[[-73.60, 45.44], [-73.55, 45.44], [-73.55, 45.47], [-73.60, 45.47], [-73.60, 45.44]]] } });
      await cityAd.setInputFiles('#map-file', { name: 'quartiers.geojson', mimeType: 'application/geo+json',
        buffer: Buffer.from(JSON.stringify(map)) });
      await cityAd.click('#map-check');
      await cityAd.locator('#map-status', { hasText: '1 quartier(s) ajouté(s), 3 mis à jour, 0 retiré(s)' }).waitFor();
      expect(await cityAd.locator('#map-table tbody tr').count() === 3, 'the check changed the map');
      cityAd.once('dialog', (d) => d.accept());
      await cityAd.click('#map-import');
      await cityAd.locator('#map-status', { hasText: 'Carte remplacée' }).waitFor();
      await cityAd.locator('#map-table tbody tr', { hasText: 'Verdun' }).waitFor();
      expect(await cityAd.locator('#map-table tbody tr').count() === 4, 'Verdun was not added');
      const nbs = await cityAd.evaluate(async () => (await fetch('/api/v1/neighbourhoods')).json());
      expect(nbs.items.some((n) => n.code === 'verdun'), 'the server has no Verdun');
    });
    await step('Montréal: a weekly call taken by phone in the console is proposed to the volunteer, who accepts it in the app: a support runs', async () => {
      await cityCo.goto(`${cityBase}/coordination#/saisie`);
      await cityCo.locator('#in-category').waitFor();
      await cityCo.selectOption('#in-category', 'friendly_call');
      await cityCo.fill('#in-details', 'Appel de convivialité chaque semaine (test Montréal)');
      await cityCo.check('#in-recurrence-weekly');
      await cityCo.fill('#in-resident-first_name', 'Gérard');
      await cityCo.fill('#in-resident-last_name', 'Lapointe');
      await cityCo.fill('#in-resident-phone', '514 555 0177');
      await cityCo.fill('#in-resident-address', '4321 rue Saint-Denis');
      await cityCo.selectOption('#in-resident-neighbourhood', 'plateau');
      await cityCo.check('#in-consent');
      await cityCo.click('#intake-form button[type=submit]');
      await cityCo.locator('#intake-code').waitFor();
      await cityCo.click('main a[href^="#/demande/"]');
      await cityCo.locator('#candidates').waitFor();
      // Tomorrow at 10:00, Montréal time (the city's time zone, the browser's too).
      await cityCo.fill('#slot-date', localParts(new Date(Date.now() + 86400000), CITY_TZ).date);
      await cityCo.fill('#slot-time', '10:00');
      await cityCo.locator(`#candidates button[data-volunteer-id="${cityVolunteerId}"]`).click();
      await proposalMade(cityCo);
      await cityVol.goto(`${cityBase}/benevole#/`);
      await cityVol.fill('#vo-email', CITY_VOLUNTEER.email);
      await cityVol.fill('#vo-password', CITY_VOLUNTEER.password);
      await cityVol.click('#login-form button[type="submit"]');
      await cityVol.locator('#proposals li.card', { hasText: 'test Montréal' }).locator('button.primary').click();
      await cityVol.locator('#upcoming li.card', { hasText: 'test Montréal' }).waitFor();
      await cityCo.goto(`${cityBase}/coordination#/accompagnements`);
      await cityCo.locator('#supports tbody tr', { hasText: 'Gérard Lapointe' }).waitFor();
    });
    await step('Montréal: the admin closes the programme, its running support reviewed ("continues"); "Citoyens volontaires 2027" is current, the first one closed', async () => {
      // A partner association the city works with (a support could be handed over to it).
      await cityApi(cityAd, 'POST', '/api/v1/partners', { name: 'Centre communautaire du Plateau', kind: 'association' });
      await cityAd.goto(`${cityBase}/administration#/programmes`);
      await cityAd.locator('#programme-close-form').waitFor();
      const current = cityAd.locator('#programme-list tr[data-status="current"]');
      await current.locator('th', { hasText: 'Voisins solidaires de Montréal' }).waitFor();
      expect((await current.locator('td').nth(3).textContent()).trim() === '1', 'the programme does not count its running support');
      const support = cityAd.locator('#programme-close-form tr[data-support]', { hasText: 'Gérard Lapointe' });
      await support.waitFor();
      expect(await cityAd.locator('#programme-close-form tr[data-support]').count() === 1, 'one running support to review');
      const supportId = await support.getAttribute('data-support');
      await checkPage(cityAd, 'montreal-programmes');
      // Without a name nor a decision: said next to each field, before anything is sent.
      await cityAd.fill('#next-name', '');
      await cityAd.click('#programme-close-form button[type=submit]');
      await cityAd.locator('.error-summary').waitFor();
      expect(await cityAd.getAttribute('#next-name', 'aria-invalid') === 'true', 'the missing name is not shown next to its field');
      expect(await support.locator('select.review-decision').getAttribute('aria-invalid') === 'true', 'the missing decision is not shown next to it');
      // Handed over to the partner without the resident's agreement: the server refuses (422), said beside the box.
      await cityAd.fill('#next-name', 'Citoyens volontaires 2027');
      await support.locator('select.review-decision').selectOption('hand_over');
      await support.locator('.handover-fields select').selectOption({ label: 'Centre communautaire du Plateau' });
      cityAd.once('dialog', (d) => d.accept());
      await cityAd.click('#programme-close-form button[type=submit]');
      await support.locator('.field-error', { hasText: 'accord' }).waitFor();
      expect(await support.locator('.handover-fields input[type=checkbox]').getAttribute('aria-invalid') === 'true',
        'the missing agreement is not marked on its box');
      // After a word with the family, the support rather continues.
      await support.locator('select.review-decision').selectOption('continue');
      expect(await support.locator('.handover-fields').isHidden(), 'the hand-over fields stay shown for "continue"');
      // A start before the current programme's: the server's refusal (422) is shown next to the date.
      await cityAd.fill('#next-starts', '2020-01-05');
      cityAd.once('dialog', (d) => d.accept());
      await cityAd.click('#programme-close-form button[type=submit]');
      await cityAd.locator('#programme-close-form .field-error', { hasText: 'au plus tôt' }).waitFor();
      expect(await cityAd.getAttribute('#next-starts', 'aria-invalid') === 'true', 'the refused start date is not marked');
      await checkPage(cityAd, 'montreal-programmes-refus');
      await cityAd.fill('#next-starts', localParts(new Date(), CITY_TZ).date);
      cityAd.once('dialog', (d) => d.accept());
      await cityAd.click('#programme-close-form button[type=submit]');
      await cityAd.locator('#programmes-status', { hasText: /1 continué/ }).waitFor();
      await cityAd.locator('#programme-list tr[data-status="current"] th', { hasText: 'Citoyens volontaires 2027' }).waitFor();
      await cityAd.locator('#programme-list tr[data-status="closed"] th', { hasText: 'Voisins solidaires de Montréal' }).waitFor();
      // The support carried on: running, and now to be reviewed when the new programme closes.
      await cityAd.locator(`#programme-close-form tr[data-support="${supportId}"]`).waitFor();
      const programme = await cityApi(cityAd, 'GET', '/api/v1/programme');
      const list = await cityApi(cityAd, 'GET', '/api/v1/programmes');
      const now = list.items.find((x) => x.status === 'current');
      expect(programme.name === 'Citoyens volontaires 2027' && programme.current_programme_id === now.id && now.active_supports === 1,
        `the current programme: ${JSON.stringify(programme.current_programme_id)} ${JSON.stringify(now)}`);
      await checkPage(cityAd, 'montreal-programmes-clos');
    });
    await step('Montréal: the volunteer chooses to stay in the reserve in their app; the console shows the membership', async () => {
      await cityVol.click('a[href="#/compte"]');
      await cityVol.locator('#reserve-form').waitFor();
      // The consent is asked for: without the box ticked, nothing is sent.
      await cityVol.click('#reserve-form button[type=submit]');
      await cityVol.locator('.error-summary').waitFor();
      await checkPage(cityVol, 'montreal-benevole-reserve-accord');
      await cityVol.check('#reserve-consent');
      await cityVol.click('#reserve-form button[type=submit]');
      await cityVol.locator('p.success', { hasText: 'dans la réserve' }).waitFor();
      await cityVol.locator('#reserve-available').waitFor();
      expect(await cityVol.locator('#reserve-leave').count() === 1, 'no way to leave the reserve');
      await checkPage(cityVol, 'montreal-benevole-reserve');
      await cityCo.goto(`${cityBase}/coordination#/benevole/${cityVolunteerId}`);
      await cityCo.locator('#vol-reserve-membership', { hasText: 'par le bénévole' }).waitFor();
      expect(await cityCo.locator('#vol-reactivate').count() === 1, 'no reactivation for a reserve member');
      expect(await cityCo.locator('#vol-reserve').count() === 0, 'a reserve member is offered the reserve again');
      await checkPage(cityCo, 'montreal-coordination-benevole-reserve');
    });
    await step('Montréal: a year on (test clock), the coordinator finds the member on the Réserve page ("g r") and sends a campaign', async () => {
      // Eleven and a half months on: within the year the consent covers (past it, retention lets the member go).
      const later = new Date(Date.now() + 350 * 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const clock = await cityApi(cityAd, 'POST', '/api/v1/test/clock', { now: later });
      expect(clock.now.slice(0, 10) === later.slice(0, 10), `the clock is at ${JSON.stringify(clock)}`);
      await cityCo.goto(`${cityBase}/coordination#/`);
      await cityCo.locator('#page-title').waitFor();
      await cityCo.locator('#page-title').focus();
      await cityCo.keyboard.press('?');
      await cityCo.locator('dialog#kb-help[open] dd', { hasText: 'Aller à la réserve' }).waitFor();
      await cityCo.keyboard.press('Escape');
      await cityCo.locator('#page-title').focus();
      await cityCo.keyboard.press('g');
      await cityCo.keyboard.press('r');
      await cityCo.locator('#reserve-page').waitFor();
      await cityCo.locator('#reserve-members tr', { hasText: 'Amélie Tremblay' }).waitFor();
      await cityCo.locator('#reserve-count', { hasText: '1 membre' }).waitFor();
      // The filters: another neighbourhood finds nobody; a year without a mission finds her again.
      await cityCo.selectOption('#res-neighbourhood', 'ville-marie');
      await cityCo.locator('#reserve-count', { hasText: '0 membre' }).waitFor();
      await cityCo.selectOption('#res-neighbourhood', 'plateau');
      await cityCo.fill('#res-inactive', '300');
      await cityCo.click('#reserve-filters button[type=submit]');
      await cityCo.locator('#reserve-count', { hasText: '1 membre' }).waitFor();
      await checkPage(cityCo, 'montreal-reserve');
      // The list import on the same page checks a file first: a faulty one is refused line by line.
      await cityCo.setInputFiles('#vi-file', { name: 'liste.csv', mimeType: 'text/csv', buffer: Buffer.from('prenom;nom\nA;B\n') });
      await cityCo.click('#vi-check');
      await cityCo.locator('#vi-fault-list li').first().waitFor();
      expect(await cityCo.locator('#vi-import').isDisabled(), 'a faulty list could be imported');
      await cityCo.fill('#campaign-message', 'Bonjour ! L’hiver revient et des aînés du Plateau attendent un appel chaque semaine.\nPouvez-vous nous aider de nouveau ?');
      await cityCo.click('#campaign-preview');
      await cityCo.locator('#campaign-status', { hasText: '1 membre(s) recevraient' }).waitFor();
      await cityCo.click('#campaign-send');
      await cityCo.locator('dialog#campaign-confirm[open]').waitFor();
      await checkPage(cityCo, 'montreal-campagne-confirmation');
      await cityCo.click('#campaign-send-yes');
      await cityCo.locator('#campaign-status', { hasText: 'Campagne envoyée à 1' }).waitFor();
      const card = cityCo.locator('#campaign-list li.card').first();
      cityCampaignId = (await card.getAttribute('id')).replace(/^campaign-/, '');
      expect(await cityCo.locator('#campaign-list li.card').count() === 1, 'one campaign listed');
      expect((await cityCo.locator(`#campaign-${cityCampaignId} td[data-stage="reactivated"] .funnel-count`).textContent()) === '0',
        'a return counted before anyone answered');
    });
    await step('Montréal: the campaign\'s email brings a /reserve/ link; opened without a session, it answers "available again"', async () => {
      let link = null;
      for (let i = 0; i < 200 && !link; i += 1) {
        const found = mailTexts(cityServer.mail).map((x) => x.match(/http:\/\/127\.0\.0\.1:\d+\/reserve\/[A-Za-z0-9_-]{43}/)).find(Boolean);
        if (found) link = found[0];
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(link, 'no campaign email with a /reserve/ link arrived');
      const text = mailTexts(cityServer.mail).find((x) => x.includes(link));
      expect(text.includes('des aînés du Plateau'), 'the email does not carry the coordinator\'s message');
      // A fresh browser: no session, no script needed (the answers are forms).
      const ctx = await browser.newContext({ ...cityCommon, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      ctx.setDefaultTimeout(TIMEOUT);
      try {
        const page = await ctx.newPage();
        watch(page, 'montreal-lien-reserve');
        await page.goto(link);
        await page.locator('#reserve-message', { hasText: 'des aînés du Plateau' }).waitFor();
        expect(await page.locator('#reserve-available').count() === 1 && await page.locator('#reserve-stay').count() === 1
          && await page.locator('#reserve-leave').count() === 1, 'the three answers are not offered');
        await checkPage(page, 'montreal-lien-reserve');
        await Promise.all([page.waitForNavigation(), page.click('#reserve-available')]);
        await page.locator('#reserve-done', { hasText: 'de nouveau' }).waitFor();
        await checkPage(page, 'montreal-lien-reserve-disponible');
        // Single use: the link now says it was answered.
        const again = await page.goto(link);
        expect(again.status() === 410, `the used link answers ${again.status()}`);
      } finally {
        await ctx.close();
      }
    });
    await step('Montréal: the Réserve page\'s funnel shows the return (live, within 20 s) and the volunteer is active again', async () => {
      await cityCo.waitForFunction((id) => {
        const cell = document.querySelector(`#campaign-${id} td[data-stage="reactivated"] .funnel-count`);
        return cell && cell.textContent === '1';
      }, cityCampaignId, { timeout: 20000 });
      expect((await cityCo.locator(`#campaign-${cityCampaignId} td[data-stage="opened"] .funnel-count`).textContent()) === '1', 'the opening is not counted');
      // No longer in the reserve: the members list followed (a volunteer event).
      await cityCo.locator('#reserve-count', { hasText: '0 membre' }).waitFor();
      await checkPage(cityCo, 'montreal-reserve-entonnoir');
      // In English too.
      await cityCo.click('.lang-switch a');
      await cityCo.locator('html[lang="en"]').waitFor();
      await cityCo.locator(`#campaign-${cityCampaignId} th`, { hasText: 'Available again' }).waitFor();
      await checkPage(cityCo, 'montreal-reserve-en');
      await cityCo.click('.lang-switch a');
      await cityCo.locator('html[lang="fr"]').waitFor();
      const v = await cityApi(cityCo, 'GET', `/api/v1/volunteers/${cityVolunteerId}`);
      expect(v.status === 'active' && v.reserve === null, `the volunteer is ${v.status}, reserve ${JSON.stringify(v.reserve)}`);
      await cityVol.reload();  // their account page, read again
      await cityVol.locator('main button', { hasText: 'Mettre en pause' }).waitFor();
      expect(await cityVol.locator('#reserve-available').count() === 0, 'the app still says they are in the reserve');
    });
    await step('Montréal: on the phone the volunteer agrees to go back in the reserve (the coordinator records it), then leaves it from the app', async () => {
      await cityCo.goto(`${cityBase}/coordination#/benevole/${cityVolunteerId}`);
      await cityCo.locator('#vol-reserve').click();
      await cityCo.locator('dialog#reserve-confirm[open]').waitFor();
      await cityCo.click('#reserve-yes');  // the consent not ticked: refused
      await cityCo.locator('dialog#reserve-confirm p.form-status', { hasText: 'Cochez' }).waitFor();
      await checkPage(cityCo, 'montreal-coordination-reserve-accord');
      await cityCo.check('#reserve-consent');
      await cityCo.click('#reserve-yes');
      await cityCo.locator('p.success', { hasText: 'est dans la réserve' }).waitFor();
      await cityCo.locator('#vol-reserve-membership', { hasText: 'au téléphone' }).waitFor();
      await cityVol.reload();
      await cityVol.locator('#reserve-leave').waitFor();
      cityVol.once('dialog', (d) => d.accept());
      await cityVol.click('#reserve-leave');
      await cityVol.locator('p.success', { hasText: 'quitté la réserve' }).waitFor();
      const v = await cityApi(cityCo, 'GET', `/api/v1/volunteers/${cityVolunteerId}`);
      expect(v.status === 'withdrawn' && v.withdrawal_reason === 'left_reserve' && v.reserve === null,
        `after leaving the reserve: ${v.status} ${v.withdrawal_reason} ${JSON.stringify(v.reserve)}`);
    });
    await step('Montréal: its server stops cleanly', async () => {
      await cityAdminCtx.close();
      await cityPhoneCtx.close();
      const code = await stopServer(cityServer);
      expect(code === 0, `the city's relais exited with ${code}`);
      expect(!/AddressSanitizer|LeakSanitizer|runtime error:/.test(cityServer.output()), 'sanitizer report in the city server\'s output');
    });
    // Address completion (issue 16): the city's map now has shapes, so a chosen address finds its neighbourhood.
    /** The request whose details are `marker`, and its resident, read through the API as staff. */
    const requestByDetails = (marker) => co.evaluate(async (m) => {
      const list = await (await fetch('/api/v1/requests?limit=200', { credentials: 'same-origin' })).json();
      const item = list.items.find((r) => r.details === m);
      if (!item) return null;
      const resident = await (await fetch(`/api/v1/residents/${item.resident_id}`, { credentials: 'same-origin' })).json();
      return { id: item.id, resident };
    }, marker);
    await step('public form: an address typed in part is completed from the list with the keyboard; the request has its location', async () => {
      const map = spawnSync(binary, ['import', 'neighbourhoods', '--db', join(dir, 'relais.db'), join(root, 'tests/fixtures/rennes_quartiers.geojson')],
        { encoding: 'utf8' });
      expect(map.status === 0, `relais import neighbourhoods failed: ${map.stderr}`);
      const marker = `Courses, adresse complétée (${Date.now()})`;
      await rs.goto(`${base}/demande`);
      const address = rs.locator('#f-resident\\.address[role="combobox"]');
      await address.waitFor();
      await rs.check('#f-category-shopping');
      await rs.fill('#f-details', marker);
      await rs.fill('#f-resident\\.first_name', 'Jeanne');
      await rs.fill('#f-resident\\.last_name', 'Complétée');
      await rs.check('#f-urgency-week');
      await rs.fill('#f-resident\\.phone', '02 99 44 55 66');
      await address.click();
      await rs.keyboard.type('12 rue de la pa', { delay: 40 });
      const options = rs.locator('#f-resident\\.address-suggestions [role="option"]');
      await rs.locator('#f-resident\\.address-suggestions:not([hidden])').waitFor();
      expect(await options.count() === 3, `${await options.count()} suggestions, not 3 (12, 12 bis, 120)`);
      expect(await address.getAttribute('aria-expanded') === 'true', 'the combobox does not say it is expanded');
      await checkPage(rs, 'demande-adresse-suggestions');
      await rs.keyboard.press('ArrowDown');
      await rs.keyboard.press('ArrowDown');
      expect(await address.getAttribute('aria-activedescendant') === 'f-resident.address-option-1', 'Down does not move to the second');
      expect(await options.nth(1).getAttribute('aria-selected') === 'true', 'the active option is not marked selected');
      await rs.keyboard.press('ArrowUp');
      await rs.keyboard.press('Enter');  // chooses; the form is not sent
      expect(await address.inputValue() === '12 Rue de la Paix 35000 Rennes', `the field holds "${await address.inputValue()}"`);
      expect(await address.getAttribute('aria-expanded') === 'false', 'the list stays open after the choice');
      expect(await rs.locator('#tracking-code').count() === 0, 'Enter sent the form');
      expect(await rs.inputValue('#f-resident\\.neighbourhood') === 'centre', 'the neighbourhood was not chosen from the map');
      expect(/Centre/.test(await rs.locator('#f-resident\\.address-placed').textContent()), 'the neighbourhood is not shown');
      await rs.check('#f-consent');
      await checkPage(rs, 'demande-adresse-choisie');
      await rs.click('button[type="submit"]');
      await rs.locator('#tracking-code').waitFor();
      const found = await requestByDetails(marker);
      expect(found, 'the request is not in the queue');
      const { resident } = found;
      expect(resident.address === '12 Rue de la Paix 35000 Rennes', `address ${resident.address}`);
      expect(resident.location && Math.abs(resident.location.lat - 48.11128) < 1e-4 && Math.abs(resident.location.lon + 1.6784) < 1e-4,
        `location ${JSON.stringify(resident.location)}`);
      expect(resident.neighbourhood === 'centre', `neighbourhood ${resident.neighbourhood}`);
    });
    await step('phone intake: the coordinator completes the address from the keyboard; the request is placed by its location', async () => {
      await co.goto(`${base}/coordination#/saisie`);
      await co.locator('#in-category').waitFor();
      const address = co.locator('#in-resident-address[role="combobox"]');
      await address.waitFor();
      await co.selectOption('#in-category', 'shopping');
      await co.fill('#in-details', 'Courses (saisie, adresse complétée)');
      await co.fill('#in-resident-first_name', 'Lucien');
      await co.fill('#in-resident-last_name', 'Auplan');
      await co.fill('#in-resident-phone', '02 99 66 77 88');
      await address.click();
      await co.keyboard.type('7 ter saint-hél', { delay: 40 });
      await co.locator('#in-resident-address-suggestions:not([hidden]) [role="option"]').first().waitFor();
      await co.keyboard.press('ArrowDown');
      await co.keyboard.press('Enter');
      expect(await address.inputValue() === '7 ter Rue Saint-Hélier 35000 Rennes', `the field holds "${await address.inputValue()}"`);
      expect(await co.inputValue('#in-resident-neighbourhood') === 'thabor', 'the neighbourhood was not chosen from the map');
      await co.check('#in-consent');
      await checkPage(co, 'coordination-saisie-adresse');
      await co.focus('#in-resident-address');
      await co.keyboard.press('Control+Enter');
      await co.locator('#intake-code').waitFor();
      const id = (await co.locator('main a[href^="#/demande/"]').first().getAttribute('href')).split('/').pop();
      const resident = await co.evaluate(async (rid) => {
        const r = await (await fetch(`/api/v1/requests/${rid}`, { credentials: 'same-origin' })).json();
        return (await fetch(`/api/v1/residents/${r.resident_id}`, { credentials: 'same-origin' })).json();
      }, id);
      expect(resident.address === '7 ter Rue Saint-Hélier 35000 Rennes', `address ${resident.address}`);
      expect(resident.location && Math.abs(resident.location.lat - 48.10856) < 1e-4, `location ${JSON.stringify(resident.location)}`);
      expect(resident.neighbourhood === 'thabor', `neighbourhood ${resident.neighbourhood}`);
    });
    await step('English pages through the language switch', async () => {
      await rs.goto(`${base}/demande`);
      await rs.click('.lang-switch a');
      await rs.locator('html[lang="en"]').waitFor();
      expect((await rs.locator('h1').textContent()).includes('Ask for help'), 'not in English');
      await checkPage(rs, 'demande-en');
    });
    await step('the server stops cleanly (exit 0, sanitizers quiet) and the open console sees the feed close', async () => {
      await co.goto(`${base}/coordination#/`);
      await co.locator('#live[data-state="live"]').waitFor();
      const code = await stopServer(server);
      expect(code === 0, `relais exited with ${code}`);
      await co.locator('#live[data-state="offline"]').waitFor();
      const closeCode = await co.getAttribute('#live', 'data-close-code');
      expect(closeCode === '1001', `the feed ended with close code ${closeCode}, not 1001 (going away)`);
      const out = server.output();
      expect(!/AddressSanitizer|LeakSanitizer|runtime error:/.test(out), 'sanitizer report in the server output');
      expect(/stopped cleanly/.test(out), 'no "stopped cleanly" line in the server output');
    });
    await step('no Content-Security-Policy refusal and no script error on any page', async () => {
      expect(cspRefusals.length === 0, cspRefusals.join('\n'));
      expect(pageErrors.length === 0, pageErrors.join('\n'));
    });
  } catch (err) {
    results.push({ name: 'setup', ok: false, error: err });
    console.log(`FAIL setup: ${err && err.stack || err}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stopServer(cityServer);
    await stopServer(server);
    if (process.env.RELAIS_WEB_KEEP) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  console.log(`axe-core checked ${axeChecked.length} pages; screenshots in ${artifacts}`);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main();
