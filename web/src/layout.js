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
  return {
    d: `M${x1},${y1} Q${cx.toFixed(1)},${cy.toFixed(1)} ${x2},${y2}`,
    label: [Math.round((x1 + 2 * cx + x2) / 4), Math.round((y1 + 2 * cy + y2) / 4)],
  };
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
