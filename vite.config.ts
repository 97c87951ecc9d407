import { defineConfig } from 'vite';
import { selfHostedAssets } from './scripts/vite/self-hosted-assets.js';

// Cross-origin isolation lets onnxruntime-web use SharedArrayBuffer and WASM threads.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { host: '127.0.0.1', headers: isolationHeaders },
  preview: { host: '127.0.0.1', headers: isolationHeaders },
  worker: { format: 'es' },
  build: { outDir: 'dist-demo', target: 'es2022' },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  plugins: [selfHostedAssets({ folders: { '/models/': 'test/fixtures/models' } })],
});
