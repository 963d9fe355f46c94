// The page's entry: small on purpose. It starts the engine — whose worker then
// fetches and runs tfjs, chooses the backend and fetches the link's model —
// before the page's own code (React, the panels: src/render.tsx) is fetched
// and parsed, so the two run side by side rather than one after the other.
import { registerServiceWorker } from './panels/offline.ts';
import { reloadForIsolation, serviceWorkerOff } from './panels/isolation.ts';
import { bootEngine } from './panels/engineBoot.ts';
import { decodeHash } from './state/schema.ts';
import './styles.css';

// The page-ready timeline (bench/page-ready.ts): the entry script has been fetched and run.
performance.mark('playground:boot');

// First, whether this page is about to reload to become cross-origin isolated (then nothing else is worth starting).
if (!reloadForIsolation()) {
  const { state } = decodeHash(window.location.hash);
  bootEngine(state.backend, state.threads, state.model);
  const { renderApp } = await import('./render.tsx');
  renderApp(document.getElementById('root')!);
  if (!serviceWorkerOff()) registerServiceWorker();
}
