// Bytes from wherever the user has them: a URL (the Hub, the dev server, a
// blob: or data: URL), a File picked or dropped in the page, bytes already in
// memory, or in Node a path on disk. Nothing here touches a DOM-only global at
// import time, so the module loads in the page, a Web Worker and Node alike.

import { SourceError } from './errors.ts';
import { blockedByPolicyMessage, connectAllowed } from './contentPolicy.ts';

/** Anything `readBytes` can read. Strings are URLs in the browser; in Node, non-URL strings are paths. */
export type ByteSource = string | URL | Blob | ArrayBuffer | ArrayBufferView;

/**
 * Where a read has got to:
 * - `connecting`: waiting for the server's response headers;
 * - `downloading`: response body arriving over the network;
 * - `reading`: reading a Blob/File or a file on disk;
 * - `done`: all bytes are in memory (reported exactly once, last).
 */
export type LoadStage = 'connecting' | 'downloading' | 'reading' | 'done';

export interface LoadProgress {
  loadedBytes: number;
  /** Null when the size is not known in advance (no Content-Length, or a compressed response). */
  totalBytes: number | null;
  stage: LoadStage;
}

export type ProgressCallback = (progress: LoadProgress) => void;

export interface ReadOptions {
  /** Cancels the read; the promise then rejects with a SourceError of code `aborted`. */
  signal?: AbortSignal;
}

/**
 * Reads all bytes of `source`. Progress is reported once per chunk received,
 * so a caller that posts it across threads may want to throttle. In-memory
 * sources are returned as a view, not a copy.
 */
export async function readBytes(
  source: ByteSource,
  onProgress?: ProgressCallback,
  opts: ReadOptions = {},
): Promise<Uint8Array> {
  const report: ProgressCallback = onProgress ?? (() => {});
  throwIfAborted(opts.signal, source);

  if (source instanceof ArrayBuffer) return inMemory(new Uint8Array(source), report);
  if (ArrayBuffer.isView(source)) {
    return inMemory(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), report);
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) return readBlob(source, report, opts.signal);
  if (source instanceof URL) {
    return source.protocol === 'file:' ? readNodeFile(source, report, opts.signal) : fetchBytes(source.href, report, opts.signal);
  }
  if (typeof source === 'string') {
    if (!isNode()) return fetchBytes(source, report, opts.signal); // relative URLs resolve against the page
    if (/^file:/i.test(source)) return readNodeFile(new URL(source), report, opts.signal);
    if (FETCHABLE_URL.test(source)) return fetchBytes(source, report, opts.signal);
    return readNodeFile(source, report, opts.signal);
  }
  throw new SourceError('unsupported-source',
    `Cannot read from ${describe(source)}: expected a URL, a file path (Node), a Blob/File, an ArrayBuffer or a Uint8Array.`);
}

/** Reads `source` as UTF-8 text (a leading byte-order mark is dropped). */
export async function readText(source: ByteSource, onProgress?: ProgressCallback, opts?: ReadOptions): Promise<string> {
  return new TextDecoder('utf-8').decode(await readBytes(source, onProgress, opts));
}

/** Reads and parses a JSON document such as config.json or tokenizer.json. */
export async function readJSON<T = unknown>(source: ByteSource, onProgress?: ProgressCallback, opts?: ReadOptions): Promise<T> {
  const text = await readText(source, onProgress, opts);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SourceError('bad-json', `${describe(source)} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

// In Node these schemes go to fetch; anything else that is not file: is a path.
// Only named schemes count, so a Windows path such as C:\models is still a path.
const FETCHABLE_URL = /^(https?|data|blob):/i;

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

function inMemory(bytes: Uint8Array, report: ProgressCallback): Uint8Array {
  report({ loadedBytes: bytes.length, totalBytes: bytes.length, stage: 'done' });
  return bytes;
}

async function fetchBytes(url: string, report: ProgressCallback, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const name = describe(url);
  // In the page, an address the Content-Security-Policy blocks gets a sentence, not the browser's "Failed to fetch".
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (!isNode() && origin && origin !== 'null' && !connectAllowed(url, origin)) throw new SourceError('network', blockedByPolicyMessage(url));
  report({ loadedBytes: 0, totalBytes: null, stage: 'connecting' });
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    throwIfAborted(signal, url);
    throw new SourceError('network',
      `Could not fetch ${name}: ${(error as Error).message}. Check the address, your connection, ` +
      'and that the server allows cross-origin requests (CORS).', { cause: error });
  }
  if (!response.ok) {
    const hint = response.status === 404 ? ' The file does not exist at that address.'
      : response.status === 401 || response.status === 403 ? ' The file may be private or gated (it needs a login or an access token).'
      : '';
    throw new SourceError('http-status',
      `Fetching ${name} failed with HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.${hint}`,
      { status: response.status });
  }
  // With Content-Encoding (gzip, br) Content-Length counts compressed bytes
  // while the body stream yields decompressed ones, so it is no use as a total.
  const encoding = response.headers.get('content-encoding');
  const declaredLength = Number(response.headers.get('content-length') ?? NaN);
  const totalBytes = (!encoding || encoding === 'identity') && Number.isSafeInteger(declaredLength) && declaredLength >= 0
    ? declaredLength : null;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    report({ loadedBytes: bytes.length, totalBytes: bytes.length, stage: 'done' });
    return bytes;
  }
  return drainStream(response.body, totalBytes, 'downloading', report, signal, url);
}

async function readBlob(blob: Blob, report: ProgressCallback, signal: AbortSignal | undefined): Promise<Uint8Array> {
  report({ loadedBytes: 0, totalBytes: blob.size, stage: 'reading' });
  return drainStream(blob.stream(), blob.size, 'reading', report, signal, blob);
}

/**
 * Collects a byte stream into one Uint8Array. When the size is known the
 * buffer is allocated once (a 500 MB checkpoint should not briefly need 1 GB);
 * otherwise it grows by doubling.
 */
async function drainStream(
  stream: ReadableStream<Uint8Array>,
  totalBytes: number | null,
  stage: 'downloading' | 'reading',
  report: ProgressCallback,
  signal: AbortSignal | undefined,
  source: ByteSource,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  let buffer = new Uint8Array(totalBytes ?? 1 << 16);
  let loadedBytes = 0;
  try {
    for (;;) {
      throwIfAborted(signal, source);
      const { done, value } = await reader.read();
      if (done) break;
      if (loadedBytes + value.length > buffer.length) {
        const grown = new Uint8Array(Math.max(buffer.length * 2, loadedBytes + value.length));
        grown.set(buffer.subarray(0, loadedBytes));
        buffer = grown;
      }
      buffer.set(value, loadedBytes);
      loadedBytes += value.length;
      report({ loadedBytes, totalBytes, stage });
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof SourceError) throw error;
    throwIfAborted(signal, source);
    throw new SourceError('network', `Reading ${describe(source)} failed part-way: ${(error as Error).message}`, { cause: error });
  } finally {
    reader.releaseLock();
  }
  const bytes = loadedBytes === buffer.length ? buffer : buffer.slice(0, loadedBytes);
  report({ loadedBytes, totalBytes: loadedBytes, stage: 'done' });
  return bytes;
}

const FILE_CHUNK_BYTES = 4 << 20;

/** Node only: reads a file in chunks so large checkpoints report progress. */
async function readNodeFile(path: string | URL, report: ProgressCallback, signal: AbortSignal | undefined): Promise<Uint8Array> {
  // A computed specifier keeps bundlers from pulling node:fs into the browser build.
  const fsModuleName = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsModuleName)) as typeof import('node:fs/promises');
  const name = describe(path);
  let handle: Awaited<ReturnType<typeof fs.open>>;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') {
      throw new SourceError('file-not-found', `No file at ${name} (relative paths are resolved from ${getCwd()}).`, { cause: error });
    }
    throw new SourceError('file-read', `Could not open ${name}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const { size } = await handle.stat();
    report({ loadedBytes: 0, totalBytes: size, stage: 'reading' });
    const bytes = new Uint8Array(size);
    let loadedBytes = 0;
    while (loadedBytes < size) {
      throwIfAborted(signal, path);
      const { bytesRead } = await handle.read(bytes, loadedBytes, Math.min(FILE_CHUNK_BYTES, size - loadedBytes), loadedBytes);
      if (bytesRead === 0) break; // the file shrank while we read it
      loadedBytes += bytesRead;
      report({ loadedBytes, totalBytes: size, stage: 'reading' });
    }
    const result = loadedBytes === size ? bytes : bytes.slice(0, loadedBytes);
    report({ loadedBytes, totalBytes: loadedBytes, stage: 'done' });
    return result;
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError('file-read', `Could not read ${name}: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle.close();
  }
}

function getCwd(): string {
  const process = (globalThis as { process?: { cwd?: () => string } }).process;
  return process?.cwd?.() ?? 'the working directory';
}

function throwIfAborted(signal: AbortSignal | undefined, source: unknown): void {
  if (signal?.aborted) throw new SourceError('aborted', `Reading ${describe(source)} was cancelled.`, { cause: signal.reason });
}

/** A short, human name for a source, for error messages. */
function describe(source: unknown): string {
  if (typeof source === 'string') {
    // data: URLs can be megabytes long; the scheme and media type are enough.
    return source.length > 100 ? `"${source.slice(0, 60)}…"` : `"${source}"`;
  }
  if (source instanceof URL) return describe(source.href);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const fileName = (source as Blob & { name?: unknown }).name;
    return typeof fileName === 'string' ? `file "${fileName}"` : `a Blob of ${source.size} bytes`;
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return 'an in-memory buffer';
  return `a value of type ${source === null ? 'null' : typeof source}`;
}
