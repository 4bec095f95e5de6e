// The web UI in a real browser: Debian's chromium, driven headless by
// playwright-core, against the real `lbdeploy serve` with real jobs on the
// lab pair. One case per run:
//
//   node ui_test.mjs CASE     CASE: live_job failing_job rerun_and_cancel reload_resume
//
// Environment: LBDEPLOY_BINARY, LAB (the lab script), SCREENSHOT_DIR.
// Exit 0 pass, 1 fail, 77 skipped (no lab).
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const LAB = process.env.LAB || join(here, '../lab/lab');
const FIXTURE = join(here, '../lab/fixtures/lb-config/lab/filesystem/etc/haproxy/haproxy.cfg');
const HAPROXY_CFG = 'lab/filesystem/etc/haproxy/haproxy.cfg';
const TOKEN = 'browser-test-token';
const HOOK = 'browser-hook-secret';
const caseName = process.argv[2];

function fail(message) {
  throw new Error(message);
}

function pushHaproxy(version, extra = '') {
  const text = readFileSync(FIXTURE, 'utf8').replace('X-Config-Version v1', `X-Config-Version ${version}`) + extra;
  const before = execFileSync('git', ['ls-remote', 'git://127.0.0.1:9418/lb-config.git', 'refs/heads/main'], {
    encoding: 'utf8',
  }).split('\t')[0];
  const after = execFileSync(LAB, ['push', 'lb-config', HAPROXY_CFG, `browser test: ${version}`], {
    input: text,
    encoding: 'utf8',
  }).trim();
  return { before, after };
}

async function startServer(work) {
  const config = execFileSync(LAB, ['config', join(work, 'data')], { encoding: 'utf8' });
  writeFileSync(join(work, 'webhook-token'), `${HOOK}\n`);
  writeFileSync(join(work, 'api-tokens'), `${TOKEN}\n`);
  writeFileSync(
    join(work, 'lbdeploy.yaml'),
    `${config}gitlab:\n  webhook_token_file: "${work}/webhook-token"\n` +
      `auth:\n  api_tokens_file: "${work}/api-tokens"\n`,
  );
  const child = spawn(
    process.env.LBDEPLOY_BINARY,
    ['serve', '-c', join(work, 'lbdeploy.yaml'), '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${output}`)), 10000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return { child, base: `http://127.0.0.1:${port}`, output: () => output };
}

async function webhook(base, { before, after }) {
  const response = await fetch(`${base}/hooks/gitlab`, {
    method: 'POST',
    headers: { 'X-Gitlab-Token': HOOK, 'X-Gitlab-Event': 'Push Hook', 'Content-Type': 'application/json' },
    body: JSON.stringify({
      ref: 'refs/heads/main',
      before,
      after,
      user_username: 'browser',
      project: { path_with_namespace: 'lb-config' },
    }),
  });
  if (response.status !== 202) fail(`webhook answered ${response.status}: ${await response.text()}`);
}

async function apiJson(base, path, options = {}) {
  const response = await fetch(`${base}${path}`, {
    ...options,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...(options.headers || {}) },
  });
  return { status: response.status, body: await response.json() };
}

async function waitFor(what, check, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function newestJob(base, after = 0) {
  const { body } = await apiJson(base, '/api/v1/jobs?limit=1');
  return body.jobs.length && body.jobs[0].id > after ? body.jobs[0] : null;
}

async function lastJobId(base) {
  const { body } = await apiJson(base, '/api/v1/jobs?limit=1');
  return body.jobs.length ? body.jobs[0].id : 0;
}

// ------------------------------------------------------------------ cases

const cases = {
  // A webhook-triggered job appears in the list; its page shows the diagram
  // advancing and the log growing while it runs, and ends green.
  async live_job({ page, base, shots }) {
    const previous = await lastJobId(base);
    await page.goto(`${base}/jobs`);
    await webhook(base, pushHaproxy(`ui-${Date.now()}`));
    const job = await waitFor('the job in the API', () => newestJob(base, previous));
    await page.reload();
    const link = page.getByRole('link', { name: `#${job.id}`, exact: true });
    await link.waitFor({ timeout: 10000 });
    await page.screenshot({ path: join(shots, 'jobs.png'), fullPage: true });
    await link.click();
    await page.waitForURL(`**/jobs/${job.id}`);
    // While it runs: a box turns green before the job ends, and the log grows.
    await page.locator('[data-step="lb2|install"][data-state="succeeded"]').waitFor({ timeout: 30000 });
    const stateThen = await page.locator('h1 .badge').textContent();
    const linesThen = await page.locator('.log .line').count();
    if (stateThen !== 'running') fail(`the diagram advanced only after the job ended (${stateThen})`);
    await page.locator('h1 .badge.state-succeeded').waitFor({ timeout: 60000 });
    const linesEnd = await page.locator('.log .line').count();
    if (!(linesEnd > linesThen && linesThen > 0)) fail(`the log did not grow (${linesThen} -> ${linesEnd})`);
    for (const step of ['lb1|install', 'lb1|reload', '|failover', '|give back VIP', '|final-check']) {
      const state = await page.locator(`[data-step="${step}"]`).getAttribute('data-state');
      if (state !== 'succeeded') fail(`${step} is ${state} on a succeeded job`);
    }
    await page.screenshot({ path: join(shots, 'job.png'), fullPage: true });
    await page.getByRole('link', { name: 'Pairs' }).click();
    await page.getByRole('heading', { name: /^lab/ }).waitFor();
    const recovery = await page.locator('h2 .badge[class*="recovery-"]').textContent();
    if (recovery !== 'consistent') fail(`the pair's recovery badge says "${recovery}", not consistent`);
    await page.screenshot({ path: join(shots, 'pairs.png'), fullPage: true });
    const log = `log ${linesThen} -> ${linesEnd} lines`;
    return `job ${job.id}: diagram live (lb2 install green while running), ${log}, ended green`;
  },

  // A failing job shows the red step and haproxy's message at the top.
  async failing_job({ page, base, shots }) {
    const previous = await lastJobId(base);
    await webhook(base, pushHaproxy(`broken-${Date.now()}`, '\nbackend broken\n    bogus-directive on\n'));
    const job = await waitFor('the job', () => newestJob(base, previous));
    await page.goto(`${base}/jobs/${job.id}`);
    const alert = page.locator('.failure[role="alert"]');
    await alert.waitFor({ timeout: 60000 });
    const text = await alert.textContent();
    if (!text.includes('Failed at lb2 pre-flight')) fail(`the failure box does not name the step: ${text}`);
    if (!text.includes("unknown keyword 'bogus-directive'")) fail(`the failure box lacks haproxy's message: ${text}`);
    const state = await page.locator('[data-step="lb2|pre-flight"]').getAttribute('data-state');
    if (state !== 'failed') fail(`lb2 pre-flight is ${state}`);
    await page.screenshot({ path: join(shots, 'job-failed.png'), fullPage: true });
    // Put a valid config back for the next cases.
    await webhook(base, pushHaproxy(`fixed-${Date.now()}`));
    await waitFor('the fix deployed', async () => (await newestJob(base, job.id))?.state === 'succeeded', 90);
    return `job ${job.id}: red lb2 pre-flight and haproxy's error at the top`;
  },

  // Re-run from the page creates a new job and navigates to it; cancel works on a queued job.
  async rerun_and_cancel({ page, base }) {
    pushHaproxy(`rerun-${Date.now()}`);
    const first = await apiJson(base, '/api/v1/pairs/lab/deploy', { method: 'POST', body: '{}' });
    if (first.status !== 201) fail(`deploy: ${first.status} ${JSON.stringify(first.body)}`);
    const queued = await apiJson(base, '/api/v1/pairs/lab/deploy', { method: 'POST', body: '{"dry_run":true}' });
    if (queued.status !== 201) fail(`queued dry run: ${queued.status}`);
    await page.goto(`${base}/jobs/${queued.body.id}`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#token-input').fill('wrong-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#toast', { hasText: '401' }).waitFor({ timeout: 5000 }); // a 401 is shown as such
    await page.locator('#token-input').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('h1 .badge.state-cancelled').waitFor({ timeout: 10000 });
    await waitFor(
      'the first job to finish',
      async () => ['succeeded', 'failed'].includes((await apiJson(base, `/api/v1/jobs/${first.body.id}`)).body.state),
      90,
    );
    await page.goto(`${base}/jobs/${first.body.id}`);
    await page.getByRole('button', { name: 'Re-run' }).click(); // the token is kept for the session
    await page.waitForURL((url) => /\/jobs\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${first.body.id}`));
    const rerunId = Number(page.url().split('/').pop());
    const rerun = (await apiJson(base, `/api/v1/jobs/${rerunId}`)).body;
    if (rerun.rerun_of !== first.body.id) fail(`job ${rerunId} is not a re-run of ${first.body.id}`);
    await page.locator('h1 .badge.state-succeeded').waitFor({ timeout: 90000 });
    const cancelled = `queued job ${queued.body.id} cancelled from its page (after a 401 shown as such)`;
    return `${cancelled}; re-run ${rerunId} of ${first.body.id}`;
  },

  // Reloading the page mid-job resumes the log without gaps or duplicates.
  async reload_resume({ page, base }) {
    pushHaproxy(`reload-${Date.now()}`);
    const { body: job } = await apiJson(base, '/api/v1/pairs/lab/deploy', { method: 'POST', body: '{}' });
    await page.goto(`${base}/jobs/${job.id}`);
    await waitFor('some log lines', async () => (await page.locator('.log .line').count()) >= 10, 30);
    await page.reload();
    await page.locator('h1 .badge.state-succeeded').waitFor({ timeout: 90000 });
    await waitFor(
      'the last line',
      async () => {
        const { body } = await apiJson(base, `/api/v1/jobs/${job.id}`);
        return (await page.locator('.log .line').count()) >= body.last_seq;
      },
      10,
    );
    const seqs = await page.locator('.log .line').evaluateAll((rows) => rows.map((row) => Number(row.dataset.seq)));
    const { body } = await apiJson(base, `/api/v1/jobs/${job.id}`);
    const expected = Array.from({ length: body.last_seq }, (_, i) => i + 1);
    if (JSON.stringify(seqs) !== JSON.stringify(expected)) {
      fail(`log after reload: ${seqs.length} lines, expected 1..${body.last_seq} once each`);
    }
    return `reloaded mid-job; ${seqs.length} lines, 1..${body.last_seq}, none missing or doubled`;
  },
};

// ------------------------------------------------------------------ main

async function main() {
  if (!cases[caseName]) {
    console.error(`usage: ui_test.mjs ${Object.keys(cases).join('|')}`);
    return 2;
  }
  try {
    execFileSync(LAB, ['status'], { stdio: 'ignore' });
  } catch {
    console.error('FAIL: the lab is not up (the lab.up test sets it up)');
    return 1;
  }
  const shots = process.env.SCREENSHOT_DIR || join(here, 'screenshots');
  mkdirSync(shots, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), `lbdeploy-browser-${caseName}-`));
  const server = await startServer(work);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const note = await cases[caseName]({ page, base: server.base, shots });
    if (errors.length) fail(`JavaScript errors on the page: ${errors.join('; ')}`);
    console.log(`  ${note}`);
    console.log(`PASS: ${caseName}`);
    return 0;
  } catch (error) {
    console.error(`FAIL: ${error.message}`);
    console.error(`--- server output:\n${server.output().slice(-3000)}`);
    return 1;
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    rmSync(work, { recursive: true, force: true });
  }
}

process.exit(await main());
