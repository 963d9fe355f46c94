import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError, type SourceErrorCode } from '../../src/io/errors.ts';
import { parseSafetensors } from '../../src/io/safetensors.ts';
import { readBytes, readJSON, readText, type LoadProgress } from '../../src/io/source.ts';

const fixtureDir = fileURLToPath(new URL('../fixtures/gpt2-tiny/', import.meta.url));
const modelPath = fixtureDir + 'model.safetensors';
const modelBytes = new Uint8Array(readFileSync(modelPath));

function recorder(): { events: LoadProgress[]; onProgress: (p: LoadProgress) => void } {
  const events: LoadProgress[] = [];
  return { events, onProgress: (p) => events.push({ ...p }) };
}

/** Progress a UI can draw: loaded bytes never go backwards, and 'done' comes once, last, with the full size. */
function expectWellFormedProgress(events: LoadProgress[], byteLength: number): void {
  expect(events.length).toBeGreaterThan(0);
  for (let i = 1; i < events.length; i++) expect(events[i].loadedBytes).toBeGreaterThanOrEqual(events[i - 1].loadedBytes);
  expect(events.filter((e) => e.stage === 'done')).toHaveLength(1);
  expect(events.at(-1)).toEqual({ loadedBytes: byteLength, totalBytes: byteLength, stage: 'done' });
}

async function expectSourceError(promise: Promise<unknown>, code: SourceErrorCode, message: RegExp): Promise<SourceError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SourceError);
  expect((error as SourceError).code).toBe(code);
  expect((error as SourceError).message).toMatch(message);
  return error as SourceError;
}

describe('readBytes from the file system (Node)', () => {
  it('reads a path in chunks, reporting progress against the file size', async () => {
    const { events, onProgress } = recorder();
    const bytes = await readBytes(modelPath, onProgress);
    expect(bytes).toEqual(modelBytes);
    expect(events[0]).toEqual({ loadedBytes: 0, totalBytes: modelBytes.length, stage: 'reading' });
    expectWellFormedProgress(events, modelBytes.length);
    expect(parseSafetensors(bytes).tensors.size).toBe(28);
  });

  it('resolves relative paths from the working directory (the project root under Vitest)', async () => {
    const config = await readJSON<{ n_embd: number }>('tests/fixtures/gpt2-tiny/config.json');
    expect(config.n_embd).toBe(32);
  });

  it('reads file: URLs, as strings and URL objects', async () => {
    const url = pathToFileURL(modelPath);
    expect(await readBytes(url.href)).toEqual(modelBytes);
    expect(await readBytes(url)).toEqual(modelBytes);
  });

  it('says which path is missing', async () => {
    await expectSourceError(readBytes('no/such/model.safetensors'), 'file-not-found',
      /No file at "no\/such\/model\.safetensors" \(relative paths are resolved from /);
  });
});

describe('readBytes from memory and Blobs', () => {
  it('returns a Uint8Array or ArrayBuffer as a view of the same bytes', async () => {
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    const { events, onProgress } = recorder();
    const view = await readBytes(backing.subarray(1, 4), onProgress);
    expect([...view]).toEqual([1, 2, 3]);
    expect(view.buffer).toBe(backing.buffer);
    expect(events).toEqual([{ loadedBytes: 3, totalBytes: 3, stage: 'done' }]);
    expect([...(await readBytes(backing.buffer))]).toEqual([9, 1, 2, 3, 9]);
  });

  it('streams a Blob, reporting progress against blob.size', async () => {
    const { events, onProgress } = recorder();
    const bytes = await readBytes(new Blob([modelBytes]), onProgress);
    expect(bytes).toEqual(modelBytes);
    expect(events[0]).toEqual({ loadedBytes: 0, totalBytes: modelBytes.length, stage: 'reading' });
    expect(events.slice(0, -1).every((e) => e.stage === 'reading' && e.totalBytes === modelBytes.length)).toBe(true);
    expectWellFormedProgress(events, modelBytes.length);
  });

  it('reads text and JSON from a File, naming the file when the JSON is bad', async () => {
    expect(await readText(new Blob(['\uFEFFhéllo']))).toBe('héllo'); // the byte-order mark is dropped
    expect(await readJSON(new File(['{"vocab_size": 48}'], 'config.json'))).toEqual({ vocab_size: 48 });
    await expectSourceError(readJSON(new File(['{"vocab_size": '], 'config.json')), 'bad-json',
      /file "config\.json" is not valid JSON/);
  });
});

describe('readBytes over fetch', () => {
  it('fetches a data: URL, moving from connecting to downloading to done', async () => {
    const base64 = Buffer.from(modelBytes).toString('base64');
    const { events, onProgress } = recorder();
    const bytes = await readBytes(`data:application/octet-stream;base64,${base64}`, onProgress);
    expect(bytes).toEqual(modelBytes);
    expect(events[0]).toEqual({ loadedBytes: 0, totalBytes: null, stage: 'connecting' });
    expect(events.some((e) => e.stage === 'downloading')).toBe(true);
    expectWellFormedProgress(events, modelBytes.length);
    expect(await readJSON('data:application/json,{"n_head":4}')).toEqual({ n_head: 4 });
  });

  describe('from a local HTTP server', () => {
    let server: Server;
    let baseUrl: string;

    beforeAll(async () => {
      server = createServer((request, response) => {
        if (request.url === '/model.safetensors') {
          response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': modelBytes.length });
          // Several writes so the body arrives in more than one chunk.
          for (let start = 0; start < modelBytes.length; start += 16_384) response.write(modelBytes.subarray(start, start + 16_384));
          response.end();
        } else if (request.url === '/gated.safetensors') {
          response.writeHead(401, 'Unauthorized').end();
        } else {
          response.writeHead(404, 'Not Found').end('<!DOCTYPE html><p>Not Found</p>');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('streams the body with Content-Length as the total', async () => {
      const { events, onProgress } = recorder();
      const bytes = await readBytes(`${baseUrl}/model.safetensors`, onProgress);
      expect(bytes).toEqual(modelBytes);
      const downloading = events.filter((e) => e.stage === 'downloading');
      expect(downloading.length).toBeGreaterThan(1);
      expect(downloading.every((e) => e.totalBytes === modelBytes.length)).toBe(true);
      expectWellFormedProgress(events, modelBytes.length);
    });

    it('reports HTTP failures with the status and what it likely means', async () => {
      const notFound = await expectSourceError(readBytes(`${baseUrl}/missing.safetensors`), 'http-status',
        /Fetching "http:\/\/127\.0\.0\.1:\d+\/missing\.safetensors" failed with HTTP 404 Not Found\. The file does not exist/);
      expect(notFound.status).toBe(404);
      await expectSourceError(readBytes(`${baseUrl}/gated.safetensors`), 'http-status', /HTTP 401 .*private or gated/);
    });

    it('reports a refused connection as a network error', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise((resolve) => closed.close(resolve));
      await expectSourceError(readBytes(`http://127.0.0.1:${port}/model.safetensors`), 'network', /Could not fetch/);
    });

    it('stops when the caller aborts', async () => {
      const controller = new AbortController();
      controller.abort();
      await expectSourceError(readBytes(`${baseUrl}/model.safetensors`, undefined, { signal: controller.signal }),
        'aborted', /was cancelled/);
    });
  });
});

it('rejects values that are not a byte source', async () => {
  await expectSourceError(readBytes(42 as never), 'unsupported-source', /Cannot read from a value of type number/);
});
