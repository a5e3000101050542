// The console's pages; each role sees its own (nav.js), and a page that is
// not the role's sends it home instead of showing a blank or a 403.
import { createRouter, createWebHistory } from 'vue-router';
import { homeOf, pagesFor } from './nav.js';
import { session } from './session';
import SignIn from './pages/SignIn.vue';
import Inbox from './pages/Inbox.vue';
import Statements from './pages/Statements.vue';
import Vouchers from './pages/Vouchers.vue';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/sign-in', name: 'sign-in', component: SignIn },
    { path: '/', name: 'home', component: SignIn },
    { path: '/inbox', name: 'inbox', component: Inbox },
    { path: '/statements', name: 'statements', component: Statements },
    { path: '/vouchers', name: 'vouchers', component: Vouchers },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const s = session();
  if (to.name === 'sign-in') return true;
  if (!(await s.restore())) return { name: 'sign-in', query: { next: to.fullPath } };
  const role = s.me?.role;
  if (to.name === 'home') return homeOf(role);
  if (!pagesFor(role).some((p) => p.name === to.name)) return homeOf(role);
  return true;
});
