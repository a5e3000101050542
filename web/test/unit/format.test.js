// Money and time as the console writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cst, todayCst, yuan } from '../../src/format.js';

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
