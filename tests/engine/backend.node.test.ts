// Choosing a TensorFlow.js backend (issue 15): WebGPU first in `auto` only on a
// hardware adapter, a link's backend=webgpu honoured even on SwiftShader, and
// where WebGPU cannot start, the next backend runs and the page says why, in
// both languages. The browser half (WebGPU really running the model) is
// tests/model/fixture.browser.test.ts and tests/e2e/webgpu.e2e.test.ts.

import * as tf from '@tensorflow/tfjs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKEND_UNAVAILABLE_CODES, backendOrder, type GpuProbes, selectBackend } from '../../src/engine/backend.ts';
import { describeAdapter } from '../../src/engine/webgpu.ts';
import type { BackendReport } from '../../src/engine/protocol.ts';
import { i18n } from '../../src/i18n/index.ts';
import { LoadStatus } from '../../src/panels/LoadStatus.tsx';

afterEach(() => i18n.changeLanguage('en'));

const hardwareGL = { available: true, software: false, name: 'NVIDIA GeForce RTX 3060' };
const softwareGL = { available: true, software: true, name: 'SwiftShader' };
const noGL = { available: false, software: false, name: 'unknown renderer' };
const hardwareGPU: GpuProbes['webgpu'] = { status: 'ok', adapter: 'nvidia ampere', software: false };
const swiftshaderGPU: GpuProbes['webgpu'] = { status: 'ok', adapter: 'SwiftShader', software: true };
const noAdapter: GpuProbes['webgpu'] = { status: 'no-adapter', adapter: null, software: false };

describe('describeAdapter', () => {
  it('tells a software adapter from a GPU by its flag or by its name', () => {
    // What Chromium 156 reports with --use-webgpu-adapter=swiftshader (no fallback flag set).
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })).toEqual({ adapter: 'SwiftShader', software: true });
    expect(describeAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }).software).toBe(true);
    expect(describeAdapter({ vendor: 'intel', architecture: 'gen-12lp', isFallbackAdapter: true }).software).toBe(true);
    expect(describeAdapter({ vendor: 'intel', architecture: 'gen-12lp' }, true).software).toBe(true);
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060' })).toEqual({
      adapter: 'NVIDIA GeForce RTX 3060', software: false,
    });
    expect(describeAdapter({ vendor: 'apple', architecture: 'metal-3' })).toEqual({ adapter: 'apple metal-3', software: false });
  });
});

describe('backendOrder', () => {
  it('puts WebGPU first in auto only on a hardware adapter', () => {
    expect(backendOrder('auto', { webgl: hardwareGL, webgpu: hardwareGPU })).toMatchObject({
      preference: ['webgpu', 'webgl', 'wasm', 'cpu'], why: { code: 'webgpu', adapter: 'nvidia ampere' }, reason: 'WebGPU runs on the GPU (nvidia ampere)',
    });
    // A GPU for WebGPU but software WebGL: wasm before WebGL if WebGPU fails.
    expect(backendOrder('auto', { webgl: softwareGL, webgpu: hardwareGPU }).preference).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    // SwiftShader's WebGPU is never chosen by auto, whatever WebGL is.
    expect(backendOrder('auto', { webgl: hardwareGL, webgpu: swiftshaderGPU })).toMatchObject({ preference: ['webgl', 'wasm', 'cpu'], why: { code: 'gpu' } });
    expect(backendOrder('auto', { webgl: softwareGL, webgpu: swiftshaderGPU })).toMatchObject({
      preference: ['wasm', 'webgl', 'cpu'], why: { code: 'software', renderer: 'SwiftShader' },
    });
    expect(backendOrder('auto', { webgl: noGL, webgpu: noAdapter })).toMatchObject({ preference: ['wasm', 'cpu'], why: { code: 'noWebgl' } });
  });

  it('tries a backend the link asks for first, even on a software adapter, then the auto order', () => {
    expect(backendOrder('webgpu', { webgl: softwareGL, webgpu: swiftshaderGPU })).toEqual({
      preference: ['webgpu', 'wasm', 'webgl', 'cpu'], why: { code: 'asked', backend: 'webgpu' }, reason: 'webgpu was asked for in the link',
    });
    expect(backendOrder('webgpu', { webgl: hardwareGL, webgpu: noAdapter }).preference).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(backendOrder('cpu', { webgl: hardwareGL, webgpu: hardwareGPU }).preference).toEqual(['cpu', 'webgpu', 'webgl', 'wasm']);
  });
});

describe('selectBackend without WebGPU', () => {
  it('passes over webgpu with a code and runs the next backend', async () => {
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    const choice = await selectBackend(['webgpu', 'cpu']);
    expect(choice.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.unavailable).toEqual([
      { backend: 'webgpu', code: 'no-webgpu', message: 'webgpu is not available: this browser has no WebGPU (navigator.gpu is missing)' },
    ]);
    expect(choice.reason).toBe('webgpu is not available: this browser has no WebGPU (navigator.gpu is missing)');
  });
});

describe('the header says which backend runs, and which could not start', () => {
  const report = (over: Partial<BackendReport>): BackendReport => ({
    backend: 'wasm', reason: '', why: { code: 'asked', backend: 'webgpu' }, unavailable: [], webglRenderer: null, webglSoftware: false, threads: 1, ...over,
  });
  const render = (backend: BackendReport) =>
    renderToStaticMarkup(
      createElement(I18nextProvider, { i18n }, createElement(LoadStatus, {
        load: { status: 'starting' }, active: null, notice: null, backend, offlineReady: false, memory: null, onConfirm: () => {}, onCancel: () => {},
      })),
    ).replace(/<!-- -->/g, '');

  it('says in both languages why WebGPU could not start, for every code, and what runs instead', async () => {
    const sentences: Record<string, Record<string, string>> = { en: {}, zh: {} };
    for (const lang of ['en', 'zh']) {
      await i18n.changeLanguage(lang);
      for (const code of BACKEND_UNAVAILABLE_CODES) {
        const html = render(report({ unavailable: [{ backend: 'webgpu', code, message: 'webgpu failed: boom' }] }));
        expect(html).toContain(`data-testid="backend-unavailable" data-code="${code}"`);
        expect(html).not.toMatch(/load\.|unavailable\./); // no missing key shown as itself
        sentences[lang][code] = html;
      }
    }
    const { 'no-webgpu': noWebgpu, 'no-adapter': noAdapterHtml, 'no-sync-read': noSyncRead, failed } = sentences.en;
    expect(noSyncRead).toContain('WebGPU starts here but cannot hand its results back at once');
    expect(noWebgpu).toContain('WebGPU could not start: this browser has no WebGPU (it needs a recent Chrome');
    expect(noAdapterHtml).toContain('WebGPU could not start: the browser offers no WebGPU adapter');
    expect(failed).toContain('WebGPU could not start: webgpu failed: boom.');
    expect(noAdapterHtml).toContain('wasm runs instead.');
    expect(noAdapterHtml).toContain('Running on <strong data-testid="backend-name">wasm</strong>: webgpu was asked for in the link, but WebGPU could not start here, so wasm runs instead.');
    const { 'no-webgpu': zhNoWebgpu, 'no-adapter': zhNoAdapter, 'no-sync-read': zhNoSyncRead } = sentences.zh;
    expect(zhNoSyncRead).toContain('无法当场把计算结果读回');
    expect(zhNoWebgpu).toContain('WebGPU 无法启动：这个浏览器没有 WebGPU');
    expect(zhNoAdapter).toContain('浏览器没有提供 WebGPU 适配器');
    expect(zhNoAdapter).toContain('改用 wasm 运行。');
    expect(zhNoAdapter).toContain('链接里指定了 webgpu，但 WebGPU 在这里无法启动，因此改用 wasm');
  });

  it('names WebGPU and its adapter, and says when the adapter computes on the CPU', async () => {
    const swift = render(report({ backend: 'webgpu', threads: undefined, webgpuAdapter: { name: 'SwiftShader', software: true } }));
    expect(swift).toContain('Running on <strong data-testid="backend-name">WebGPU</strong>: webgpu was asked for in the link.');
    expect(swift).toContain('Its WebGPU adapter, SwiftShader, is a software one');
    expect(swift).not.toContain('backend-unavailable');
    const gpu = render(report({ backend: 'webgpu', threads: undefined, why: { code: 'webgpu', adapter: 'NVIDIA GeForce RTX 3060' }, webgpuAdapter: { name: 'NVIDIA GeForce RTX 3060', software: false } }));
    expect(gpu).toContain('WebGPU runs on the GPU (NVIDIA GeForce RTX 3060).');
    expect(gpu).toContain('Its WebGPU adapter: NVIDIA GeForce RTX 3060.');
    await i18n.changeLanguage('zh');
    expect(render(report({ backend: 'webgpu', threads: undefined, why: { code: 'webgpu', adapter: 'X' }, webgpuAdapter: { name: 'X', software: false } }))).toContain(
      'WebGPU 在 GPU 上运行（X）',
    );
  });
});
