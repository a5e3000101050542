// Where the network page draws each city: a schematic of the Guangdong
// compute network (粤算) — the Shaoguan hub to the north, the Pearl River
// Delta cities around the estuary — not a survey map (a published map of
// China needs an approval number). Coordinates are on a 1000 × 640 canvas.
// A city not in the table is placed on a ring around the delta, so a new
// jurisdiction still shows.

/** @type {Record<string, [number, number]>} */
export const PLACES = {
  shaoguan: [500, 80],
  guangzhou: [420, 280],
  huangpu: [560, 250],
  foshan: [230, 330],
  dongguan: [660, 330],
  shenzhen: [790, 450],
  guangming: [700, 420],
  zhuhai: [330, 520],
  hong_kong: [880, 570],
  macau: [220, 590],
};

/**
 * @param {string} code a jurisdiction's code
 * @param {number} index its position among the cities not in the table
 * @returns {[number, number]}
 */
export function placeOf(code, index = 0) {
  const known = PLACES[code];
  if (known) return known;
  const angle = (index * 2 * Math.PI) / 8 + Math.PI / 8;
  return [Math.round(500 + 420 * Math.cos(angle)), Math.round(330 + 260 * Math.sin(angle))];
}

/**
 * A curved line from one city to another, bowed to the left of its
 * direction so that a flow and its return do not overlap; and the point
 * halfway along the curve, where its label goes.
 * @param {[number, number]} a
 * @param {[number, number]} b
 * @param {number} [trim] how far short of b the line stops
 */
export function arc(a, b, trim = 0) {
  const [x1, y1] = a;
  const [bx, by] = b;
  const mx = (x1 + bx) / 2;
  const my = (y1 + by) / 2;
  const dx = bx - x1;
  const dy = by - y1;
  const len = Math.hypot(dx, dy) || 1;
  const bow = Math.min(60, len / 4);
  const cx = mx - (dy / len) * bow;
  const cy = my + (dx / len) * bow;
  // The line stops `trim` short of b along its last direction, so an arrow
  // head at its end stays outside the city's circle.
  const tail = Math.hypot(bx - cx, by - cy) || 1;
  const x2 = Math.round(bx - ((bx - cx) / tail) * trim);
  const y2 = Math.round(by - ((by - cy) / tail) * trim);
  /** @param {number} t @returns {[number, number]} the point at t (0..1) along the curve */
  const at = (t) => {
    const u = 1 - t;
    return [Math.round(u * u * x1 + 2 * u * t * cx + t * t * x2), Math.round(u * u * y1 + 2 * u * t * cy + t * t * y2)];
  };
  return { d: `M${x1},${y1} Q${cx.toFixed(1)},${cy.toFixed(1)} ${x2},${y2}`, label: at(0.5), at };
}

/** @typedef {[number, number, number, number]} Box left, top, right, bottom */

/**
 * About how wide `text` is at `size` pixels: a Chinese character is as wide
 * as the font is tall, a digit or Latin letter about 0.6 of it.
 * @param {string} text
 * @param {number} size
 */
export function textWidth(text, size) {
  let w = 0;
  for (const ch of text) w += /[\u2E80-\uFFEF]/.test(ch) ? size : 0.6 * size;
  return w;
}

/**
 * The box of a line of text centred on x with its baseline at y.
 * @param {number} x @param {number} y @param {string} text @param {number} size
 * @returns {Box}
 */
export function textBox(x, y, text, size) {
  const half = textWidth(text, size) / 2;
  return [x - half, y - size, x + half, y + size / 4];
}

/** @param {Box} a @param {Box} b */
function overlaps(a, b) {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/**
 * Where a flow's label goes: the first point along its curve, from the
 * middle outwards, whose text box overlaps none of `taken` (the cities'
 * circles, names and figures, and the labels placed before it, which this
 * adds to). Null when each is taken: that flow goes without a label on the
 * map — the table below it lists every flow.
 * @param {(t: number) => [number, number]} at the curve (arc().at)
 * @param {string} text
 * @param {Box[]} taken
 * @returns {[number, number] | null}
 */
export function placeLabel(at, text, taken) {
  for (const t of [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74]) {
    const [x, y] = at(t);
    const box = textBox(x, y + 4, text, 13);
    if (!taken.some((b) => overlaps(b, box))) {
      taken.push(box);
      return [x, y + 4];
    }
  }
  return null;
}

/**
 * Line widths for flows: 1.5 to 12 pixels, by the square root of the
 * amount (fen), so that small flows stay visible beside the large.
 * @param {number} fen
 * @param {number} largest
 */
export function widthOf(fen, largest) {
  if (largest <= 0 || fen <= 0) return 1.5;
  return 1.5 + 10.5 * Math.sqrt(fen / largest);
}

/**
 * Which flows get a label on the map: the largest `most`, and only those
 * at least a twentieth of the largest, so labels do not pile up (every
 * flow stands in the table below the map).
 * @param {{subsidy: {fen: number}}[]} flows
 * @param {number} [most]
 * @returns {Set<object>}
 */
export function labelled(flows, most = 8) {
  const largest = Math.max(0, ...flows.map((f) => f.subsidy.fen));
  return new Set(
    [...flows]
      .sort((a, b) => b.subsidy.fen - a.subsidy.fen)
      .slice(0, most)
      .filter((f) => f.subsidy.fen * 20 >= largest),
  );
}
