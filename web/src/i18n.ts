// Chinese first, English on the switch; the choice is remembered.
import { createI18n } from 'vue-i18n';
import zh from './locales/zh-CN.json';
import en from './locales/en.json';

const KEY = 'baygrid.lang';

export const i18n = createI18n({
  legacy: false,
  locale: localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});

export function toggleLanguage() {
  const next = i18n.global.locale.value === 'en' ? 'zh-CN' : 'en';
  i18n.global.locale.value = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next;
}

/**
 * A sentence the API writes in both languages (`reason` and `reason_zh`,
 * `detail` and `detail_zh`, ...): the one of the console's language, the
 * English when the Chinese is missing.
 */
export function said(row: Record<string, any> | null | undefined, field: string): string {
  if (!row) return '';
  const zh = row[`${field}_zh`];
  return i18n.global.locale.value === 'zh-CN' && typeof zh === 'string' && zh !== '' ? zh : (row[field] ?? '');
}
