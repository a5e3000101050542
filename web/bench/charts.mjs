// Time from navigation to the dashboard's charts drawn, in headless
// chromium against a real `baygrid serve` on a copy of a demo database
// (docs/benchmarks.md). The dashboard sets <body data-charts-drawn> to
// performance.now() when its five charts have drawn; the baseline, in the
// same run and browser, is the sign-in page's form on view (the console's
// own start-up without the dashboard's chunk, ECharts and the API reads),
// so the ratio says what the dashboard adds on this noisy machine.
//   node bench/charts.mjs <baygrid binary> <demo.db> [runs]
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [binary, source, runsArg] = process.argv.slice(2);
if (!binary || !source) {
  console.error('usage: node bench/charts.mjs <baygrid binary> <demo.db> [runs]');
  process.exit(2);
}
const runs = Number(runsArg ?? 9);
const web = resolve(new URL('..', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'bg-charts-'));
const db = join(dir, 'demo.db');
copyFileSync(source, db);
const token = execFileSync(binary, ['tokens', 'create', '--db', db, '--role', 'operator', '--scope', '1', '--name', 'bench'], {
  encoding: 'utf8',
}).trim().split(/\s+/).pop();
const server = spawn(binary, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', join(web, 'dist')]);
const base = await new Promise((ok, fail) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)/);
    if (m) ok(m[1]);
  });
  server.on('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--disable-dev-shm-usage'] });

// One cold navigation in a fresh context (no cache), signed in through
// session storage as the console keeps it.
async function measure(path, ready) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  await context.addInitScript((t) => sessionStorage.setItem('baygrid.token', t), token);
  const page = await context.newPage();
  await page.goto(base + path);
  const ms = await ready(page);
  await context.close();
  return ms;
}
const dashboard = (page) =>
  page.waitForFunction(() => document.body.dataset.chartsDrawn, null, { timeout: 30000 }).then(async () =>
    Number(await page.evaluate(() => document.body.dataset.chartsDrawn)),
  );
const signIn = async (page) => {
  await page.locator('[data-test=token]').waitFor();
  return page.evaluate(() => Math.round(performance.now()));
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await measure('/dashboard', dashboard); // warm the server's and the OS's caches once
  const charts = [];
  const base_ = [];
  for (let i = 0; i < runs; ++i) {
    base_.push(await measure('/sign-in?bench', signIn));
    charts.push(await measure('/dashboard', dashboard));
  }
  const c = median(charts);
  const b = median(base_);
  console.log(`RESULT dashboard_charts_ms median=${c} min=${Math.min(...charts)} max=${Math.max(...charts)} runs=${runs}`);
  console.log(`RESULT sign_in_ms median=${b} (baseline) ratio=${(c / b).toFixed(2)}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
