// Keyboard access the component library leaves out: a table wider or
// taller than its box scrolls inside Element Plus's scrollbar wrapper,
// which a keyboard cannot reach unless it takes focus (WCAG 2.1.1; axe's
// scrollable-region-focusable). Every such wrapper, whenever one appears,
// joins the tab order, so the arrow keys scroll it.
export function keyboardScrollableTables(root: HTMLElement = document.body) {
  const mark = () => {
    for (const wrap of root.querySelectorAll<HTMLElement>('.el-table .el-scrollbar__wrap:not([tabindex])')) {
      wrap.tabIndex = 0;
    }
  };
  new MutationObserver(mark).observe(root, { childList: true, subtree: true });
  mark();
}
