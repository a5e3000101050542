// Every page of the console, declared once: its path, who may open it and
// whether it is in the menu (detail pages are reached by their links). The
// router builds its routes from this table (router.ts holds the component
// of each name), the frame its menu, and a role is sent home from a page
// not its own. The API decides in the end (a 403 is explained on the
// page); this only keeps the menu honest.

/** @typedef {'admin'|'operator'|'enterprise'|'provider'|'auditor'|'expert'} Role */

const OFFICE = ['operator', 'admin', 'auditor'];
const EVERYONE = ['operator', 'admin', 'auditor', 'enterprise', 'provider'];

/** @type {{path: string, name: string, label: string, roles: Role[], menu: boolean}[]} */
export const PAGES = [
  { path: '/dashboard', name: 'dashboard', label: 'nav.dashboard', roles: OFFICE, menu: true },
  {
    path: '/programmes/:id/edit',
    name: 'programme-editor',
    label: 'nav.editor',
    roles: ['admin', 'operator'],
    menu: false,
  },
  { path: '/inbox', name: 'inbox', label: 'nav.inbox', roles: OFFICE, menu: true },
  {
    path: '/applications/:id',
    name: 'application',
    label: 'nav.application',
    roles: [...OFFICE, 'enterprise'],
    menu: false,
  },
  { path: '/quote', name: 'quote', label: 'nav.quote', roles: ['enterprise'], menu: true },
  { path: '/jobs', name: 'jobs', label: 'nav.jobs', roles: EVERYONE, menu: true },
  { path: '/jobs/:id', name: 'job', label: 'nav.job', roles: EVERYONE, menu: false },
  { path: '/vouchers', name: 'vouchers', label: 'nav.vouchers', roles: [...OFFICE, 'enterprise'], menu: true },
  {
    path: '/vouchers/:id',
    name: 'voucher',
    label: 'nav.voucher',
    roles: [...OFFICE, 'enterprise'],
    menu: false,
  },
  { path: '/money', name: 'money', label: 'nav.money', roles: ['enterprise'], menu: true },
  { path: '/apply', name: 'apply', label: 'nav.apply', roles: ['enterprise'], menu: true },
  { path: '/pools', name: 'pools', label: 'nav.pools', roles: ['provider', 'admin', 'auditor'], menu: true },
  {
    path: '/placements',
    name: 'placements',
    label: 'nav.placements',
    roles: ['provider', 'admin', 'auditor'],
    menu: true,
  },
  { path: '/receivables', name: 'receivables', label: 'nav.receivables', roles: ['provider'], menu: true },
  { path: '/statements', name: 'statements', label: 'nav.statements', roles: EVERYONE, menu: true },
  {
    path: '/statements/:programme/:period/:kind/:payee',
    name: 'statement',
    label: 'nav.statement',
    roles: EVERYONE,
    menu: false,
  },
  { path: '/network', name: 'network', label: 'nav.network', roles: EVERYONE, menu: true },
  { path: '/facilities', name: 'facilities', label: 'nav.facilities', roles: EVERYONE, menu: true },
  {
    path: '/bookings',
    name: 'bookings',
    label: 'nav.bookings',
    // The operator of an innovation-voucher programme: what its vouchers paid for.
    roles: ['enterprise', 'provider', 'operator', 'admin', 'auditor'],
    menu: true,
  },
  {
    path: '/rounds',
    name: 'rounds',
    label: 'nav.rounds',
    // An expert (a round's outside reviewer) has this page alone.
    roles: ['enterprise', 'provider', 'admin', 'auditor', 'expert'],
    menu: true,
  },
  { path: '/audit', name: 'audit', label: 'nav.audit', roles: ['auditor', 'admin'], menu: true },
  { path: '/activity', name: 'activity', label: 'nav.activity', roles: EVERYONE, menu: true },
  { path: '/journal/:seq', name: 'journal', label: 'nav.journal', roles: OFFICE, menu: false },
];

/**
 * The pages `role` may open, in menu order (with `all`, the detail pages too).
 * @param {Role | undefined} role
 * @param {boolean} [all]
 */
export function pagesFor(role, all = false) {
  return PAGES.filter((p) => role !== undefined && p.roles.includes(role) && (all || p.menu));
}

/**
 * Whether `role` may open the page named `name`.
 * @param {Role | undefined} role
 * @param {string} name
 */
export function mayOpen(role, name) {
  return pagesFor(role, true).some((p) => p.name === name);
}

/**
 * Where a role lands after signing in: the first page of its menu.
 * @param {Role | undefined} role
 */
export function homeOf(role) {
  const pages = pagesFor(role);
  return pages.length > 0 ? pages[0].path : '/sign-in';
}
