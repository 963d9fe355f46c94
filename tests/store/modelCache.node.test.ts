// The download cache for models from other sites, on an in-memory stand-in for
// the browser's CacheStorage (Node has none): a folder is kept whole or not at
// all, listed with its size, read back byte for byte, and removed.

import { describe, expect, it } from 'vitest';
import { MODEL_CACHE, listCached, readCached, removeCached, writeCached } from '../../src/store/modelCache.ts';

/** CacheStorage as the page sees it, in memory; `failOn` makes put() of that URL refuse like a full disk. */
function memoryCaches(failOn?: string): CacheStorage {
  const caches = new Map<string, Map<string, Response>>();
  const cache = (name: string) => {
    const entries = caches.get(name) ?? new Map<string, Response>();
    caches.set(name, entries);
    const key = (r: RequestInfo | URL) => (typeof r === 'string' ? r : r instanceof URL ? r.href : r.url);
    return {
      async match(r: RequestInfo | URL) {
        return entries.get(key(r))?.clone();
      },
      async put(r: RequestInfo | URL, response: Response) {
        if (key(r) === failOn) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        entries.set(key(r), response);
      },
      async delete(r: RequestInfo | URL) {
        return entries.delete(key(r));
      },
      async keys() {
        return [...entries.keys()].map((u) => new Request(u));
      },
    } as unknown as Cache;
  };
  return { open: async (name: string) => cache(name), has: async (name: string) => caches.has(name) } as unknown as CacheStorage;
}

const folder = 'https://huggingface.co/distilgpt2/resolve/main/';
const files = { 'config.json': new TextEncoder().encode('{"n_embd":768}'), 'tokenizer.json': new Uint8Array(300), 'model.safetensors': new Uint8Array(5000).fill(7) };

describe('the model download cache', () => {
  it('keeps a folder, lists it with its size, reads it back and removes it', async () => {
    const storage = memoryCaches();
    expect(await writeCached(storage, folder, files)).toBeNull();
    expect(await listCached(storage)).toEqual([{ baseUrl: folder, files: ['config.json', 'tokenizer.json', 'model.safetensors'], sizeBytes: 14 + 300 + 5000 }]);
    expect(Array.from((await readCached(storage, `${folder}model.safetensors`))!.subarray(0, 3))).toEqual([7, 7, 7]);
    await removeCached(storage, folder);
    expect(await listCached(storage)).toEqual([]);
    expect(await readCached(storage, `${folder}model.safetensors`)).toBeNull();
    expect(MODEL_CACHE.startsWith('playground-')).toBe(false); // public/sw.js deletes its old caches by that prefix
  });

  it('keeps nothing of a folder when the disk is full part-way, and says so', async () => {
    const storage = memoryCaches(`${folder}model.safetensors`);
    expect(await writeCached(storage, folder, files)).toBe("the browser's storage is full");
    expect(await listCached(storage)).toEqual([]);
  });

  it('without Cache Storage, reads miss and writes say why', async () => {
    expect(await readCached(undefined, `${folder}config.json`)).toBeNull();
    expect(await writeCached(undefined, folder, files)).toMatch(/no Cache Storage/);
  });
});
