// The console in a real browser (Debian's chromium through playwright-core)
// against a real `baygrid serve` on port 0, on a two-day demo database in
// a temp dir: finance signs in, finds the closed month's statements in its
// queue, approves one and records its bank payment; the yuan on the page
// are the API's; English on the switch; an enterprise sees its vouchers and
// is sent home from the operators' inbox. Screenshots of each page in both
// languages go to web/test-results/.
//   BAYGRID=build/dev/baygrid node --test test/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const web = resolve(new URL('../..', import.meta.url).pathname);
const baygrid = resolve(process.env.BAYGRID ?? join(web, '../build/release/baygrid'));
const shots = join(web, 'test-results');
const dir = mkdtempSync(join(tmpdir(), 'bg-console-'));
const db = join(dir, 'console.db');
let server;
let base;
let browser;
const tokens = {};

function token(...args) {
  const out = execFileSync(baygrid, ['tokens', 'create', '--db', db, ...args], { encoding: 'utf8' });
  return out.trim().split(/\s+/).pop();
}

async function api(path, who, body) {
  const r = await fetch(base + path, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${tokens[who]}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await r.json();
  assert.ok(r.ok, `${path}: ${JSON.stringify(json)}`);
  return json;
}

before(async () => {
  // BG_E2E_DB: a demo database made before (a copy is used), to iterate
  // on the pages without waiting for the demo.
  if (process.env.BG_E2E_DB) {
    copyFileSync(process.env.BG_E2E_DB, db);
  } else {
    execFileSync(baygrid, ['demo', '--days', '2', '--seed', '7', '--headless', '--db', db], {
      stdio: 'ignore',
    });
  }
  tokens.ent = token('--role', 'enterprise', '--scope', '1', '--name', 'songshan');
  tokens.rev = token('--role', 'operator', '--scope', '1', '--stage', 'reviewer', '--name', 'dg-reviewer');
  tokens.fin = token('--role', 'operator', '--scope', '1', '--stage', 'finance', '--name', 'dg-finance');
  server = spawn(baygrid, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', join(web, 'dist')]);
  base = await new Promise((ok, fail) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) ok(m[1]);
    });
    server.on('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
  });
  // June is over: the reviewer closes it (each provider's statement payable).
  await api('/v1/statements/close', 'rev', { programme: 1, period: '2025-06' });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--disable-dev-shm-usage'],
  });
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

// A page in a context of its own (a fresh session storage; axe needs one).
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1360, height: 820 } });
  return context.newPage();
}

async function signIn(page, who) {
  await page.goto(base + '/statements');
  await page.waitForURL(/\/sign-in/);
  await page.locator('[data-test=token]').fill(tokens[who]);
  await page.locator('[data-test=sign-in]').click();
}

async function noSeriousAxeFinding(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    what,
  );
}

test('finance approves and pays a statement from its queue', async () => {
  const page = await newPage();
  await signIn(page, 'fin');
  await page.waitForURL(/\/statements$/);
  await page.getByText('dg-finance').waitFor();
  const rows = page.locator('[data-test=statements] tbody tr');
  await rows.first().waitFor();
  const queue = await api('/v1/statements?status=payable&lines=false', 'fin');
  assert.equal(await rows.count(), queue.items.length);
  // The yuan on the page are the API's, to the fen.
  const first = queue.items[0];
  const [whole, cents] = first.subsidy.yuan.split('.');
  const shown = `${Number(whole).toLocaleString('en-US')}.${cents}`;
  await page.getByText(first.payee_name).first().waitFor();
  await page.getByText(first.programme_name).first().waitFor();
  await page.getByText(shown).first().waitFor();
  await page.screenshot({ path: join(shots, 'statements-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'statements');

  await page.locator('[data-test=approve]').first().click();
  await page.locator('[data-test=pay]').first().waitFor();
  await page.locator('[data-test=pay]').first().click();
  await page.locator('[data-test=reference]').fill('DG-2025-07-E2E');
  await page.locator('[data-test=record]').click();
  // Paid, it leaves the queue of payable and approved statements.
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-test=statements] tbody tr').length === n,
    queue.items.length - 1,
  );
  const paid = await api('/v1/statements?status=paid&lines=false', 'fin');
  assert.equal(paid.items.length, 1);
  assert.equal(paid.items[0].bank_reference, 'DG-2025-07-E2E');
  assert.equal(paid.items[0].payee, first.payee);

  // English on the switch.
  await page.locator('[data-test=language]').click();
  await page.getByRole('heading', { name: 'Statements' }).waitFor();
  await page.screenshot({ path: join(shots, 'statements-en.png'), fullPage: true });
  await page.locator('[data-test=language]').click();
  await page.context().close();
});

test('an enterprise sees its vouchers and not the operators inbox', async () => {
  const page = await newPage();
  await signIn(page, 'ent');
  await page.waitForURL(/\/statements$/);
  await page.goto(base + '/vouchers');
  await page.getByRole('heading', { name: '算力券' }).waitFor();
  const vouchers = await api('/v1/vouchers?limit=50', 'ent');
  assert.ok(vouchers.items.length > 0);
  await page
    .locator('[data-test=vouchers] tbody tr')
    .first()
    .waitFor()
    .catch(async (e) => {
      await page.screenshot({ path: join(shots, 'vouchers-failed.png'), fullPage: true });
      throw new Error(`${e.message}\npage: ${await page.locator('main').innerText()}`);
    });
  await page.getByText(vouchers.items[0].holder_name).first().waitFor();
  const expired = vouchers.items.filter((v) => v.status === 'expired').length;
  assert.equal(await page.getByText('已过期', { exact: true }).count(), expired);
  await page.screenshot({ path: join(shots, 'vouchers-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'vouchers');
  await page.goto(base + '/inbox');
  await page.waitForURL(/\/jobs$/);
  await page.context().close();
});

test('the reviewer works from the inbox; a bad token is told so', async () => {
  const page = await newPage();
  await page.goto(base + '/');
  await page.waitForURL(/\/sign-in/);
  await page.locator('[data-test=token]').fill('not-a-token');
  await page.locator('[data-test=sign-in]').click();
  await page.locator('.el-alert').waitFor();
  await page.screenshot({ path: join(shots, 'sign-in-zh.png') });
  await page.locator('[data-test=token]').fill(tokens.rev);
  await page.locator('[data-test=sign-in]').click();
  await page.waitForURL(/\/dashboard$/);
  await page.goto(base + '/inbox');
  const inbox = await api('/v1/applications?status=submitted,under_review&sort=-amount&limit=20', 'rev');
  if (inbox.items.length > 0) {
    await page.getByText(inbox.items[0].enterprise_name).first().waitFor();
  } else {
    await page.locator('[data-test=inbox]').getByText('暂无数据').waitFor();
  }
  await page.screenshot({ path: join(shots, 'inbox-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'inbox');
  await page.context().close();
});

// The yuan the console writes for the API's {fen, yuan}: separators, two decimals.
function shownYuan(money) {
  const [whole, cents] = money.yuan.replace('-', '').split('.');
  return `${money.fen < 0 ? '-' : ''}${Number(whole).toLocaleString('en-US')}.${cents}`;
}

test("the operator's dashboard draws the programme's money", async () => {
  const page = await newPage();
  await page.goto(base + '/');
  await page.locator('[data-test=token]').fill(tokens.rev);
  await page.locator('[data-test=sign-in]').click();
  await page.waitForURL(/\/dashboard$/);
  await page.waitForFunction(() => document.body.dataset.chartsDrawn, null, { timeout: 15000 });
  const programme = await api('/v1/programmes/1', 'rev');
  for (const key of ['funded', 'issued', 'spent', 'uncommitted']) {
    const shown = await page.locator(`[data-test=figure-${key}] .figure`).innerText();
    assert.equal(shown, shownYuan(programme.totals[key]), key);
  }
  assert.equal(await page.locator('[data-test=figures] + .charts canvas, .charts canvas').count(), 5);
  await page.screenshot({ path: join(shots, 'dashboard-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'dashboard');
  await page.locator('[data-test=language]').click();
  await page.getByRole('heading', { name: 'Programme dashboard' }).waitFor();
  await page.getByText('Subsidy by enterprise category').waitFor();
  await page.screenshot({ path: join(shots, 'dashboard-en.png'), fullPage: true });
  await page.locator('[data-test=language]').click();
  await page.context().close();
});

test('a reviewer decides applications in bulk and reads their history', async () => {
  // Songshan Lake files two applications and submits them.
  for (const id of [9001, 9002]) {
    await api('/v1/applications', 'ent', { id, programme: 1, amount_fen: (id - 8990) * 100000 });
    await api(`/v1/applications/${id}/review`, 'ent', { step: 'submit' });
  }
  const page = await newPage();
  await signIn(page, 'rev');
  await page.goto(base + '/inbox');
  const row = (id) => page.locator('[data-test=inbox] tbody tr', { hasText: String(id) });
  for (const id of [9001, 9002]) {
    await row(id).waitFor();
    await row(id).locator('.el-checkbox').click();
  }
  await page.getByText('已选 2 项').waitFor();
  await page.locator('[data-test=bulk-start_review]').click();
  await page.locator('[data-test=reason]').fill('材料齐全，进入审核');
  await page.locator('[data-test=decide]').click();
  await page.locator('[data-test=results] li').nth(1).waitFor();
  for (const id of [9001, 9002]) {
    assert.equal((await api(`/v1/applications/${id}`, 'rev')).status, 'under_review');
  }
  // Both stay in the default view (submitted + under review): approve them.
  for (const id of [9001, 9002]) await row(id).locator('.el-checkbox').click();
  await page.locator('[data-test=bulk-approve]').click();
  await page.locator('[data-test=reason]').fill('符合条件');
  await page.locator('[data-test=decide]').click();
  await page.waitForFunction(() =>
    ![...document.querySelectorAll('[data-test=inbox] tbody tr')].some((r) => r.innerText.includes('9001')));
  await page.locator('.el-dialog').waitFor({ state: 'hidden' });
  await page.screenshot({ path: join(shots, 'inbox-decided-zh.png'), fullPage: true });

  // The application's page: its history step by step, with the reasons.
  await page.goto(base + '/applications/9001');
  await page.locator('[data-test=status]').getByText('已批准').waitFor();
  const history = await page.locator('[data-test=history]').innerText();
  assert.match(history, /材料齐全，进入审核/);
  assert.match(history, /符合条件/);
  assert.match(history, /dg-reviewer/);
  const app = await api('/v1/applications/9001', 'rev');
  assert.equal(app.status, 'approved');
  assert.equal(await page.locator('[data-test=history] .el-timeline-item').count(), app.history.length);
  await page.screenshot({ path: join(shots, 'application-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'application');
  await page.context().close();
});
