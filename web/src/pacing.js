// The budget burn-down the dashboard draws, from GET /v1/programmes/{id}/pacing:
// the uncommitted budget at the end of each month so far, then the forecast
// at the programme's recent pace (pace_per_day, fen per day over the pace
// window) month by month until the budget runs out or a year has passed.
// All in integer fen; the chart turns fen into yuan only to draw.

/**
 * "2025-06" -> the number of days in that month.
 * @param {string} month
 */
export function daysIn(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * The month after "2025-12" is "2026-01".
 * @param {string} month
 */
export function nextMonth(month) {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * @param {{months: {month: string, uncommitted_after: {fen: number}, spent: {fen: number},
 *   granted: {fen: number}}[], pace_per_day: {fen: number}}} pacing
 * @param {number} [horizon] months of forecast at most
 * @returns {{months: string[], actual: (number|null)[], forecast: (number|null)[],
 *   spent: (number|null)[], granted: (number|null)[]}} fen per month; null where a line has no point
 */
export function burnDown(pacing, horizon = 12) {
  const months = [];
  const actual = [];
  const spent = [];
  const granted = [];
  // The API lists the months where money moved; the months between moved
  // nothing and keep the budget where it was, so the axis has no jumps.
  for (const m of pacing.months) {
    while (months.length > 0 && nextMonth(months[months.length - 1]) < m.month) {
      months.push(nextMonth(months[months.length - 1]));
      actual.push(actual[actual.length - 1]);
      spent.push(0);
      granted.push(0);
    }
    months.push(m.month);
    actual.push(m.uncommitted_after.fen);
    spent.push(m.spent.fen);
    granted.push(m.granted.fen);
  }
  const forecast = actual.map(() => null);
  const pace = pacing.pace_per_day?.fen ?? 0;
  if (months.length === 0 || pace <= 0) return { months, actual, forecast, spent, granted };
  // The forecast starts where the actual line ends, so the two join.
  let left = actual[actual.length - 1];
  forecast[forecast.length - 1] = left;
  let month = months[months.length - 1];
  for (let i = 0; i < horizon && left > 0; ++i) {
    month = nextMonth(month);
    left = Math.max(0, left - pace * daysIn(month));
    months.push(month);
    actual.push(null);
    spent.push(null);
    granted.push(null);
    forecast.push(left);
  }
  return { months, actual, forecast, spent, granted };
}
