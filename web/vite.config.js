// The console is built into web/dist, which `baygrid serve` answers at /
// (api/web_site.h). `npm run dev` proxies /v1 to BAYGRID_URL.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: { '/v1': process.env.BAYGRID_URL ?? 'http://127.0.0.1:8080' },
  },
});
