// The page's one connection to the browser store (src/store/store.ts), shared
// by the model picker, "Your own text" and the LoRA panel's adapters: every
// change bumps a version, so each list showing saved work redraws.

import { useEffect, useState } from 'react';
import { currentTag, t } from '../../i18n/index.ts';
import { type DamagedEntry, type StoredEntry, type StoredKind, StoreError, WorkStore } from '../../store/store.ts';
import { errorText } from '../errorText.ts';

let opened: Promise<WorkStore> | null = null;
const listeners = new Set<() => void>();

/** The store, opened on first use; a refusal (private mode) is remembered and shown, and the page keeps working. */
export function workStore(): Promise<WorkStore> {
  opened ??= WorkStore.open();
  return opened;
}

/** Runs a change on the store and tells every list to reload. */
export async function changeStore<T>(work: (store: WorkStore) => Promise<T>): Promise<T> {
  try {
    return await work(await workStore());
  } finally {
    for (const l of listeners) l();
  }
}

export interface StoredList {
  entries: StoredEntry[];
  damaged: DamagedEntry[];
  /** Why the store could not be read (refused, unavailable), or null. */
  error: string | null;
  loaded: boolean;
}

/** Saved entries of one kind, kept current as anything saves, renames or deletes. */
export function useStoredEntries(kind: StoredKind): StoredList {
  const [version, setVersion] = useState(0);
  const [list, setList] = useState<StoredList>({ entries: [], damaged: [], error: null, loaded: false });
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    listeners.add(bump);
    return () => void listeners.delete(bump);
  }, []);
  useEffect(() => {
    let alive = true;
    workStore()
      .then((s) => s.list(kind))
      .then((r) => alive && setList({ ...r, error: null, loaded: true }))
      .catch((e: Error) => alive && setList({ entries: [], damaged: [], error: e instanceof StoreError ? errorText(e) : t('models:kept.unreadable', { message: errorText(e) }), loaded: true }));
    return () => {
      alive = false;
    };
  }, [kind, version]);
  return list;
}

/** "2.3 MB · 30 Nov 2026, 10:41" */
export function describeEntry(e: StoredEntry, formatBytes: (n: number) => string): string {
  const date = new Intl.DateTimeFormat(currentTag() === 'en' ? 'en-GB' : currentTag(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(e.createdAt));
  return `${formatBytes(e.sizeBytes)} · ${date}`;
}
