import { test } from 'node:test';
import assert from 'node:assert/strict';
import { burnDown, daysIn, nextMonth } from '../../src/pacing.js';

const fen = (n) => ({ fen: n });
const month = (m, left, spent = 0) => ({
  month: m, uncommitted_after: fen(left), spent: fen(spent), granted: fen(0),
});

test('months roll over the year and know their length', () => {
  assert.equal(nextMonth('2025-12'), '2026-01');
  assert.equal(nextMonth('2025-06'), '2025-07');
  assert.equal(daysIn('2024-02'), 29);
  assert.equal(daysIn('2025-02'), 28);
  assert.equal(daysIn('2025-07'), 31);
});

test('without a pace there is no forecast', () => {
  const b = burnDown({ months: [month('2025-06', 500)], pace_per_day: fen(0) });
  assert.deepEqual(b.months, ['2025-06']);
  assert.deepEqual(b.forecast, [null]);
  assert.deepEqual(b.actual, [500]);
});

test('the forecast joins the actual line and runs out at zero', () => {
  // 10,000 fen left at the end of June, 100 fen a day: July takes 3,100,
  // August 3,100, September 3,000, October the last 800.
  const b = burnDown({ months: [month('2025-05', 20000, 7), month('2025-06', 10000, 9)], pace_per_day: fen(100) });
  assert.deepEqual(b.months, ['2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10']);
  assert.deepEqual(b.actual, [20000, 10000, null, null, null, null]);
  assert.deepEqual(b.forecast, [null, 10000, 6900, 3800, 800, 0]);
  assert.deepEqual(b.spent, [7, 9, null, null, null, null]);
});

test('the forecast stops at the horizon', () => {
  const b = burnDown({ months: [month('2025-06', 1e12)], pace_per_day: fen(1) }, 3);
  assert.equal(b.months.length, 4);
  assert.equal(b.forecast[3], 1e12 - 31 - 31 - 30);
});

test('months without money are filled in, keeping the budget where it was', () => {
  const b = burnDown({ months: [month('2025-11', 900, 5), month('2026-02', 700, 3)], pace_per_day: fen(0) });
  assert.deepEqual(b.months, ['2025-11', '2025-12', '2026-01', '2026-02']);
  assert.deepEqual(b.actual, [900, 900, 900, 700]);
  assert.deepEqual(b.spent, [5, 0, 0, 3]);
});
