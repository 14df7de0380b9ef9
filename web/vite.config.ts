import { defineConfig } from 'vite';

// Built with `vite build web`: this folder is the root, the output goes next to the server's.
export default defineConfig({
  // Preact's JSX runtime through Vite's own transform: no framework plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // Everything is fetched from this server; no inline assets, so a strict CSP holds.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
