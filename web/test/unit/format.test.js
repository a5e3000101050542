// Money and time as the console writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardHours, cst, cstUnix, newId, parsePercent, parseYuan, percent, todayCst, withFreshId, yuan } from '../../src/format.js';

test('yuan: thousands separators and two decimals from integer fen', () => {
  assert.equal(yuan(0), '0.00');
  assert.equal(yuan(5), '0.05');
  assert.equal(yuan(123456789), '1,234,567.89');
  assert.equal(yuan({ fen: 11461055, yuan: '114610.55' }), '114,610.55');
  assert.equal(yuan(-250), '-2.50');
  // The largest fen the API sends is exact (no float rounding).
  assert.equal(yuan(9007199254740991), '90,071,992,547,409.91');
  assert.equal(yuan(null), '—');
  assert.equal(yuan(1.5), '—');
});

test('cst: China Standard Time, whatever the machine zone', () => {
  assert.equal(cst('2025-06-30T16:05:00Z'), '2025-07-01 00:05');
  assert.equal(cst('2025-06-30T15:59:59Z'), '2025-06-30 23:59');
  assert.equal(cst(null), '—');
  assert.equal(cst('yesterday'), '—');
  assert.equal(todayCst(Date.parse('2026-12-04T16:30:00Z')), '2026-12-05');
});

test('card-hours from card-seconds, and instants from unix seconds', () => {
  assert.equal(cardHours(9000), '2.50');
  assert.equal(cardHours(28800 * 1000), '8,000.00');
  assert.equal(cardHours(1), '0.00');
  assert.equal(cardHours(-5), '—');
  assert.equal(cardHours(undefined), '—');
  assert.equal(cstUnix(1740960000), '2025-03-03 08:00');
  assert.equal(cstUnix(null), '—');
});

test('typed yuan become fen without a float', () => {
  assert.equal(parseYuan('12,000.5'), 1200050);
  assert.equal(parseYuan('0.07'), 7);
  assert.equal(parseYuan(' 1234 '), 123400);
  assert.equal(parseYuan('19.99'), 1999);
  for (const bad of ['', '-5', '1.234', '1,23', 'abc', '1e5', '12,34,567']) assert.equal(parseYuan(bad), null, bad);
});

test('fresh ids are safe integers', () => {
  for (let i = 0; i < 1000; ++i) {
    const id = newId();
    assert.ok(id >= 100_000_000 && id <= 999_999_999, String(id));
  }
});

test('a taken id is drawn again; other failures are not retried', async () => {
  let calls = 0;
  const { id, value } = await withFreshId(async (n) => {
    if (++calls < 3) throw Object.assign(new Error('taken'), { status: 409 });
    return n * 2;
  });
  assert.equal(calls, 3);
  assert.equal(value, id * 2);
  calls = 0;
  await assert.rejects(withFreshId(async () => {
    ++calls;
    throw Object.assign(new Error('bad'), { status: 400 });
  }), /bad/);
  assert.equal(calls, 1);
  await assert.rejects(withFreshId(async () => {
    throw Object.assign(new Error('always taken'), { status: 409 });
  }, 2), /always taken/);
});

test('percentages become basis points and back without a float', () => {
  assert.equal(parsePercent('50'), 5000);
  assert.equal(parsePercent('37.5'), 3750);
  assert.equal(parsePercent('0.25%'), 25);
  assert.equal(parsePercent('100'), 10000);
  for (const bad of ['', '100.01', '-1', '1.234', 'half']) assert.equal(parsePercent(bad), null, bad);
  assert.equal(percent(3750), '37.5');
  assert.equal(percent(5000), '50');
  assert.equal(percent(25), '0.25');
  assert.equal(percent(null), '');
  for (const bp of [0, 1, 99, 1234, 5000, 10000]) assert.equal(parsePercent(percent(bp)), bp);
});
