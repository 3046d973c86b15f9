// Builds the web debugger's page into src/ui/assets (committed: `wfe ui` needs no build at run time).
// npm run build:ui; test/ui/bundle.test.ts checks that the committed build is of these sources (sources.sha256).
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vite';
import { sourcesHash } from './sources-hash.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const outDir = process.env.WFE_UI_OUT_DIR ?? here('../assets');

export default defineConfig({
  root: here('.'),
  plugins: [{ name: 'wfe-sources-hash', closeBundle: () => writeFileSync(join(outDir, 'sources.sha256'), `${sourcesHash(here('.'))}\n`) }],
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
  build: {
    outDir,
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
