// The browser store of models and adapters, on fake-indexeddb (an IndexedDB
// written to the spec, in memory): save, list, rename, delete, a damaged entry,
// storage full and storage refused.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, WorkStore } from '../../src/store/store.ts';

let factory: IDBFactory;
let store: WorkStore;

beforeEach(async () => {
  factory = new IDBFactory(); // a fresh, empty browser profile for each test
  store = await WorkStore.open(factory);
});
afterEach(() => store.close());

const modelFiles = (seed: number) => ({
  'config.json': JSON.stringify({ n_embd: 8, seed }),
  'model.safetensors': new Uint8Array(100 + seed).fill(seed),
  'tokenizer.json': '{"type":"char","chars":["a","b"]}',
});

describe('WorkStore', () => {
  it('saves an entry with its name, date, base model and size, and reads its files back', async () => {
    const before = Date.now();
    const entry = await store.save({ kind: 'model', name: 'my text', baseModel: 'trained here', files: modelFiles(3) });
    expect(entry.name).toBe('my text');
    expect(entry.createdAt).toBeGreaterThanOrEqual(before);
    expect(entry.sizeBytes).toBe(modelFiles(3)['config.json'].length + 103 + modelFiles(3)['tokenizer.json'].length);
    const { files } = await store.readFiles(entry.id);
    expect(Array.from(files['model.safetensors'])).toEqual(Array(103).fill(3));
    expect(new TextDecoder().decode(files['config.json'])).toBe(modelFiles(3)['config.json']);
  });

  it('keeps every save as a new entry, listed newest first and by kind, and survives reopening', async () => {
    const a = await store.save({ kind: 'model', name: 'run', baseModel: 'x', files: modelFiles(1) });
    await new Promise((r) => setTimeout(r, 5));
    const b = await store.save({ kind: 'model', name: 'run', baseModel: 'x', files: modelFiles(2) });
    await store.save({ kind: 'adapter', name: 'adapter', baseModel: 'shakespeare', files: { 'adapter_config.json': '{}', 'adapter_model.safetensors': new Uint8Array(4) } });
    store.close();
    store = await WorkStore.open(factory); // a reload
    const { entries, damaged } = await store.list('model');
    expect(entries.map((e) => e.id)).toEqual([b.id, a.id]);
    expect(damaged).toEqual([]);
    expect((await store.list('adapter')).entries.map((e) => e.name)).toEqual(['adapter']);
  });

  it('renames and deletes (files included); an empty name is refused', async () => {
    const e = await store.save({ kind: 'model', name: 'old', baseModel: 'x', files: modelFiles(1) });
    expect((await store.rename(e.id, '  new name ')).name).toBe('new name');
    expect((await store.list('model')).entries[0].name).toBe('new name');
    await expect(store.rename(e.id, '   ')).rejects.toThrow(/cannot be empty/);
    await store.delete(e.id);
    expect((await store.list('model')).entries).toEqual([]);
    await expect(store.readFiles(e.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('says an entry is damaged when a file is missing or truncated, and the others still read', async () => {
    const good = await store.save({ kind: 'model', name: 'good', baseModel: 'x', files: modelFiles(1) });
    const bad = await store.save({ kind: 'model', name: 'bad', baseModel: 'x', files: modelFiles(2) });
    // Damage it behind the store's back, as a crash mid-write or a browser bug could.
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = factory.open('transformer-playground');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction(['files', 'entries'], 'readwrite');
    tx.objectStore('files').put(new Uint8Array(7), [bad.id, 'model.safetensors']);
    tx.objectStore('entries').put({ id: 'broken-record', name: 42 });
    await new Promise((r) => (tx.oncomplete = r));
    db.close();

    const err = await store.readFiles(bad.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('corrupt');
    expect((err as Error).message).toMatch(/"bad" is damaged: its model\.safetensors holds 7 bytes, not the 102 saved/);
    expect((await store.readFiles(good.id)).files['model.safetensors'].length).toBe(101);
    const listed = await store.list('model');
    expect(listed.entries.map((e) => e.name).sort()).toEqual(['bad', 'good']);
    expect(listed.damaged.map((d) => d.id)).toEqual(['broken-record']);
    await store.delete('broken-record');
    expect((await store.list('model')).damaged).toEqual([]);
  });

  it('says plainly when storage is full, and keeps what was there', async () => {
    const kept = await store.save({ kind: 'model', name: 'kept', baseModel: 'x', files: modelFiles(1) });
    const proto = Object.getPrototypeOf(
      (await new Promise<IDBDatabase>((resolve) => {
        const r = factory.open('transformer-playground');
        r.onsuccess = () => resolve(r.result);
      })).transaction('files', 'readonly').objectStore('files'),
    ) as { put: (...args: unknown[]) => unknown };
    const put = proto.put;
    let calls = 0;
    proto.put = function (this: unknown, ...args: unknown[]) {
      // The second file fails, as a quota does part-way through a large save.
      if (++calls === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      const err = await store.save({ kind: 'model', name: 'too big', baseModel: 'x', files: modelFiles(2) }).catch((e: unknown) => e);
      expect((err as StoreError).code).toBe('quota');
      expect((err as Error).message).toMatch(/storage is full, so saving "too big" failed.*Nothing else was changed/);
    } finally {
      proto.put = put;
    }
    const { entries } = await store.list('model');
    expect(entries.map((e) => e.id)).toEqual([kept.id]); // all or nothing: no half-saved entry
    expect((await store.readFiles(kept.id)).entry.name).toBe('kept');
  });

  it('says plainly when the browser refuses storage (private mode) or has none', async () => {
    const refusing = {
      open() {
        const request = { result: undefined, error: new DOMException('The user denied permission to access the database.', 'InvalidStateError') } as unknown as IDBOpenDBRequest;
        setTimeout(() => request.onerror?.(new Event('error')), 0);
        return request;
      },
    } as unknown as IDBFactory;
    const err = await WorkStore.open(refusing).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('unavailable');
    expect((err as Error).message).toMatch(/refused its storage.*private browsing.*page keeps working/);
    const none = await WorkStore.open(undefined as unknown as IDBFactory).catch((e: unknown) => e);
    // `undefined` means the default, fake-indexeddb's global here; a factory that is null is "none".
    expect(none).toBeInstanceOf(WorkStore);
    (none as WorkStore).close();
    const missing = await WorkStore.open(null as unknown as IDBFactory).catch((e: unknown) => e);
    expect((missing as StoreError).code).toBe('unavailable');
  });
});
