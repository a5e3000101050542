// Each role's menu, the detail pages it may open, and where it lands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGES, homeOf, mayOpen, pagesFor } from '../../src/nav.js';

test('each role sees its own pages', () => {
  assert.deepEqual(pagesFor('operator').map((p) => p.name), ['dashboard', 'inbox', 'jobs', 'vouchers', 'statements', 'network', 'facilities', 'bookings', 'activity']);
  assert.deepEqual(pagesFor('provider').map((p) => p.name), ['jobs', 'pools', 'placements', 'receivables', 'statements', 'network', 'facilities', 'bookings', 'rounds', 'activity']);
  assert.deepEqual(pagesFor('auditor').map((p) => p.name),
    ['dashboard', 'inbox', 'jobs', 'vouchers', 'pools', 'placements', 'statements', 'network', 'facilities', 'bookings', 'rounds', 'audit', 'activity']);
  assert.deepEqual(pagesFor('enterprise').map((p) => p.name), ['quote', 'jobs', 'vouchers', 'money', 'apply', 'statements', 'network', 'facilities', 'bookings', 'rounds', 'activity']);
  assert.deepEqual(pagesFor('expert').map((p) => p.name), ['rounds']);
  assert.equal(homeOf('expert'), '/rounds');
  assert.deepEqual(pagesFor(undefined), []);
  assert.equal(homeOf('operator'), '/dashboard');
  assert.equal(homeOf('enterprise'), '/quote');
  assert.equal(homeOf(undefined), '/sign-in');
});

test('detail pages are not in the menu but open to their roles', () => {
  assert.ok(!pagesFor('auditor').some((p) => p.name === 'journal'));
  assert.ok(mayOpen('auditor', 'journal'));
  assert.ok(!mayOpen('enterprise', 'journal'));
  assert.ok(mayOpen('enterprise', 'voucher'));
  assert.ok(!mayOpen('provider', 'voucher'));
  assert.ok(mayOpen('provider', 'job'));
  assert.ok(mayOpen('provider', 'statement'));
  assert.ok(!mayOpen('enterprise', 'placements'));
});

test('names and paths are declared once', () => {
  assert.equal(new Set(PAGES.map((p) => p.name)).size, PAGES.length);
  assert.equal(new Set(PAGES.map((p) => p.path)).size, PAGES.length);
});
