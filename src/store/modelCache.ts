// Models downloaded from other sites (a Hugging Face folder by URL), kept in
// the browser's Cache Storage so the next visit reads them from disk: written
// by the engine worker after a load succeeds, listed and removed by the page.
// Takes the CacheStorage it works on, so it runs in a page, a worker, or a test.

/** Not "playground-…": public/sw.js deletes old caches of its own by that prefix. */
export const MODEL_CACHE = 'models-v1';

export const CACHED_FILES = ['config.json', 'tokenizer.json', 'model.safetensors'] as const;

export interface CachedFolder {
  baseUrl: string;
  files: string[];
  sizeBytes: number;
}

/** The bytes of `url` if this browser keeps them, else null (also when Cache Storage is unavailable). */
export async function readCached(storage: CacheStorage | undefined, url: string): Promise<Uint8Array | null> {
  if (!storage) return null;
  try {
    const cache = await storage.open(MODEL_CACHE);
    const response = await cache.match(url);
    return response ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null; // a cache that cannot be read is a cache miss: the network still works
  }
}

/**
 * Keeps a folder's files, all or none (a half-kept folder would fail to load
 * next time). Returns null when kept, or the reason it was not.
 */
export async function writeCached(storage: CacheStorage | undefined, baseUrl: string, files: Record<string, Uint8Array>): Promise<string | null> {
  if (!storage) return 'this browser offers no Cache Storage here';
  let cache: Cache;
  try {
    cache = await storage.open(MODEL_CACHE);
  } catch (e) {
    return `the browser refused its cache (${(e as Error).message})`;
  }
  const written: string[] = [];
  try {
    for (const [name, bytes] of Object.entries(files)) {
      const url = new URL(name, baseUrl).href;
      const headers = { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream', 'content-length': String(bytes.byteLength) };
      await cache.put(url, new Response(bytes as BlobPart, { headers }));
      written.push(url);
    }
    return null;
  } catch (e) {
    for (const url of written) await cache.delete(url).catch(() => false);
    const err = e as { name?: string; message?: string };
    return err.name === 'QuotaExceededError' ? "the browser's storage is full" : `the browser refused to store it (${err.message ?? err.name})`;
  }
}

/** Folders kept, each with its files and their total size. */
export async function listCached(storage: CacheStorage | undefined): Promise<CachedFolder[]> {
  if (!storage) return [];
  const cache = await storage.open(MODEL_CACHE);
  const folders = new Map<string, CachedFolder>();
  for (const request of await cache.keys()) {
    const url = request.url;
    const baseUrl = url.slice(0, url.lastIndexOf('/') + 1);
    const folder = folders.get(baseUrl) ?? { baseUrl, files: [], sizeBytes: 0 };
    folder.files.push(url.slice(baseUrl.length));
    const response = await cache.match(request);
    folder.sizeBytes += Number(response?.headers.get('content-length') ?? 0);
    folders.set(baseUrl, folder);
  }
  return [...folders.values()];
}

export async function removeCached(storage: CacheStorage | undefined, baseUrl: string): Promise<void> {
  if (!storage) return;
  const cache = await storage.open(MODEL_CACHE);
  for (const request of await cache.keys()) if (request.url.startsWith(baseUrl)) await cache.delete(request);
}
