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
import { generateKeyPairSync, sign } from 'node:crypto';
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
    execFileSync(baygrid, ['demo', '--days', '2', '--jobs', '1000', '--seed', '7', '--headless', '--db', db], {
      stdio: 'ignore',
    });
  }
  tokens.ent = token('--role', 'enterprise', '--scope', '1', '--name', 'songshan');
  tokens.rev = token('--role', 'operator', '--scope', '1', '--stage', 'reviewer', '--name', 'dg-reviewer');
  tokens.fin = token('--role', 'operator', '--scope', '1', '--stage', 'finance', '--name', 'dg-finance');
  tokens.admin = token('--role', 'admin', '--name', 'e2e-admin');
  tokens.auditor = token('--role', 'auditor', '--name', 'e2e-auditor');
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
  // Signed in once the console has left the sign-in page.
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
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

test("the reviewer closes June in the console: each payee's statement becomes payable", async () => {
  const page = await newPage();
  await signIn(page, 'rev');
  await page.goto(base + '/statements');
  await page.locator('[data-test=close-period]').fill('2025-06');
  await page.locator('[data-test=close]').click();
  await page.locator('[data-test=closed]').waitFor();
  const queue = await api('/v1/statements?status=payable&lines=false', 'rev');
  assert.ok(queue.items.length > 0);
  assert.match(await page.locator('[data-test=closed]').innerText(), new RegExp(`2025-06 已结账：${queue.items.length} 张`));
  await page.context().close();
});

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
  await page.waitForURL(/\/quote$/);
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

test('an enterprise applies in the console and the reviewer finds it in the inbox', async () => {
  const page = await newPage();
  await signIn(page, 'ent');
  await page.goto(base + '/apply');
  await page.locator('[data-test=amount]').fill('12,345.6');
  await page.locator('[data-test=apply]').click();
  const link = page.locator('[data-test=filed] a');
  await link.waitFor();
  const id = Number((await link.getAttribute('href')).split('/').pop());
  const filed = await api(`/v1/applications/${id}`, 'rev');
  assert.equal(filed.status, 'submitted');
  assert.equal(filed.amount.fen, 1234560);
  assert.equal(filed.enterprise, 1);
  // It heads the enterprise's own list; a bad amount is said at the field.
  await page.locator('[data-test=applications] tbody tr').first().getByText(String(id)).waitFor();
  await page.locator('[data-test=amount]').fill('12.345');
  await page.locator('[data-test=apply]').click();
  await page.getByText('请填写以元为单位的金额').waitFor();
  await page.context().close();

  const inbox = await newPage();
  await signIn(inbox, 'rev');
  await inbox.goto(base + '/inbox');
  await inbox.locator('[data-test=inbox] tbody tr', { hasText: String(id) }).getByText('12,345.60').waitFor();
  await inbox.context().close();
});

// A usage record as a provider's agent signs it (metering/usage.cc,
// SignedBytes: "BGU1", id, provider, order, start, end as u64, cards as
// u32, little-endian), signed with the provider's Ed25519 key.
function signedRecord(privateKey, r) {
  const bytes = Buffer.alloc(4 + 8 * 5 + 4);
  bytes.write('BGU1', 0, 'ascii');
  [r.id, r.provider, r.order, r.start_unix_s, r.end_unix_s].forEach((v, i) => bytes.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  bytes.writeUInt32LE(r.cards, 44);
  return { ...r, signature_hex: sign(null, bytes, privateKey).toString('hex') };
}

const state = {};

test('an enterprise quotes across the network, submits, and watches usage arrive', async () => {
  const page = await newPage();
  await signIn(page, 'ent');
  await page.goto(base + '/quote');
  await page.locator('[data-test=ask]').click();
  const options = page.locator('[data-test=options] .el-table__body-wrapper tbody tr');
  await options.first().waitFor();
  // The page shows what the API quotes: every option and every pool left out.
  const quote = await api('/v1/quotes', 'ent', { accelerator: 'A800', cards: 8, walltime_s: 36000, tier: 'shared', purpose: 'training' });
  assert.equal(await options.count(), quote.options.length);
  assert.equal(await page.locator('[data-test=excluded] tbody tr').count(), quote.excluded.length);
  // Why here and why not there, in the console's Chinese.
  await page.getByText(quote.excluded[0].reason_zh).first().waitFor();
  await page.getByText(quote.options[0].subsidy_note_zh).first().waitFor();
  await page.screenshot({ path: join(shots, 'quote-asked-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'quote');

  await page.locator('[data-test=submit]').first().click();
  await page.waitForURL(/\/jobs\/\d+$/);
  const id = Number(page.url().split('/').pop());
  const job = await api(`/v1/jobs/${id}`, 'ent');
  assert.equal(job.pool, quote.options[0].pool);
  state.job = id;

  // The provider that runs it reports a signed minute of use; the page,
  // reading a running job again every few seconds, shows it verified.
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const provider = job.provider;
  const made = await api('/v1/tokens', 'admin', { id: 700 + provider, role: 'provider', scope: provider, name: `ops-${provider}` });
  tokens.prov = made.token;
  await api('/v1/provider-keys', 'prov', { public_key_hex: raw });
  const start = job.start_unix_s;
  // Record ids are the provider's, once each forever: one the demo's agent never used.
  const record = signedRecord(privateKey, { id: 9e12 + id, provider, order: id, start_unix_s: start, end_unix_s: start + 60, cards: 8 });
  const usage = await api('/v1/usage', 'prov', { records: [record] });
  assert.equal(usage.results[0].result, 'ok', JSON.stringify(usage));
  await page.locator('[data-test=usage] tbody tr').first().waitFor({ timeout: 15000 });
  await page.locator('[data-test=usage]').getByText('已验证').waitFor();
  await page.screenshot({ path: join(shots, 'job-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'job');
  await page.context().close();
});

test('the admin registers two facilities and an enterprise finds them by kind', async () => {
  const fees = { own_fee_fen: 30000, academic_fee_fen: 100000, industry_fee_fen: 250000 };
  await api('/v1/facilities', 'admin', {
    id: 1, name: '冷冻电镜 Krios 1', name_en: 'cryo-EM Krios 1', institution: 3, kind: 'cryo_em',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'], from_hour: 8, to_hour: 20, training: '冷冻电镜上机培训',
    maintenance: [{ from: '2025-07-01', to: '2025-07-08', why: 'autoloader service' }], assumed: true, ...fees,
  });
  await api('/v1/facilities', 'admin', {
    id: 2, name: '机器人关节可靠性测试台', name_en: 'robot joint reliability test bench', institution: 4,
    kind: 'test_lab', capacity: 2, ...fees,
  });
  const page = await newPage();
  await signIn(page, 'ent');
  await page.goto(base + '/facilities');
  const rows = page.locator('[data-test=facilities] .el-table__body-wrapper tbody tr');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), (await api('/v1/facilities', 'ent')).items.length);
  assert.match(await rows.first().innerText(), /冷冻电镜 Krios 1[\s\S]*周一–周五 08:00–20:00[\s\S]*2,500\.00/);
  assert.match(await rows.first().innerText(), /冷冻电镜 · 示例数据/);  // assumed: marked
  assert.doesNotMatch(await rows.nth(1).innerText(), /示例数据/);
  await page.locator('[data-test=kind]').click();
  await page.getByRole('option', { name: '检测实验室' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test=facilities] tbody tr').length === 1);
  assert.match(await rows.first().innerText(), /机器人关节可靠性测试台/);
  await page.screenshot({ path: join(shots, 'facilities-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'facilities');
  await page.context().close();
});

// A walk-in: the enterprise books the hour in progress in the console; the
// institution records the user's safety course when check-in asks for it,
// checks it in and out there, and the check-out's fee splits into what the
// innovation voucher paid and what the user pays; the voucher programme's
// operator sees the booking and its share.
test('an enterprise books an instrument, and its institution checks it in and out', async () => {
  // The desk of provider 1's institution (the test stands alone: no token of another test).
  const lab = 1;
  tokens.lab ??= (await api('/v1/tokens', 'admin', { id: 650, role: 'provider', scope: lab, name: 'lab-desk' })).token;
  await api('/v1/facilities', 'admin', {
    id: 3, name: '高分辨质谱仪', name_en: 'high-resolution mass spectrometer', institution: lab,
    kind: 'mass_spectrometer', capacity: 1, own_fee_fen: 0, academic_fee_fen: 40000, industry_fee_fen: 90000,
    booking_quota_hours: 20, training: '质谱实验室安全培训',
  });
  // Dongguan's innovation vouchers (科技创新券) pay half of mass spectrometry;
  // the user holds one, and the programme's operator follows what it paid.
  await api('/v1/programmes', 'admin', {
    id: 90, name: '东莞科技创新券（测试）', kind: '科技创新券', covers: 'facilities', facility_kinds: ['mass_spectrometer'],
    issuer: 4, valid_from: '2026-01-01', valid_until: '2028-01-01', total_budget_fen: 100000000, ratio_bp: 5000,
  });
  await api('/v1/applications', 'ent', { id: 9090, programme: 90, amount_fen: 1000000 });
  await api('/v1/applications/9090/review', 'ent', { step: 'submit' });
  for (const step of ['start_review', 'approve', 'issue']) await api('/v1/applications/9090/review', 'admin', { step });
  tokens.vop ??= (await api('/v1/tokens', 'admin', { id: 652, role: 'operator', scope: 90, name: 'innovation-desk' })).token;
  const page = await newPage();
  await signIn(page, 'ent');
  await page.goto(base + '/bookings');
  await page.locator('[data-test=facility]').click();
  await page.getByRole('option', { name: /高分辨质谱仪/ }).click();
  const now = new Date(Date.now() + 8 * 3600 * 1000).toISOString();  // China Standard Time
  const start = page.locator('[data-test=start] input');
  await start.fill(`${now.slice(0, 10)} ${now.slice(11, 13)}:00`);
  await start.press('Enter');
  // The picker's panel (an unnamed dialog) fades out before axe reads the page.
  await page.locator('.el-picker__popper').waitFor({ state: 'hidden' });
  await page.locator('[data-test=book]').click();
  const rows = page.locator('[data-test=bookings] .el-table__body-wrapper tbody tr');
  await rows.first().getByText('已预约').waitFor();
  const mine = (await api('/v1/bookings', 'ent')).items;
  assert.equal(mine.length, 1);
  assert.equal(mine[0].facility_name, '高分辨质谱仪');
  assert.equal(mine[0].hours, 2);
  assert.equal(await page.locator('[data-test=check-in]').count(), 0, 'the user does not check itself in');
  await page.screenshot({ path: join(shots, 'bookings-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'bookings');
  await page.context().close();

  const desk = await newPage();
  await signIn(desk, 'lab');
  await desk.goto(base + '/bookings');
  // The user has not taken the instrument's safety course: the desk is
  // asked, records it, and the check-in goes through.
  await desk.locator('[data-test=check-in]').click();
  const box = desk.locator('.el-message-box');
  await box.getByText('质谱实验室安全培训').waitFor();
  await box.locator('.el-button--primary').click();
  await box.waitFor({ state: 'hidden' });
  await desk.locator('[data-test=check-out]').click();
  const trained = (await api(`/v1/trainings?user=${mine[0].user}`, 'lab')).items;
  assert.equal(trained.length, 1);
  assert.equal(trained[0].training, '质谱实验室安全培训');
  assert.equal(trained[0].by, lab);
  await desk.locator('.el-message-box input').fill('45');
  await desk.locator('.el-message-box .el-button--primary').click();
  const deskRows = desk.locator('[data-test=bookings] .el-table__body-wrapper tbody tr');
  await deskRows.first().getByText('已使用').waitFor();
  const used = await api(`/v1/bookings/${mine[0].id}`, 'lab');
  assert.equal(used.minutes_used, 45);
  assert.equal(used.fee.fen, 67500);  // 900 yuan an hour for 45 minutes
  assert.equal(used.voucher.fen, 33750);  // half, on the innovation voucher
  assert.equal(used.voucher.fen + used.self_pay.fen, used.fee.fen);
  assert.match(await deskRows.first().innerText(), /675\.00/);
  await desk.context().close();

  // The voucher operator sees the booking its programme paid for, and its share.
  const office = await newPage();
  await signIn(office, 'vop');
  await office.goto(base + '/bookings');
  const paid = office.locator('[data-test=bookings] .el-table__body-wrapper tbody tr');
  await paid.first().locator('[data-test=paid-by]').getByText('东莞科技创新券（测试）').waitFor();
  assert.equal(await paid.count(), 1);
  assert.match(await paid.first().innerText(), /高分辨质谱仪[\s\S]*337\.50/);
  await noSeriousAxeFinding(office, 'bookings (voucher operator)');
  await office.context().close();
});

// A round for a neutron station: the user office opens the call (API); an
// enterprise proposes in the console; the user office takes the admin
// check there and judges it feasible.
test('an enterprise proposes to a round, and the user office screens it', async () => {
  await api('/v1/facilities', 'admin', {
    id: 4, name: '小角中子散射仪', name_en: 'small-angle neutron scattering', institution: 1,
    kind: 'neutron_station', capacity: 1, own_fee_fen: 0, academic_fee_fen: 150000, industry_fee_fen: 600000,
  });
  const hour = 3600 * 1000;
  const at = (ms) => new Date(Math.floor(ms / hour) * hour).toISOString().replace('.000Z', 'Z');
  await api('/v1/rounds', 'admin', {
    id: 1, name: '2027 春季机时', proposals_from: at(Date.now() - hour), proposals_until: at(Date.now() + 7 * 24 * hour),
    period_start: at(Date.now() + 14 * 24 * hour), days: 7, facilities: [4], offered_percent: 50,
  });
  const page = await newPage();
  await signIn(page, 'ent');
  await page.goto(base + '/rounds');
  await page.locator('[data-test=propose-form]').waitFor();
  await page.locator('[data-test=title] input').fill('减速器齿面残余应力的中子衍射测量');
  await page.locator('[data-test=facilities]').click();
  await page.getByRole('option', { name: '小角中子散射仪' }).click();
  await page.keyboard.press('Escape');
  await page.locator('[data-test=propose]').click();
  const rows = page.locator('[data-test=proposals] .el-table__body-wrapper tbody tr');
  await rows.first().getByText('已提交').waitFor();
  const mine = (await api('/v1/proposals', 'ent')).items;
  assert.equal(mine.length, 1);
  assert.equal(mine[0].hours, 24);
  assert.equal(mine[0].facilities[0].name, '小角中子散射仪');
  assert.equal(mine[0].reviewers, undefined, 'an applicant does not see who reviews it');
  await page.screenshot({ path: join(shots, 'rounds-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'rounds');
  await page.context().close();

  const office = await newPage();
  await signIn(office, 'admin');
  await office.goto(base + '/rounds');
  await office.locator('[data-test=admin-pass]').click();
  await office.locator('[data-test=feasible]').click();
  const officeRows = office.locator('[data-test=proposals] .el-table__body-wrapper tbody tr');
  await officeRows.first().getByText('可行').waitFor();
  assert.equal((await api(`/v1/proposals/${mine[0].id}`, 'admin')).status, 'feasible');
  await office.context().close();
});

// An outside expert signs in with a token of its own, sees only the
// proposal assigned to it, and scores it; the user office sees the score.
test('an expert reviewer scores the proposal assigned to it', async () => {
  // A round whose window closes in two seconds, so that it can be assigned.
  const second = 1000;
  const hour = 3600 * second;
  const closes = Math.ceil(Date.now() / second) * second + 2 * second;
  // The API takes whole seconds: "2026-12-07T10:00:02Z".
  const utc = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  await api('/v1/rounds', 'admin', {
    id: 2, name: '2027 夏季快速通道', proposals_from: utc(closes - hour), proposals_until: utc(closes),
    period_start: utc(Math.ceil((Date.now() + 24 * hour) / hour) * hour), days: 7,
    facilities: [4], offered_percent: 50, reviewers_per_proposal: 1,
  });
  await api('/v1/proposals', 'ent', { id: 77, round: 2, title: '机器人关节润滑脂的中子成像', facilities: [4], hours: 8 });
  await api('/v1/proposals/77/screen', 'admin', { step: 'admin_check', pass: true });
  await api('/v1/proposals/77/screen', 'admin', { step: 'feasibility', pass: true });
  await api('/v1/reviewers', 'admin', { id: 7, name: '王教授', institution: 1, kinds: ['neutron_station'] });
  tokens.expert ??= (await api('/v1/tokens', 'admin', { id: 651, role: 'expert', scope: 7, name: 'expert-7' })).token;
  // The window must have closed before reviewers are assigned.
  await new Promise((done) => setTimeout(done, Math.max(0, closes - Date.now() + 100)));
  await api('/v1/rounds/2/assign', 'admin', {});

  const page = await newPage();
  await signIn(page, 'expert');
  await page.waitForURL(/\/rounds/);
  const rows = page.locator('[data-test=proposals] .el-table__body-wrapper tbody tr');
  await rows.first().getByText('机器人关节润滑脂的中子成像').waitFor();
  assert.equal(await rows.count(), 1, 'an expert sees only what it was assigned');
  await page.locator('[data-test=my-score-button]').click();
  await page.locator('.el-message-box input').fill('4');
  await page.locator('.el-message-box .el-button--primary').click();
  await rows.first().getByText('我的评分 4').waitFor();
  // The prompt fades out: axe reads the page once it is gone.
  await page.locator('.el-message-box').waitFor({ state: 'hidden' });
  await noSeriousAxeFinding(page, 'rounds (expert)');
  await page.context().close();
  const seen = await api('/v1/proposals/77', 'admin');
  assert.deepEqual(seen.reviewers.map((r) => [r.name, r.score]), [['王教授', 4]]);
});

test("a provider changes a pool's prices and the API answers the new ones", async () => {
  const page = await newPage();
  await signIn(page, 'prov');
  await page.goto(base + '/pools');
  const rows = page.locator('[data-test=pools] .el-table__body-wrapper tbody tr');
  await rows.first().waitFor();
  const pools = await api(`/v1/pools?provider=${(await api('/v1/me', 'prov')).scope}&limit=50`, 'prov');
  assert.equal(await rows.count(), pools.items.length);
  await page.screenshot({ path: join(shots, 'pools-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'pools');
  await page.locator('[data-test=edit]').first().click();
  await page.locator('[data-test=price-shared]').fill('7.25');
  await page.locator('[data-test=save]').click();
  await page.locator('[data-test=pools]').getByText('7.25').first().waitFor();
  const after = await api(`/v1/pools?provider=${pools.items[0].provider}&limit=50`, 'prov');
  assert.equal(after.items[0].price_per_card_hour.shared.fen, 725);
  await page.goto(base + '/receivables');
  await page.locator('[data-test=owed]').waitFor();
  const money = await api(`/v1/providers/${pools.items[0].provider}/money`, 'prov');
  assert.equal(await page.locator('[data-test=owed]').innerText(), shownYuan(money.owed));
  await page.screenshot({ path: join(shots, 'receivables-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'receivables');
  await page.context().close();
});

test("a statement opens on its charge lines, each down to the job it billed", async () => {
  const june = await api('/v1/statements?programme=1&period=2025-06&lines=false', 'rev');
  const st = june.items.reduce((a, b) => (b.line_count > a.line_count ? b : a));
  assert.ok(st.line_count > 0, JSON.stringify(st));
  state.statement = `/statements/1/2025-06/${st.payee_kind}/${st.payee}`;
  const page = await newPage();
  await signIn(page, 'rev');
  await page.goto(base + state.statement);
  await page.locator('[data-test=subsidy]').getByText(shownYuan(st.subsidy)).waitFor();
  const lines = await api(`/v1/statements/lines?programme=1&period=2025-06&${st.payee_kind}=${st.payee}&limit=50`, 'rev');
  const rows = page.locator('[data-test=lines] tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), lines.items.length);
  await page.getByText(st.payee_name).first().waitFor();
  await page.screenshot({ path: join(shots, 'statement-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'statement');
  // Every line's subsidy links down to its job; the first one opens it.
  const line = lines.items.find((l) => l.job);
  await rows.nth(lines.items.indexOf(line)).getByRole('link', { name: shownYuan(line.subsidy) }).click();
  await page.waitForURL(new RegExp(`/jobs/${line.job}$`));
  await page.context().close();
});

test('a provider watches its placements run', async () => {
  const page = await newPage();
  await signIn(page, 'prov');
  await page.goto(base + '/placements');
  const placed = await api('/v1/placements?limit=50', 'prov');
  const rows = page.locator('[data-test=placements] tbody tr');
  if (placed.items.length > 0) {
    await rows.first().waitFor();
    assert.equal(await rows.count(), placed.items.length);
    await page.getByText(placed.items[0].enterprise_name).first().waitFor();
  } else {
    await page.getByText('当前没有运行中的作业').waitFor();
  }
  await noSeriousAxeFinding(page, 'placements');
  await page.context().close();
});

test('an operator drills from the programme total down to a journal entry', async () => {
  const page = await newPage();
  await signIn(page, 'rev');
  await page.goto(base + '/dashboard');
  await page.locator('[data-test=figure-spent] a').click();
  await page.waitForURL(/\/jobs\?programme=1$/);
  const jobs = await api('/v1/jobs?programme=1&limit=30', 'rev');
  const first = jobs.items[0];
  const row = page.locator('[data-test=jobs] tbody tr').first();
  await row.getByText(shownYuan(first.voucher_charged)).waitFor();
  await row.getByRole('link', { name: shownYuan(first.voucher_charged) }).click();
  await page.waitForURL(new RegExp(`/jobs/${first.id}$`));

  // The job's trail: its figures are the API's, and its transfers add up.
  const trail = await api(`/v1/jobs/${first.id}/trail`, 'rev');
  assert.equal(trail.totals.reconciles, true);
  await page.locator('[data-test=voucher-charged]').getByText(shownYuan(first.voucher_charged)).waitFor();
  await page.locator('[data-test=reconciles] .el-tag').getByText('转账与作业金额逐分相符').waitFor();
  const transfers = page.locator('[data-test=transfers] tbody tr');
  assert.equal(await transfers.count(), trail.transfers.length);
  assert.equal(await page.locator('[data-test=usage] tbody tr').count(), trail.usage.length);
  await page.screenshot({ path: join(shots, 'trail-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'trail');

  // Down to the journal entry that made the first transfer durable.
  const t0 = trail.transfers[0];
  await page.locator('[data-test=journal-link]').first().click();
  await page.waitForURL(new RegExp(`/journal/${t0.journal_entry}$`));
  await page.locator('[data-test=chain]').getByText('校验通过').waitFor();
  const entry = await api(`/v1/journal/${t0.journal_entry}`, 'rev');
  assert.equal(entry.chain_ok, true);
  assert.ok(entry.transfers.some((t) => t.id === t0.id), 'the entry lists the transfer');
  await page.getByText(t0.id, { exact: true }).first().waitFor();
  await page.getByText(entry.hash).waitFor();
  await page.screenshot({ path: join(shots, 'journal-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'journal');
  state.journal = t0.journal_entry;
  await page.context().close();
});

test('the programme editor prices a sample order as the rules change, then amends them', async () => {
  const page = await newPage();
  await signIn(page, 'admin');
  await page.goto(base + '/programmes/1/edit');
  const subsidy = page.locator('[data-test=preview-subsidy]');
  // Dongguan pays 50%: 10,000 yuan of compute gets 5,000.
  await subsidy.getByText('5,000.00').waitFor();
  await page.locator('[data-test=ratio]').fill('30');
  await subsidy.getByText('3,000.00').waitFor();
  // What the page says is what the server computes for the same rules.
  const programme = await api('/v1/programmes/1', 'admin');
  const definition = { ...programme.versions.at(-1).definition, ratio_bp: 3000 };
  const me = await api('/v1/enterprises?limit=1', 'admin');
  const providers = await api('/v1/providers?limit=1', 'admin');
  const server = await api('/v1/programmes/preview', 'admin', {
    programme: definition,
    order: { enterprise: me.items[0].id, provider: providers.items[0].id, amount_fen: 1000000, purpose: 'training', resource: 'domestic' },
  });
  assert.equal(server.subsidy.fen, 300000);
  // The JSON it will send: only what changes, from when and why.
  const sent = JSON.parse(await page.locator('[data-test=json]').innerText());
  assert.equal(sent.ratio_bp, 3000);
  assert.deepEqual(Object.keys(sent).sort(), ['effective_from', 'ratio_bp', 'reason']);
  // A bad percentage is said at the field, and nothing can be sent.
  await page.locator('[data-test=ratio]').fill('130');
  await page.getByText('0 到 100 的百分比，最多两位小数').waitFor();
  assert.equal(await page.locator('[data-test=save]').isDisabled(), true);
  await page.locator('[data-test=ratio]').fill('30');
  await page.locator('[data-test=amend-reason]').fill('2027 年起补贴比例调整为 30%');
  await page.screenshot({ path: join(shots, 'editor-zh.png'), fullPage: true });
  await noSeriousAxeFinding(page, 'editor');
  await page.locator('[data-test=save]').click();
  await page.waitForURL(/\/dashboard$/);
  const after = await api('/v1/programmes/1', 'admin');
  assert.equal(after.versions.length, programme.versions.length + 1);
  assert.equal(after.versions.at(-1).definition.ratio_bp, 3000);
  await page.context().close();
});

test('the main actions are reached and taken with the keyboard alone', async () => {
  const page = await newPage();
  await page.goto(base + '/sign-in');
  // Sign in: Tab to the token field, type, Enter.
  await page.keyboard.press('Tab');
  for (let i = 0; i < 12 && !(await page.locator('[data-test=token]').evaluate((e) => e === document.activeElement)); ++i) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.type(tokens.ent);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/quote$/);
  // Quote: Tab until the quote button has focus, then Enter.
  let reached = false;
  for (let i = 0; i < 40 && !reached; ++i) {
    await page.keyboard.press('Tab');
    reached = await page.locator('[data-test=ask]').evaluate((e) => e === document.activeElement);
  }
  assert.ok(reached, 'the quote button is in the tab order');
  await page.keyboard.press('Enter');
  await page.locator('[data-test=options] .el-table__body-wrapper tbody tr').first().waitFor();
  // Every link and button on the page can take focus (none is a click-only box).
  const unreachable = await page.evaluate(() =>
    [...document.querySelectorAll('main a, main button')]
      .filter((e) => e.getBoundingClientRect().width > 0 && !e.disabled && e.tabIndex < 0)
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unreachable, []);
  await page.context().close();
});

// Every page of every role, in Chinese and in English: a screenshot each
// (docs/console.md shows them), no serious axe finding, no text cut by a
// page that failed to load.
test('every page in both languages', async () => {
  const vouchers = await api('/v1/vouchers?programme=1&limit=1', 'rev');
  const programmeJob = (await api('/v1/jobs?programme=1&limit=1', 'rev')).items[0].id;
  const tour = [
    ['rev', 'dashboard', '/dashboard'],
    ['rev', 'inbox', '/inbox'],
    ['rev', 'application', '/applications/9001'],
    ['rev', 'jobs', '/jobs?programme=1'],
    ['rev', 'vouchers', '/vouchers?programme=1'],
    ['rev', 'voucher', `/vouchers/${vouchers.items[0].id}`],
    ['rev', 'trail', `/jobs/${programmeJob}`],
    ['rev', 'journal', `/journal/${state.journal ?? 1}`],
    ['fin', 'statements', '/statements'],
    ['rev', 'statement', state.statement ?? '/statements/1/2025-06/provider/1'],
    ['admin', 'editor', '/programmes/1/edit'],
    ['ent', 'quote', '/quote'],
    ['ent', 'money', '/money?month=2025-06'],
    ['ent', 'apply', '/apply'],
    ['prov', 'pools', '/pools'],
    ['prov', 'placements', '/placements'],
    ['prov', 'receivables', '/receivables'],
    ['auditor', 'network', '/network'],
    ['ent', 'facilities', '/facilities'],
    ['ent', 'bookings', '/bookings'],
    ['admin', 'rounds', '/rounds'],
    ['auditor', 'audit', '/audit'],
    ['auditor', 'activity', '/activity'],
  ];
  for (const lang of ['zh', 'en']) {
    for (const [who, name, path] of tour) {
      const context = await browser.newContext({ viewport: { width: 1360, height: 820 } });
      await context.addInitScript(
        ([t, l]) => {
          sessionStorage.setItem('baygrid.token', t);
          localStorage.setItem('baygrid.lang', l === 'en' ? 'en' : 'zh-CN');
        },
        [tokens[who], lang],
      );
      const page = await context.newPage();
      await page.goto(base + path);
      await page.locator('main h1').waitFor();
      assert.equal(new URL(page.url()).pathname, path.split('?')[0], `${who} opens ${path}`);
      await page.waitForFunction(() => !document.querySelector('main .el-loading-mask'));
      assert.equal(await page.locator('main .el-alert--error').count(), 0, `${name} (${lang}) shows an error`);
      if (name === 'dashboard') await page.waitForFunction(() => document.body.dataset.chartsDrawn);
      // The first screen of each page (docs/console.md shows them; a whole
      // long list would only weigh the repository down).
      await page.screenshot({ path: join(shots, `${name}-${lang}.png`) });
      if (lang === 'zh') await noSeriousAxeFinding(page, name);
      await context.close();
    }
  }
});
