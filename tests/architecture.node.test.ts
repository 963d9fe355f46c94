// The shape of src/ that a newcomer relies on when changing it: imports point
// one way (no file reaches itself through its imports), the pure core runs
// without React, D3 or a page, and no file grows past a size one can read in a
// sitting. Imports are read with a regular expression: the code base writes
// every import on `import … from '…'` / `export … from '…'` lines.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const sources = filesUnder(src).filter((f) => /\.tsx?$/.test(f));
const rel = (f: string) => relative(src, f).split('\\').join('/');

/**
 * Every module specifier a file imports or re-exports, type-only imports
 * included: a type-level circle is still two files that must be read together.
 * Static `import … from`, `export … from`, side-effect `import '…'` and
 * dynamic `import('…')`.
 */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1]);
  return found;
}

/** Imports of files inside src/, as paths relative to src/ ("engine/protocol.ts"). */
function localImports(file: string, text: string): string[] {
  return specifiers(text)
    .filter((s) => s.startsWith('.'))
    .map((s) => rel(resolve(dirname(file), s.replace(/\?.*$/, ''))));
}

const graph = new Map<string, { text: string; local: string[]; all: string[] }>();
for (const f of sources) {
  const text = readFileSync(f, 'utf8');
  graph.set(rel(f), { text, local: localImports(f, text), all: specifiers(text) });
}

/** Strongly connected components (Tarjan): each with more than one file, or a file importing itself, is a circle. */
function importCircles(): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.local ?? []) {
      if (!graph.has(w)) continue;
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.local.includes(v)) circles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) visit(v);
  return circles;
}

/** One path around a circle, for the failure message: a → b → … → a. */
function cyclePath(component: string[]): string {
  const members = new Set(component);
  const start = component[0];
  const path = [start];
  const seen = new Set(path);
  for (;;) {
    const at = path.at(-1)!;
    const next = graph.get(at)!.local.filter((w) => members.has(w));
    if (next.includes(start)) return [...path, start].join(' → ');
    const step = next.find((w) => !seen.has(w)) ?? next[0];
    if (!step || seen.has(step)) return [...path, step ?? '?'].join(' → ');
    path.push(step);
    seen.add(step);
  }
}

/**
 * The core runs the same in the page, in the worker, in Node and in a
 * notebook. `state/` is core too (the declared schema and its mappings), except
 * its one React hook, which binds the schema to the page's URL.
 */
const CORE_EXCEPTIONS = new Set(['state/useHashState.ts']);
const UI_PACKAGES = /^(react|react-dom|d3)(\/|$)|^d3-/;
const UI_FOLDERS = /^(panels|charts)\/|^App\.tsx$|^main\.tsx$/;
/** The page's globals (a word followed by a property, so "the window." in a sentence does not count). */
const DOM_GLOBALS = /\b(document|window|navigator|localStorage)\.[A-Za-z]|\bHTML[A-Za-z]*Element\b/;

/**
 * The pure core, and which core folders each of its folders may import
 * (besides itself): lower layers never reach up, so the model reads without
 * sampling, and sampling without the trainer; none reaches the engine, the
 * charts or the panels.
 */
const MAY_IMPORT: Record<string, string[]> = {
  util: [],
  i18n: [],
  model: ['util'],
  tokenizer: ['util'],
  lessons: ['util'],
  io: ['model', 'tokenizer', 'util'],
  data: ['io', 'util'],
  sampling: ['model', 'util'],
  train: ['model', 'tokenizer', 'io', 'data', 'util'],
  lora: ['model', 'train', 'io', 'data', 'util'],
  peft: ['model', 'train', 'io', 'data', 'tokenizer', 'lora', 'util'],
  state: ['model', 'tokenizer', 'sampling', 'lora', 'lessons', 'util'],
  // The guided lessons: links built from the state schema, costs from lessons/.
  walks: ['state', 'lessons', 'util'],
};

/**
 * Files longer than this are split by meaning. styles.css is not counted: one
 * stylesheet for the page, read by section, and not code a change has to follow.
 */
const MAX_LINES = 400;

describe('the shape of src/', () => {
  it('reads every file and finds its imports', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('engine/worker.ts')!.local).toContain('engine/runtime.ts');
    expect(specifiers("import type { A } from './a.ts';\nexport { b } from '../b.ts';\nimport './c.css';")).toEqual(['./a.ts', '../b.ts', './c.css']);
  });

  it('has no import circles (type-only imports counted)', () => {
    const named = importCircles().map((c) => (c.length > 2 ? `${cyclePath(c)}  (the circle joins ${c.join(', ')})` : cyclePath(c)));
    expect(named, `import circles:\n${named.join('\n')}`).toEqual([]);
  });

  it('keeps the pure core free of React, D3, panels, charts and the page', () => {
    const offences: string[] = [];
    for (const [file, { text, local, all }] of graph) {
      if (!(file.split('/')[0] in MAY_IMPORT) || CORE_EXCEPTIONS.has(file)) continue;
      for (const s of all) if (UI_PACKAGES.test(s)) offences.push(`${file} imports ${s}`);
      for (const l of local) if (UI_FOLDERS.test(l)) offences.push(`${file} imports ${l}`);
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      const dom = DOM_GLOBALS.exec(code);
      if (dom) offences.push(`${file} uses ${dom[0]}`);
    }
    expect(offences).toEqual([]);
  });

  it('layers the core: each folder imports only the folders beneath it', () => {
    const offences: string[] = [];
    for (const [file, { local }] of graph) {
      const folder = file.split('/')[0];
      const allowed = MAY_IMPORT[folder];
      if (!allowed) continue;
      for (const l of local) {
        const target = l.split('/')[0];
        if (target !== folder && !allowed.includes(target)) offences.push(`${file} imports ${l}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = filesUnder(src)
      .filter((f) => !f.endsWith('.css'))
      .map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((x) => x.lines > MAX_LINES)
      .map((x) => `${x.file}: ${x.lines} lines`);
    expect(long).toEqual([]);
  });
});
