import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { installAntd } from './adapter/antd';
import { i18n } from './locales';
import { createAppRouter } from './router';
import { useAppStore } from './stores/app';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
installAntd(app);
app.use(createAppRouter());

void useAppStore().loadSystemInfo();
app.mount('#app');
