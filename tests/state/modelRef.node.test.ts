// What the link's `model` field and the "Open a model…" box accept.

import { describe, expect, it } from 'vitest';
import { describeModelRef, formatModelRef, parseModelRef, refFromUserInput } from '../../src/state/modelRef.ts';
import { parseManifest } from '../../src/store/manifest.ts';

const ref = (raw: string) => {
  const p = parseModelRef(raw);
  if (!p.ok) throw new Error(p.message);
  return p.ref;
};

describe('model references', () => {
  it('reads embedded names, stored ids and folder addresses, and writes them back the same', () => {
    expect(ref('shakespeare')).toEqual({ kind: 'embedded', name: 'shakespeare' });
    expect(ref('stored:lx3k9-abc123')).toEqual({ kind: 'stored', id: 'lx3k9-abc123' });
    expect(ref('http://127.0.0.1:8000/gpt2-synthetic/')).toEqual({ kind: 'url', url: 'http://127.0.0.1:8000/gpt2-synthetic/' });
    for (const raw of ['shakespeare', 'stored:lx3k9-abc123', 'http://127.0.0.1:8000/gpt2-synthetic/']) expect(formatModelRef(ref(raw))).toBe(raw);
  });

  it('turns a Hub repo page, a file in it or a bare folder into the folder its files are read from', () => {
    expect(ref('https://huggingface.co/distilgpt2')).toEqual({ kind: 'url', url: 'https://huggingface.co/distilgpt2/resolve/main/' });
    expect(ref('https://huggingface.co/openai-community/gpt2/blob/main/config.json')).toEqual({ kind: 'url', url: 'https://huggingface.co/openai-community/gpt2/resolve/main/' });
    expect(ref('https://example.org/models/gpt2/model.safetensors')).toEqual({ kind: 'url', url: 'https://example.org/models/gpt2/' });
    expect(ref('https://example.org/models/gpt2?download=1')).toEqual({ kind: 'url', url: 'https://example.org/models/gpt2/' });
    expect(parseModelRef('https://huggingface.co/gpt2')).toMatchObject({ note: 'model: reading the folder https://huggingface.co/gpt2/resolve/main/.' });
  });

  it('takes a Hub repo id typed in the dialog', () => {
    expect(refFromUserInput(' gpt2 ')).toMatchObject({ ok: true, ref: { url: 'https://huggingface.co/gpt2/resolve/main/' } });
    expect(refFromUserInput('openai-community/gpt2')).toMatchObject({ ok: true, ref: { url: 'https://huggingface.co/openai-community/gpt2/resolve/main/' } });
  });

  it('refuses what names no model, saying what would', () => {
    for (const raw of ['../x', 'a/b/c', 'ftp://x/', 'javascript:alert(1)', 'stored:', '']) {
      const p = parseModelRef(raw);
      expect(p.ok, raw).toBe(false);
      if (!p.ok) expect(p.message).toMatch(/names no model|not a valid address/);
    }
  });

  it('describes a reference in a few words', () => {
    expect(describeModelRef(ref('https://huggingface.co/openai-community/gpt2/resolve/main/'))).toBe('openai-community/gpt2');
    expect(describeModelRef(ref('http://127.0.0.1:8000/gpt2-synthetic/'))).toBe('127.0.0.1:8000/gpt2-synthetic');
  });
});

describe('the embedded models manifest', () => {
  it('lists well-formed entries, marks optional ones, and skips the rest with a reason', () => {
    const { models, problems } = parseManifest({
      models: [{ name: 'shakespeare', label: 'Shakespeare' }, { name: 'dev-tiny', optional: true }, { name: '../etc' }, 'x'],
    });
    expect(models).toEqual([
      { name: 'shakespeare', label: 'Shakespeare', description: '', optional: false },
      { name: 'dev-tiny', label: 'dev-tiny', description: '', optional: true },
    ]);
    expect(problems).toHaveLength(2);
    expect(parseManifest({}).problems).toEqual(['models/manifest.json has no "models" list.']);
  });

  it('the shipped manifest lists the shipped model, and its folder exists', async () => {
    const fs = await import('node:fs');
    const { models } = parseManifest(JSON.parse(fs.readFileSync('public/models/manifest.json', 'utf8')));
    const required = models.filter((m) => !m.optional);
    expect(required.map((m) => m.name)).toContain('shakespeare');
    for (const m of required) expect(fs.existsSync(`public/models/${m.name}/config.json`), m.name).toBe(true);
  });
});
