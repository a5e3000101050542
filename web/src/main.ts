import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'element-plus/dist/index.css';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import { keyboardScrollableTables } from './a11y';

document.documentElement.lang = i18n.global.locale.value;
createApp(App).use(createPinia()).use(i18n).use(router).mount('#app');
keyboardScrollableTables();
