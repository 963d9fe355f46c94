// Cross-origin isolation on a static host that cannot send headers (GitHub
// Pages): the service worker (public/sw.js) adds COOP/COEP to every response
// it serves, but the page it was registered from was loaded before it, without
// them. That page reloads once when the worker takes control, and is then
// isolated: the wasm backend gets SharedArrayBuffer and its threads.

/** True when `?nosw` asks for the page without its service worker. */
export const serviceWorkerOff = (): boolean => new URLSearchParams(window.location.search).has('nosw');

/** Set in this tab before the reload, so a browser that still does not isolate the page is not reloaded again. */
const RELOADED = 'playground:isolation-reload';

function sessionFlag(): { get(): boolean; set(): void; clear(): void } | null {
  try {
    const store = window.sessionStorage;
    return { get: () => store.getItem(RELOADED) !== null, set: () => store.setItem(RELOADED, '1'), clear: () => store.removeItem(RELOADED) };
  } catch {
    return null; // storage turned off: without the guard, never reload
  }
}

/**
 * Whether the page should reload now to become cross-origin isolated through
 * its service worker (then it renders nothing); otherwise arranges the reload
 * for when a newly installed worker takes control. `?nosw` in the address
 * turns the service worker off (and removes one already installed): the page
 * then runs single-threaded, as it does wherever service workers are blocked.
 */
export function reloadForIsolation(): boolean {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return false;
  const container = navigator.serviceWorker;
  if (serviceWorkerOff()) {
    void container.getRegistrations().then((all) => all.forEach((r) => void r.unregister()));
    return false;
  }
  const flag = sessionFlag();
  if (crossOriginIsolated) {
    flag?.clear();
    return false;
  }
  if (!flag || flag.get()) return false; // reloaded once already in this tab and still not isolated: run on one thread
  const reload = () => {
    flag.set();
    window.location.reload();
  };
  if (container.controller) {
    reload(); // served through the worker yet not isolated (a forced reload bypasses it): once more through it
    return true;
  }
  container.addEventListener('controllerchange', reload, { once: true });
  return false;
}
