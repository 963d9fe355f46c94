// The page's side of the service worker (public/sw.js): register it in
// production builds, and hand it the model files once they have loaded, so
// the next visit works without a network.

const enabled = () => import.meta.env.PROD && typeof navigator !== 'undefined' && 'serviceWorker' in navigator;

export function registerServiceWorker(): void {
  if (!enabled()) return;
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((e: Error) => {
    console.warn(`Offline support is off: the service worker did not register (${e.message}).`);
  });
}

/** Asks the service worker to keep these files; resolves true once they are stored. */
export async function cacheForOffline(urls: string[]): Promise<boolean> {
  if (!enabled()) return false;
  const registration = await navigator.serviceWorker.ready;
  const worker = registration.active;
  if (!worker) return false;
  return new Promise<boolean>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e: MessageEvent<{ ok: boolean }>) => resolve(e.data.ok);
    worker.postMessage({ type: 'cache-urls', urls }, [channel.port2]);
  });
}
