import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Writes `.br` and `.gz` beside every text asset of the build, so the server sends them as they are
 * (`serveStatic({ precompressed: true })`) instead of compressing the 1 MB bundle on every request.
 */
function precompress(): Plugin {
  return {
    name: 'gimpo-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? path.join(here, 'dist');
      for (const name of Object.keys(bundle)) {
        if (!/\.(m?js|css|html|svg|json)$/.test(name)) continue;
        const file = path.join(dir, name);
        const raw = fs.readFileSync(file);
        if (raw.length < 1024) continue;
        fs.writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
        fs.writeFileSync(
          `${file}.br`,
          brotliCompressSync(raw, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length },
          }),
        );
      }
    },
  };
}

export default defineConfig({
  root: here,
  plugins: [svelte(), precompress()],
  build: { outDir: path.join(here, 'dist'), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://localhost:8787' } },
});
