// Who is signed in, in this tab: the token (session storage, so closing
// the tab signs out) and what GET /v1/me says it acts for.
import { defineStore } from 'pinia';

export interface Me {
  name: string;
  role: 'admin' | 'operator' | 'enterprise' | 'provider' | 'auditor';
  scope: number;
  scope_name: string;
  stage: string;
  expires_at: string | null;
}

const KEY = 'baygrid.token';

export const session = defineStore('session', {
  state: () => ({ token: sessionStorage.getItem(KEY) ?? '', me: null as Me | null }),
  actions: {
    /** Checks `token` with the API; true when it is good. */
    async signIn(token: string): Promise<boolean> {
      const r = await fetch('/v1/me', { headers: { Authorization: `Bearer ${token}` } });
      if (!r.ok) return false;
      this.token = token;
      this.me = (await r.json()) as Me;
      sessionStorage.setItem(KEY, token);
      return true;
    },
    /** After a reload: the kept token, checked again. */
    async restore(): Promise<boolean> {
      if (this.me) return true;
      if (!this.token) return false;
      if (await this.signIn(this.token)) return true;
      this.signOut();
      return false;
    },
    signOut() {
      this.token = '';
      this.me = null;
      sessionStorage.removeItem(KEY);
    },
  },
});
