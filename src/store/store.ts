// Work kept in the browser: models trained here (Hugging Face GPT-2 folder
// files) and LoRA adapters (PEFT's two files), in IndexedDB. Each entry is a
// small record (name, date, base model, size, file names) in one object store
// and its files in another, so the lists never read megabytes of weights.
//
// Pure apart from the IDBFactory it is given: the page passes `indexedDB`,
// Node tests pass fake-indexeddb's. Every failure is a StoreError whose
// message says what happened and that nothing else was touched.

import { type MessageParams, codesOf } from '../util/codes.ts';

export type StoredKind = 'model' | 'adapter';

export interface StoredEntry {
  id: string;
  kind: StoredKind;
  name: string;
  /** Milliseconds since 1970, when it was saved. */
  createdAt: number;
  /** The model it was trained from or for: a model reference ("shakespeare", a URL, "stored:…") or a description. */
  baseModel: string;
  /** Bytes of all its files together. */
  sizeBytes: number;
  /** File name → bytes, as saved (checked again when the entry is read). */
  files: Record<string, number>;
  /** An adapter's PEFT method ("LoRA", "prefix tuning", …); absent for models, and for adapters kept before other methods were (all LoRA). */
  method?: string;
}

/** A record that could not be read as an entry: listed so that it can be deleted. */
export interface DamagedEntry {
  id: string;
  problem: string;
}

/**
 * The browser refused its storage (`unavailable`), it is full (`quota`), an
 * entry is damaged (`corrupt`, `name`), not there (`not-found`, `id`), a new
 * name is empty (`empty-name`), or the browser failed otherwise (`failed`,
 * `reason` in the browser's words).
 */
export type StoreErrorCode = 'unavailable' | 'quota' | 'corrupt' | 'not-found' | 'empty-name' | 'failed';
export const STORE_ERROR_CODES = codesOf<StoreErrorCode>({ unavailable: 0, quota: 0, corrupt: 0, 'not-found': 0, 'empty-name': 0, failed: 0 });

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(readonly code: StoreErrorCode, message: string, options?: { cause?: unknown; params?: MessageParams }) {
    super(message, options);
    this.params = options?.params ?? {};
  }
  /** The values the page's sentence for `code` needs. */
  readonly params: MessageParams;
}

export const MODEL_FILE_NAMES = ['config.json', 'model.safetensors', 'tokenizer.json'] as const;
export const ADAPTER_FILE_NAMES = ['adapter_config.json', 'adapter_model.safetensors'] as const;

const DB_NAME = 'transformer-playground';
const DB_VERSION = 1;
const ENTRIES = 'entries';
const FILES = 'files';

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
    tx.onerror = () => reject(tx.error);
  });
}

/** The browser's refusal in words a learner can act on. */
function storeError(e: unknown, doing: string): StoreError {
  if (e instanceof StoreError) return e;
  const name = (e as { name?: string } | null)?.name ?? '';
  const message = (e as { message?: string } | null)?.message ?? String(e);
  if (name === 'QuotaExceededError' || /quota/i.test(message)) {
    return new StoreError('quota',
      `The browser's storage is full, so ${doing} failed. Delete saved models or adapters you no longer need (or download them first), then try again. Nothing else was changed.`,
      { cause: e });
  }
  if (name === 'InvalidStateError' || name === 'SecurityError' || name === 'UnknownError') {
    return new StoreError('unavailable',
      `The browser refused its storage (${message || name}), so ${doing} failed — private browsing often does this. The page keeps working; download what you want to keep.`,
      { cause: e });
  }
  return new StoreError('failed', `${doing[0].toUpperCase()}${doing.slice(1)} failed: ${message || name}. Nothing else was changed.`, {
    cause: e,
    params: { reason: message || name },
  });
}

function newId(): string {
  const random = Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0');
  return `${Date.now().toString(36)}-${random}`;
}

function isEntry(x: unknown): x is StoredEntry {
  const e = x as Partial<StoredEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.id === 'string' && (e.kind === 'model' || e.kind === 'adapter') &&
    typeof e.name === 'string' && typeof e.createdAt === 'number' && typeof e.baseModel === 'string' &&
    typeof e.sizeBytes === 'number' && typeof e.files === 'object' && e.files !== null;
}

const toBytes = (content: string | Uint8Array): Uint8Array => (typeof content === 'string' ? new TextEncoder().encode(content) : content);

export class WorkStore {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating on first use) the playground's database. */
  static async open(factory: IDBFactory | undefined = globalThis.indexedDB, dbName = DB_NAME): Promise<WorkStore> {
    if (!factory) {
      throw new StoreError('unavailable', 'This browser offers no IndexedDB storage, so nothing can be kept between visits. The page keeps working; download what you want to keep.');
    }
    try {
      const request = factory.open(dbName, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(ENTRIES)) db.createObjectStore(ENTRIES, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(FILES)) db.createObjectStore(FILES);
      };
      return new WorkStore(await requestResult(request));
    } catch (e) {
      const err = storeError(e, 'opening the browser storage');
      throw err.code === 'failed' ? new StoreError('unavailable', err.message, { cause: e }) : err;
    }
  }

  close(): void {
    this.db.close();
  }

  /** Entries of one kind, newest first; records that are not entries come back as damaged. */
  async list(kind: StoredKind): Promise<{ entries: StoredEntry[]; damaged: DamagedEntry[] }> {
    try {
      const tx = this.db.transaction(ENTRIES, 'readonly');
      const all = (await requestResult(tx.objectStore(ENTRIES).getAll())) as unknown[];
      const entries: StoredEntry[] = [];
      const damaged: DamagedEntry[] = [];
      for (const record of all) {
        if (isEntry(record)) {
          if (record.kind === kind) entries.push(record);
        } else {
          const id = String((record as { id?: unknown } | null)?.id ?? '?');
          damaged.push({ id, problem: `A saved record (${id}) is damaged: it lacks its name, kind, date or file list. Delete it; the rest is unaffected.` });
        }
      }
      entries.sort((a, b) => b.createdAt - a.createdAt);
      return { entries, damaged };
    } catch (e) {
      throw storeError(e, 'listing what is saved');
    }
  }

  async get(id: string): Promise<StoredEntry> {
    let record: unknown;
    try {
      record = await requestResult(this.db.transaction(ENTRIES, 'readonly').objectStore(ENTRIES).get(id));
    } catch (e) {
      throw storeError(e, 'reading a saved entry');
    }
    if (record === undefined) throw new StoreError('not-found', `Nothing is saved under "${id}" in this browser (it was deleted, or saved in another browser or profile).`, { params: { id } });
    if (!isEntry(record)) throw new StoreError('corrupt', `The saved entry "${id}" is damaged and cannot be read. Delete it; the rest is unaffected.`, { params: { name: id } });
    return record;
  }

  /** Saves a new entry with its files, all or nothing. */
  async save(input: { kind: StoredKind; name: string; baseModel: string; files: Record<string, string | Uint8Array>; method?: string }): Promise<StoredEntry> {
    const files = Object.entries(input.files).map(([name, content]) => [name, toBytes(content)] as const);
    const entry: StoredEntry = {
      id: newId(),
      kind: input.kind,
      name: input.name.trim() || 'untitled',
      createdAt: Date.now(),
      baseModel: input.baseModel,
      sizeBytes: files.reduce((n, [, b]) => n + b.byteLength, 0),
      files: Object.fromEntries(files.map(([name, b]) => [name, b.byteLength])),
      ...(input.method === undefined ? {} : { method: input.method }),
    };
    try {
      const tx = this.db.transaction([ENTRIES, FILES], 'readwrite');
      const done = transactionDone(tx);
      done.catch(() => {}); // awaited below; a synchronous throw must not leave it unhandled
      try {
        for (const [name, bytes] of files) tx.objectStore(FILES).put(bytes, [entry.id, name]);
        tx.objectStore(ENTRIES).put(entry);
      } catch (e) {
        tx.abort();
        throw e;
      }
      await done;
      return entry;
    } catch (e) {
      throw storeError(e, `saving "${entry.name}"`);
    }
  }

  /** Every file of an entry, checked against the sizes saved with it. */
  async readFiles(id: string): Promise<{ entry: StoredEntry; files: Record<string, Uint8Array> }> {
    const entry = await this.get(id);
    const files: Record<string, Uint8Array> = {};
    try {
      const store = this.db.transaction(FILES, 'readonly').objectStore(FILES);
      const names = Object.keys(entry.files);
      const contents = await Promise.all(names.map((name) => requestResult(store.get([id, name]))));
      names.forEach((name, i) => {
        const content = contents[i] as unknown;
        if (content instanceof Uint8Array) files[name] = content;
        else if (content instanceof ArrayBuffer) files[name] = new Uint8Array(content);
      });
    } catch (e) {
      throw storeError(e, `reading "${entry.name}"`);
    }
    for (const [name, size] of Object.entries(entry.files)) {
      const got = files[name];
      if (!got) throw new StoreError('corrupt', `"${entry.name}" is damaged: its ${name} is missing. Delete it; the rest is unaffected.`, { params: { name: entry.name } });
      if (got.byteLength !== size) {
        throw new StoreError('corrupt', `"${entry.name}" is damaged: its ${name} holds ${got.byteLength} bytes, not the ${size} saved. Delete it; the rest is unaffected.`, {
          params: { name: entry.name },
        });
      }
    }
    return { entry, files };
  }

  async rename(id: string, name: string): Promise<StoredEntry> {
    const trimmed = name.trim();
    if (!trimmed) throw new StoreError('empty-name', 'A name cannot be empty.');
    const entry = await this.get(id);
    const renamed = { ...entry, name: trimmed.slice(0, 120) };
    try {
      const tx = this.db.transaction(ENTRIES, 'readwrite');
      tx.objectStore(ENTRIES).put(renamed);
      await transactionDone(tx);
      return renamed;
    } catch (e) {
      throw storeError(e, `renaming "${entry.name}"`);
    }
  }

  /** Deletes an entry and its files; a damaged record goes too. */
  async delete(id: string): Promise<void> {
    try {
      const tx = this.db.transaction([ENTRIES, FILES], 'readwrite');
      tx.objectStore(ENTRIES).delete(id);
      tx.objectStore(FILES).delete(IDBKeyRange.bound([id], [id, []]));
      await transactionDone(tx);
    } catch (e) {
      throw storeError(e, 'deleting');
    }
  }
}
