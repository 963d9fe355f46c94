// The browser store against Chromium's own IndexedDB (the Node tests use
// fake-indexeddb): a model's files saved, read back byte for byte after the
// database is closed and opened again, renamed and deleted.

import { afterAll, describe, expect, it } from 'vitest';
import { WorkStore } from '../../src/store/store.ts';

const DB = `store-test-${Date.now()}`;
afterAll(() => indexedDB.deleteDatabase(DB));

describe('WorkStore in Chromium', () => {
  it('keeps a model across a close and reopen, renames and deletes it', async () => {
    const weights = new Uint8Array(3 << 20).map((_, i) => i % 251);
    let store = await WorkStore.open(indexedDB, DB);
    const saved = await store.save({ kind: 'model', name: 'mine', baseModel: 'trained here', files: { 'config.json': '{}', 'model.safetensors': weights, 'tokenizer.json': '{"type":"char"}' } });
    store.close();
    store = await WorkStore.open(indexedDB, DB);
    const { entry, files } = await store.readFiles(saved.id);
    expect(entry.sizeBytes).toBe(weights.length + 2 + 15);
    expect(files['model.safetensors'].length).toBe(weights.length);
    expect(files['model.safetensors'][1000]).toBe(1000 % 251);
    expect((await store.rename(saved.id, 'renamed')).name).toBe('renamed');
    await store.delete(saved.id);
    expect((await store.list('model')).entries).toEqual([]);
    store.close();
  });
});
