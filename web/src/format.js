// How the console writes money and time: yuan with thousands separators
// and two decimals from the API's integer fen (never through a float), and
// instants in China Standard Time, the time of the programmes' rules.

/**
 * 123456789 fen -> "1,234,567.89"; negative amounts keep their sign.
 * @param {number | {fen: number} | null | undefined} value fen, or the API's {fen, yuan}
 * @returns {string}
 */
export function yuan(value) {
  if (value === null || value === undefined) return '—';
  const fen = typeof value === 'object' ? value.fen : value;
  if (!Number.isSafeInteger(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100).toString().padStart(2, '0');
  return `${sign}${whole}.${cents}`;
}

/**
 * An RFC 3339 instant -> "2025-06-30 18:05" in China Standard Time (UTC+8,
 * no daylight saving), or "—".
 * @param {string | null | undefined} iso
 * @returns {string}
 */
export function cst(iso) {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  const t = new Date(ms + 8 * 3600 * 1000);
  const pad = (n) => n.toString().padStart(2, '0');
  return (
    `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ` +
    `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`
  );
}

/**
 * Seconds since 1970 (the API's `*_unix_s`) -> the same as cst().
 * @param {number | null | undefined} seconds
 * @returns {string}
 */
export function cstUnix(seconds) {
  if (!Number.isSafeInteger(seconds)) return '—';
  return cst(new Date(seconds * 1000).toISOString());
}

/**
 * Card-seconds -> card-hours with two decimals and separators
 * (9000 -> "2.50"), in integers so that a long month does not drift.
 * @param {number | null | undefined} seconds
 * @returns {string}
 */
export function cardHours(seconds) {
  if (!Number.isSafeInteger(seconds) || seconds < 0) return '—';
  const hundredths = Math.round((seconds * 100) / 3600);
  return yuan(hundredths);
}

/**
 * Today's date in China Standard Time ("2026-12-05"): a payment's value date.
 * @param {number} [nowMs]
 * @returns {string}
 */
export function todayCst(nowMs = Date.now()) {
  return cst(new Date(nowMs).toISOString()).slice(0, 10);
}

/**
 * What a person types as yuan -> integer fen, without a float: "12,000.5"
 * -> 1200050. null for anything that is not a non-negative amount with at
 * most two decimals.
 * @param {string} text
 * @returns {number | null}
 */
export function parseYuan(text) {
  const m = /^\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$/.exec(String(text ?? ''));
  if (!m) return null;
  const fen = Number(m[1].replaceAll(',', '')) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/**
 * A fresh record id for a request the client names (applications, jobs):
 * random, nine digits so a person can read it out; the API refuses an id
 * used before (409), and withFreshId then draws another.
 * @returns {number}
 */
export function newId() {
  const [word] = crypto.getRandomValues(new Uint32Array(1));
  return 100_000_000 + (word % 900_000_000);
}

/**
 * Runs `work(id)` with a fresh id, drawing again while the API answers that
 * the id is taken (409), at most `tries` times.
 * @template T
 * @param {(id: number) => Promise<T>} work
 * @param {number} [tries]
 * @returns {Promise<{id: number, value: T}>}
 */
export async function withFreshId(work, tries = 4) {
  for (let i = 1; ; ++i) {
    const id = newId();
    try {
      return { id, value: await work(id) };
    } catch (e) {
      if (i >= tries || /** @type {any} */ (e)?.status !== 409) throw e;
    }
  }
}

/**
 * A percentage as typed -> basis points, without a float: "37.5" -> 3750,
 * "50" -> 5000. null for anything that is not 0 to 100 with at most two
 * decimals.
 * @param {string | number} text
 * @returns {number | null}
 */
export function parsePercent(text) {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*%?\s*$/.exec(String(text ?? ''));
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10000 ? bp : null;
}

/**
 * Basis points -> the percentage a person reads: 3750 -> "37.5".
 * @param {number | null | undefined} bp
 */
export function percent(bp) {
  if (bp === null || bp === undefined) return '';
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}
