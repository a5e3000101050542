// The console's one way to the API: the public /v1 routes, the token of
// the tab's session as a bearer token, problems (RFC 9457) turned into
// ApiError with the API's own words. A 401 signs the tab out.
import { session } from './session';

export class ApiError extends Error {
  constructor(
    public status: number,
    public title: string,
    public detail: string,
  ) {
    super(detail || title);
  }
}

export async function api<T = any>(path: string, init: RequestInit = {}): Promise<T> {
  const s = session();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (s.token) headers.Authorization = `Bearer ${s.token}`;
  if (init.body) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
  const text = await r.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!r.ok) {
    if (r.status === 401) s.signOut();
    throw new ApiError(r.status, body?.title ?? `${r.status}`, body?.detail ?? text);
  }
  return body as T;
}

/** A query string of the parameters that are set. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
