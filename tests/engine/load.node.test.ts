// Loading a model into the active slot (cpu backend): a Hugging Face GPT-2
// folder served over http from 127.0.0.1 with CORS headers, as the Hub
// serves one (this stands in for the Hub, which no test may reach); a load
// cancelled part-way, and loads that fail, keep the model that was active and
// leave no tensor behind.

import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/engine/handlers/load.ts';
import { clearSlot, initBackend, installModel, type JobContext, models } from '../../src/engine/runtime.ts';
import type { LoadEvent, ModelInfo } from '../../src/engine/protocol.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { CharTokenizer } from '../../src/tokenizer/index.ts';
import { smallModel } from '../attention/fixture.ts';

const FIXTURE = path.resolve('tests/fixtures/gpt2-tiny');
/** 48 characters for the fixture's 48-token vocabulary. */
const TOKENIZER = JSON.stringify(new CharTokenizer([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV']).toJSON());

interface Folder {
  [file: string]: Uint8Array | string;
}

/** A static server with CORS, as huggingface.co answers; `slow` files arrive in 4 KB pieces, 30 ms apart. */
function serve(folders: Record<string, Folder>, slow = new Set<string>()): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const [, folder, file] = /^\/([^/]+)\/([^/]+)$/.exec(req.url ?? '') ?? [];
    const body = folders[folder]?.[file];
    const headers = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length' };
    if (body === undefined) {
      res.writeHead(404, headers).end('Entry not found');
      return;
    }
    const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
    res.writeHead(200, { ...headers, 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' });
    if (!slow.has(`${folder}/${file}`)) {
      res.end(bytes);
      return;
    }
    let at = 0;
    const next = () => {
      if (res.destroyed) return;
      if (at >= bytes.length) return void res.end();
      res.write(bytes.subarray(at, at + 4096));
      at += 4096;
      setTimeout(next, 30);
    };
    next();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    }),
  );
}

function job(onEvent: (e: LoadEvent, stop: () => void) => void = () => {}): JobContext<LoadEvent> & { events: LoadEvent[] } {
  const events: LoadEvent[] = [];
  const controller = new AbortController();
  return {
    events,
    emit: (e) => {
      events.push(e);
      onEvent(e, () => controller.abort());
    },
    get stopped() {
      return controller.signal.aborted;
    },
    signal: controller.signal,
  };
}

const gpt2Tiny: Folder = {
  'config.json': fs.readFileSync(path.join(FIXTURE, 'config.json'), 'utf8'),
  'model.safetensors': new Uint8Array(fs.readFileSync(path.join(FIXTURE, 'model.safetensors'))),
  'tokenizer.json': TOKENIZER,
};

describe('loading a model into the active slot', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let current: ReturnType<typeof smallModel>['model'];
  beforeAll(async () => {
    await initBackend('cpu');
    const truncated = gpt2Tiny['model.safetensors'] as Uint8Array;
    server = await serve(
      {
        'gpt2-tiny': gpt2Tiny,
        slow: gpt2Tiny,
        'no-tokenizer': { 'config.json': gpt2Tiny['config.json'], 'model.safetensors': gpt2Tiny['model.safetensors'] },
        truncated: { ...gpt2Tiny, 'model.safetensors': truncated.subarray(0, truncated.length - 1000) },
        llama: { ...gpt2Tiny, 'config.json': JSON.stringify({ model_type: 'llama' }) },
      },
      new Set(['slow/model.safetensors']),
    );
    const { model, tokenizer } = smallModel(32, 3);
    current = model;
    const info: ModelInfo = {
      slot: 'active', name: 'current', ref: 'current', from: 'browser', cacheProblem: null, weightBytes: 0,
      config: model.config, parameterCount: model.parameterCount, tokenizerKind: 'byte-bpe', training: null,
    };
    installModel('active', { model, tokenizer, info });
  });
  afterAll(async () => {
    clearSlot('active');
    await server.close();
  });

  const expectUnchanged = (tensorsBefore: number) => {
    expect(models.get('active')!.model).toBe(current);
    expect(models.get('active')!.info.name).toBe('current');
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  };

  it('a cancelled download keeps the current model and frees nothing of it', async () => {
    const before = tf.memory().numTensors;
    const j = job((e, stop) => e.stage === 'weights' && e.loadedBytes > 8000 && stop());
    const err = await loadModel({ source: { kind: 'url', baseUrl: `${server.url}slow/`, cache: true }, name: 'slow', ref: 'x' }, j).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'LoadCancelled', message: 'Loading "slow" was cancelled; the model in use is unchanged.' });
    // It stopped part-way: the last progress seen is far from the whole file.
    const seen = j.events.filter((e) => e.stage === 'weights').at(-1)!;
    expect(seen.totalBytes).toBe(112664);
    expect(seen.loadedBytes).toBeLessThan(60_000);
    expectUnchanged(before);
  });

  it('failed loads say why, and keep the current model', async () => {
    const before = tf.memory().numTensors;
    const cases: [string, RegExp][] = [
      ['no-tokenizer', /tokenizer\.json.*HTTP 404/],
      ['truncated', /model\.safetensors|truncated|bytes/i],
      ['llama', /"llama" model; only "gpt2" is supported/],
      ['nowhere', /config\.json.*HTTP 404/],
    ];
    for (const [folder, message] of cases) {
      const err = await loadModel({ source: { kind: 'url', baseUrl: `${server.url}${folder}/`, cache: false }, name: folder, ref: 'x' }, job()).catch((e: Error) => e);
      expect(err, folder).toBeInstanceOf(Error);
      expect((err as Error).message, folder).toMatch(message);
      expectUnchanged(before);
    }
  });

  it('loads a GPT-2 folder by URL, with byte progress, and replaces the active model only then', async () => {
    const baseUrl = `${server.url}gpt2-tiny/`;
    const j = job();
    const info = await loadModel({ source: { kind: 'url', baseUrl, cache: true }, name: 'gpt2-tiny', ref: baseUrl }, j);
    expect(info).toMatchObject({ slot: 'active', name: 'gpt2-tiny', ref: baseUrl, from: 'network', weightBytes: 112664, parameterCount: expect.any(Number) });
    expect(info.config).toMatchObject({ nLayer: 2, nHead: 4, nEmbd: 32, vocabSize: 48, blockSize: 16 });
    // No Cache Storage in Node: the page is told the model could not be kept, and loading still succeeds.
    expect(info.cacheProblem).toMatch(/no Cache Storage/);
    expect(j.events.find((e) => e.stage === 'building')).toMatchObject({ loadedBytes: 112664, totalBytes: 112664 });
    expect(j.events.map((e) => e.stage)).toEqual(expect.arrayContaining(['config', 'tokenizer', 'weights', 'building', 'warming-up']));
    // The old model went (its tensors freed), the new one computes what the checkpoint does.
    expect(models.get('active')!.model).not.toBe(current);
    const reference = await loadGPT({ config: path.join(FIXTURE, 'config.json'), weights: path.join(FIXTURE, 'model.safetensors') });
    const ids = [1, 5, 9, 2];
    const expected = reference.logitsAt(ids).at(-1)!;
    const got = models.get('active')!.model.logitsAt(ids).at(-1)!;
    got.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 5));
    reference.dispose();
  });
});
