import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLACES, arc, labelled, placeOf, widthOf } from '../../src/layout.js';

test('the hub is north of the delta and unknown cities get a place of their own', () => {
  assert.ok(placeOf('shaoguan')[1] < placeOf('guangzhou')[1]);
  const a = placeOf('nowhere', 0);
  const b = placeOf('elsewhere', 1);
  assert.notDeepEqual(a, b);
  for (const [x, y] of [a, b, ...Object.values(PLACES)]) {
    assert.ok(x >= 0 && x <= 1000 && y >= 0 && y <= 640, `${x},${y}`);
  }
});

test('a flow and its return bow to opposite sides', () => {
  const there = arc([0, 0], [100, 0]);
  const back = arc([100, 0], [0, 0]);
  assert.ok(there.label[1] > 0);
  assert.ok(back.label[1] < 0);
  assert.match(there.d, /^M0,0 Q/);
});

test('line widths grow with the amount and stay visible', () => {
  assert.equal(widthOf(0, 100), 1.5);
  assert.equal(widthOf(100, 100), 12);
  assert.ok(widthOf(25, 100) > widthOf(1, 100));
});

test('only the larger flows are labelled on the map', () => {
  const f = (fen) => ({ subsidy: { fen } });
  const flows = [f(1000), f(40), f(500), f(60), f(900)];
  const shown = labelled(flows, 3);
  assert.deepEqual([...shown].map((x) => x.subsidy.fen), [1000, 900, 500]);
  assert.deepEqual([...labelled(flows)].map((x) => x.subsidy.fen), [1000, 900, 500, 60]);
});

test('a trimmed line stops short of its city', () => {
  const { d } = arc([0, 0], [100, 0], 20);
  const [x, y] = d.split(' ').pop().split(',').map(Number);
  assert.ok(Math.abs(Math.hypot(100 - x, y) - 20) <= 1, d);
});
