// What the picker lists besides saved models: the embedded models from
// models/manifest.json (an optional one only when its folder answers), and the
// models downloaded from other sites that this browser keeps. Also the size of
// a folder's weights before downloading them.

import { useEffect, useState } from 'react';
import { type EmbeddedModel, parseManifest } from '../../store/manifest.ts';
import { type CachedFolder, MODEL_CACHE, listCached, removeCached } from '../../store/modelCache.ts';

const storage = (): CacheStorage | undefined => (typeof caches === 'undefined' ? undefined : caches);
const modelsUrl = (path: string) => new URL(`${import.meta.env.BASE_URL}models/${path}`, window.location.href).href;

/** A folder answers when its config.json is JSON (the preview server answers a missing file with the page). */
async function folderPresent(name: string): Promise<boolean> {
  try {
    const response = await fetch(modelsUrl(`${name}/config.json`), { cache: 'no-cache' });
    return response.ok && !(response.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}

export function useEmbeddedModels(): EmbeddedModel[] {
  const [models, setModels] = useState<EmbeddedModel[]>([]);
  useEffect(() => {
    let alive = true;
    (async () => {
      const response = await fetch(modelsUrl('manifest.json'));
      const { models: listed, problems } = parseManifest(await response.json());
      for (const p of problems) console.warn(p);
      const present = await Promise.all(listed.map((m) => (m.optional ? folderPresent(m.name) : Promise.resolve(true))));
      if (alive) setModels(listed.filter((_, i) => present[i]));
    })().catch((e: Error) => console.warn(`models/manifest.json could not be read: ${e.message}`));
    return () => {
      alive = false;
    };
  }, []);
  return models;
}

/**
 * The size of a folder's model.safetensors before downloading it: HEAD's
 * Content-Length (the Hub's redirect to its file store answers HEAD too), or a
 * one-byte range request's Content-Range total. `cached`: this browser keeps it.
 */
export async function probeDownload(baseUrl: string): Promise<{ sizeBytes: number | null; cached: boolean }> {
  const url = new URL('model.safetensors', baseUrl).href;
  const cache = storage();
  const cached = cache ? Boolean(await cache.open(MODEL_CACHE).then((c) => c.match(url)).catch(() => undefined)) : false;
  if (cached) return { sizeBytes: null, cached };
  const number = (v: string | null | undefined) => (v && /^\d+$/.test(v) ? Number(v) : null);
  try {
    const head = await fetch(url, { method: 'HEAD' });
    const size = head.ok ? number(head.headers.get('content-length')) : null;
    if (size !== null) return { sizeBytes: size, cached };
    const ranged = await fetch(url, { headers: { range: 'bytes=0-0' } });
    const total = number(ranged.headers.get('content-range')?.split('/')[1]);
    await ranged.body?.cancel();
    return { sizeBytes: total, cached };
  } catch {
    return { sizeBytes: null, cached }; // the download itself will say what is wrong
  }
}

/** Downloaded models this browser keeps, and a way to remove one. */
export function useCachedFolders(refreshKey: unknown): { folders: CachedFolder[]; remove: (baseUrl: string) => Promise<void> } {
  const [folders, setFolders] = useState<CachedFolder[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let alive = true;
    listCached(storage())
      .then((f) => alive && setFolders(f))
      .catch(() => alive && setFolders([]));
    return () => {
      alive = false;
    };
  }, [refreshKey, version]);
  const remove = async (baseUrl: string) => {
    await removeCached(storage(), baseUrl);
    setVersion((v) => v + 1);
  };
  return { folders, remove };
}
