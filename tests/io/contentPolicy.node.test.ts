// The Content-Security-Policy the build writes (vite.config.ts) and the check the
// loader makes before fetching a model, so a blocked address gets a sentence.

import { describe, expect, it } from 'vitest';
import { blockedByPolicyMessage, connectAllowed, contentSecurityPolicy } from '../../src/io/contentPolicy.ts';

const PAGE = 'https://playground.example.org';

describe("the page's Content-Security-Policy", () => {
  it('allows scripts from the page and wasm compilation only; no inline script, no eval, no plugins', () => {
    const policy = contentSecurityPolicy();
    const directive = (name: string) => policy.split('; ').find((d) => d.startsWith(`${name} `));
    // blob:: the threaded wasm backend's pthread workers and the script they import (src/io/contentPolicy.ts).
    expect(directive('script-src')).toBe("script-src 'self' 'wasm-unsafe-eval' blob:");
    expect(policy).not.toMatch(/unsafe-inline|'unsafe-eval'/);
    expect(directive('worker-src')).toBe("worker-src 'self' blob:");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    // A <meta> tag cannot carry frame-ancestors (browsers ignore it there and warn).
    expect(contentSecurityPolicy({ asMeta: true })).not.toMatch(/frame-ancestors/);
  });

  it('lets the page fetch itself, Hugging Face and its CDN, and local servers — nothing else', () => {
    for (const url of [
      `${PAGE}/models/shakespeare/config.json`,
      '/models/shakespeare/model.safetensors',
      'https://huggingface.co/openai-community/gpt2/resolve/main/config.json',
      'https://cdn-lfs.huggingface.co/repos/ab/cd/file',
      'https://cdn-lfs-us-1.hf.co/repos/ab/cd/file',
      'https://cas-bridge.xethub.hf.co/xet-bridge-us/file',
      'http://localhost:8000/gpt2/config.json',
      'http://127.0.0.1:5173/model.safetensors',
      'blob:https://playground.example.org/1234',
      'data:application/json,{}',
    ]) {
      expect(connectAllowed(url, PAGE), url).toBe(true);
    }
    for (const url of [
      'https://example.com/gpt2/config.json',
      'http://huggingface.co/gpt2/resolve/main/config.json', // not https
      'https://huggingface.co.evil.example/x',
      'https://evilhuggingface.co/x',
      'https://huggingface.co:8443/x',
      'http://192.168.1.5:8000/model.safetensors',
      'ftp://localhost/x',
      'file:///home/me/model.safetensors',
    ]) {
      expect(connectAllowed(url, PAGE), url).toBe(false);
    }
    expect(blockedByPolicyMessage('https://example.com/gpt2/config.json')).toMatch(
      /^This page may not fetch from https:\/\/example\.com: its Content-Security-Policy allows only .*huggingface\.co.*localhost/,
    );
  });
});
