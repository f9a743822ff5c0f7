import { defineConfig, type UserConfig } from 'vite';

/**
 * Vite builds the add-on one entry at a time (scripts/build-extension.mjs sets WORKPASS_ENTRY and
 * WORKPASS_OUT_DIR). Every entry becomes one self-contained classic script: an MV3 background,
 * a content script and a Worker all load without ES-module support, and nothing is fetched at run
 * time (no remote code; the WebAssembly kernels are embedded as base64).
 */
export const extensionEntries = {
  background: 'src/extension/background/main.ts',
  offscreen: 'src/extension/offscreen/main.ts',
  'hash-worker': 'src/extension/worker/main.ts',
  popup: 'src/extension/popup/main.ts',
  options: 'src/extension/options/main.ts',
  content: 'src/extension/content/main.ts',
} as const;

export type ExtensionEntry = keyof typeof extensionEntries;

function isEntry(name: string | undefined): name is ExtensionEntry {
  return name !== undefined && Object.hasOwn(extensionEntries, name);
}

export default defineConfig((): UserConfig => {
  const entry = process.env.WORKPASS_ENTRY;
  const outDir = process.env.WORKPASS_OUT_DIR;
  if (!isEntry(entry) || !outDir) {
    throw new Error('vite.config.ts: run through scripts/build-extension.mjs (WORKPASS_ENTRY and WORKPASS_OUT_DIR)');
  }
  return {
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      sourcemap: false,
      reportCompressedSize: false,
      copyPublicDir: false,
      lib: {
        entry: extensionEntries[entry],
        formats: ['iife'],
        name: `workpass_${entry.replace(/-/g, '_')}`,
        fileName: () => `${entry}.js`,
      },
    },
  };
});
