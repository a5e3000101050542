// One page of an API list, the way every list page reads it: the URL is a
// function of the page's filters (reloaded from the first page when they
// change), `next` follows the API's cursor (`next_after`) and remembers
// the way back to the first page, and a failed read is kept as `error`
// for <Problem> instead of a blank table.
import { onUnmounted, ref, watch } from 'vue';
import { api } from './api';

/** `every` (ms): a live view, the page on view read again quietly. */
export function usePaged<T = any>(url: (after?: string) => string, options: { every?: number } = {}) {
  const page = ref<T | any>(null);
  const error = ref<unknown>(null);
  const loading = ref(false);
  const cursors = ref<string[]>([]);

  async function load(after?: string) {
    loading.value = true;
    error.value = null;
    try {
      page.value = await api(url(after));
    } catch (e) {
      error.value = e;
    }
    loading.value = false;
  }
  function first() {
    cursors.value = [];
    return load();
  }
  function next() {
    const after = page.value?.next_after;
    if (!after) return Promise.resolve();
    cursors.value.push(after);
    return load(after);
  }
  /** Reloads the page on view (after a change made from it). */
  function reload() {
    return load(cursors.value[cursors.value.length - 1]);
  }
  // Any filter the URL reads reloads from the first page.
  watch(() => url(), first, { immediate: true });
  if (options.every) {
    // Quietly: no spinner, and a failed refresh keeps the rows on view.
    const timer = setInterval(async () => {
      if (loading.value) return;
      try {
        page.value = await api(url(cursors.value[cursors.value.length - 1]));
      } catch {
        /* the next tick tries again; a real failure shows on the next load */
      }
    }, options.every);
    onUnmounted(() => clearInterval(timer));
  }
  return { page, error, loading, cursors, first, next, reload };
}

/** Runs a write; a failure lands in `error` (shown by <Problem>). */
export async function attempt(error: { value: unknown }, work: () => Promise<unknown>) {
  try {
    await work();
    return true;
  } catch (e) {
    error.value = e;
    return false;
  }
}
