// The page itself: React, the translations and every panel. src/main.tsx
// imports this module only after it has started the engine, so the engine's
// worker fetches and runs tfjs while the browser is still parsing this.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { i18n } from './i18n/index.ts';
import { App } from './App.tsx';

export function renderApp(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
}
