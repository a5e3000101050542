// Each role's menu and where it lands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homeOf, pagesFor } from '../../src/nav.js';

test('each role sees its own pages', () => {
  assert.deepEqual(pagesFor('operator').map((p) => p.name), ['inbox', 'statements', 'vouchers']);
  assert.deepEqual(pagesFor('provider').map((p) => p.name), ['statements']);
  assert.deepEqual(pagesFor('enterprise').map((p) => p.name), ['statements', 'vouchers']);
  assert.deepEqual(pagesFor(undefined), []);
  assert.equal(homeOf('enterprise'), '/statements');
  assert.equal(homeOf(undefined), '/sign-in');
});
