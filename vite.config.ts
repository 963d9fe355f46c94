import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // tfjs is large; keep it in its own chunk so the page shell paints first.
  build: { chunkSizeWarningLimit: 4000, target: 'es2022' },
  worker: { format: 'es' },
});
