// The console's routes, built from the table of pages (nav.js) with the
// component of each name below; a page that is not the role's sends it
// home instead of showing a blank or a 403. The dashboard (and ECharts with
// it) loads when first opened, so signing in stays small.
import type { Component } from 'vue';
import { createRouter, createWebHistory } from 'vue-router';
import { PAGES, homeOf, mayOpen } from './nav.js';
import { session } from './session';
import SignIn from './pages/SignIn.vue';
import Inbox from './pages/Inbox.vue';
import Application from './pages/Application.vue';
import Jobs from './pages/Jobs.vue';
import Job from './pages/Job.vue';
import Statements from './pages/Statements.vue';
import Statement from './pages/Statement.vue';
import Placements from './pages/Placements.vue';
import Vouchers from './pages/Vouchers.vue';
import Voucher from './pages/Voucher.vue';
import Journal from './pages/Journal.vue';
import Quote from './pages/Quote.vue';
import Money from './pages/Money.vue';
import Apply from './pages/Apply.vue';
import Pools from './pages/Pools.vue';
import Receivables from './pages/Receivables.vue';
import Network from './pages/Network.vue';
import Facilities from './pages/Facilities.vue';
import Bookings from './pages/Bookings.vue';
import Rounds from './pages/Rounds.vue';
import Audit from './pages/Audit.vue';
import Activity from './pages/Activity.vue';
import ProgrammeEditor from './pages/ProgrammeEditor.vue';

type Lazy = () => Promise<Component>;
const COMPONENTS: Record<(typeof PAGES)[number]['name'], Component | Lazy> = {
  dashboard: () => import('./pages/Dashboard.vue'),
  inbox: Inbox,
  application: Application,
  jobs: Jobs,
  job: Job,
  vouchers: Vouchers,
  voucher: Voucher,
  statements: Statements,
  statement: Statement,
  placements: Placements,
  journal: Journal,
  quote: Quote,
  money: Money,
  apply: Apply,
  pools: Pools,
  receivables: Receivables,
  network: Network,
  facilities: Facilities,
  bookings: Bookings,
  rounds: Rounds,
  audit: Audit,
  activity: Activity,
  'programme-editor': ProgrammeEditor,
};

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/sign-in', name: 'sign-in', component: SignIn },
    { path: '/', name: 'home', component: SignIn },
    ...PAGES.map((p) => {
      const component = COMPONENTS[p.name];
      if (!component) throw new Error(`page ${p.name} has no component in router.ts`);
      return { path: p.path, name: p.name, component, props: p.path.includes(':') };
    }),
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const s = session();
  if (to.name === 'sign-in') return true;
  if (!(await s.restore())) return { name: 'sign-in', query: { next: to.fullPath } };
  const role = s.me?.role;
  if (to.name === 'home') return homeOf(role);
  if (!mayOpen(role, String(to.name))) return homeOf(role);
  return true;
});
