// Builds the web debugger's page into src/ui/assets (committed: `wfe ui` needs no build at run time).
// npm run build:ui; test/ui/bundle.test.ts checks that the committed build matches these sources.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
  build: {
    outDir: process.env.WFE_UI_OUT_DIR ?? here('../assets'),
    emptyOutDir: true,
    assetsDir: 'static',
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: false,
    rolldownOptions: {
      output: { entryFileNames: 'static/app.js', chunkFileNames: 'static/[name].js', assetFileNames: 'static/[name][extname]' },
    },
  },
});
