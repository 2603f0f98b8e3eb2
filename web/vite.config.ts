// Builds the console into web/dist, which the server serves at / (history-mode fallback
// in server/src/platform/http/web.ts). `npm run dev -w web` proxies /api to a local server.
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    // vue-i18n feature flags: Composition API only, no devtools in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    proxy: { '/api': { target: process.env.PIGEON_DEV_API ?? 'http://127.0.0.1:3000', ws: true } },
  },
  build: {
    // Ant Design Vue is registered globally, so its chunk is large by design. Vendor code
    // sits in its own chunks, cached apart from the app code, which changes far more often.
    // Higher priority claims a module first; vue goes first so the antd group (which pulls
    // in its dependencies) does not swallow the Vue runtime.
    chunkSizeWarningLimit: 1600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'vendor-vue',
              test: /node_modules[\\/](vue|@vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/,
              priority: 30,
            },
            {
              name: 'vendor-echarts',
              test: /node_modules[\\/](echarts|zrender|vue-echarts)[\\/]/,
              priority: 20,
            },
            {
              name: 'vendor-antd',
              test: /node_modules[\\/](ant-design-vue|@ant-design|dayjs)[\\/]/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
});
