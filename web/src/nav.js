// What each role may do in the console: the navigation shows these pages
// and no others, and the router sends a role elsewhere from a page not its
// own. The API decides in the end (a 403 is explained on the page); this
// only keeps the menu honest.

/** @typedef {'admin'|'operator'|'enterprise'|'provider'|'auditor'} Role */

/** @type {{path: string, name: string, label: string, roles: Role[]}[]} */
export const PAGES = [
  { path: '/inbox', name: 'inbox', label: 'nav.inbox', roles: ['operator', 'admin', 'auditor'] },
  {
    path: '/statements',
    name: 'statements',
    label: 'nav.statements',
    roles: ['operator', 'admin', 'auditor', 'provider', 'enterprise'],
  },
  {
    path: '/vouchers',
    name: 'vouchers',
    label: 'nav.vouchers',
    roles: ['enterprise', 'operator', 'admin', 'auditor'],
  },
];

/**
 * The pages `role` may open, in menu order.
 * @param {Role | undefined} role
 */
export function pagesFor(role) {
  return PAGES.filter((p) => role !== undefined && p.roles.includes(role));
}

/**
 * Where a role lands after signing in: the first page of its menu.
 * @param {Role | undefined} role
 */
export function homeOf(role) {
  const pages = pagesFor(role);
  return pages.length > 0 ? pages[0].path : '/sign-in';
}
