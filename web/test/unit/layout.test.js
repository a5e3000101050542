import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLACES, arc, labelled, placeLabel, placeOf, textBox, textWidth, widthOf } from '../../src/layout.js';

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

test('Chinese text is measured wider than digits', () => {
  assert.equal(textWidth('在用', 12), 24);
  assert.ok(Math.abs(textWidth('76,145.65', 13) - 9 * 7.8) < 1e-9);
  const [l, top, r, bottom] = textBox(100, 50, '韶关市', 15);
  assert.deepEqual([l, r], [77.5, 122.5]);
  assert.ok(top < 50 && bottom > 50);
});

test("a flow's label keeps clear of a city's words and of the labels placed before", () => {
  const curve = arc([0, 0], [800, 0]);
  const middle = curve.at(0.5);
  // Nothing in the way: the middle of the curve.
  assert.deepEqual(placeLabel(curve.at, '1,000.00', []), [middle[0], middle[1] + 4]);
  // A city's line of text over the middle: the label moves along the curve.
  const taken = [textBox(middle[0], middle[1] + 4, '在用 0%（0/6400 卡）', 12)];
  const moved = placeLabel(curve.at, '1,000.00', taken);
  assert.ok(moved && moved[0] !== middle[0], String(moved));
  assert.equal(taken.length, 2, 'the placed label is taken too');
  // A second label on the same curve does not land on the first.
  const second = placeLabel(curve.at, '1,000.00', taken);
  assert.ok(second && second[0] !== moved[0]);
  // Everywhere taken: no label (the flow stays in the table).
  assert.equal(placeLabel(curve.at, '1,000.00', [[-1000, -1000, 1000, 1000]]), null);
});
