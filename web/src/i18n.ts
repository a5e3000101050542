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
