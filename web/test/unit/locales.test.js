// Every string is in both languages, and every key the sources use exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../src/', import.meta.url).pathname;
const zh = JSON.parse(readFileSync(join(root, 'locales/zh-CN.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(root, 'locales/en.json'), 'utf8'));

function keys(o, prefix = '') {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

test('zh-CN and en have the same keys', () => {
  assert.deepEqual(keys(en).sort(), keys(zh).sort());
});

test("every t('…') key of the sources is in the locale files", () => {
  const known = new Set(keys(zh));
  const files = [];
  const walk = (dir) => {
    for (const f of readdirSync(dir, { withFileTypes: true })) {
      if (f.isDirectory()) walk(join(dir, f.name));
      else if (/\.(vue|ts|js)$/.test(f.name)) files.push(join(dir, f.name));
    }
  };
  walk(root);
  const missing = [];
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z.]+)'/g)) {
      // `t('statementStatus.' + st)`: a group, checked below.
      if (m[1].endsWith('.')) continue;
      if (!known.has(m[1])) missing.push(`${f}: ${m[1]}`);
    }
  }
  // Keys built at run time: every word the API answers has its name.
  const words = {
    statementStatus: ['open', 'payable', 'approved', 'paid'],
    applicationStatus: ['draft', 'submitted', 'under_review', 'approved', 'rejected',
      'returned_for_info', 'issued', 'withdrawn'],
    voucherStatus: ['approved', 'live', 'expired', 'revoked'],
    role: ['admin', 'operator', 'enterprise', 'provider', 'auditor'],
    stage: ['any', 'reviewer', 'approver', 'finance'],
    jobStatus: ['queued', 'running', 'done', 'cancelled'],
    reviewStep: ['start_review', 'approve', 'return_for_info', 'reject', 'issue'],
    category: ['manufacturing', 'software_it', 'university', 'research_institute', 'start_up', 'other'],
    signature: ['verified', 'batch', 'unverifiable'],
    dashboard: ['funded', 'issued', 'spent', 'uncommitted'],
    tier: ['shared', 'exclusive', 'priority'],
    purpose: ['training', 'fine_tuning', 'inference', 'unspecified'],
  };
  for (const [group, names] of Object.entries(words)) {
    for (const name of names) assert.ok(known.has(`${group}.${name}`), `${group}.${name}`);
  }
  assert.deepEqual(missing, []);
});
