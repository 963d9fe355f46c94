// Both locales say everything: every key English has, Chinese has (and no
// other), every Chinese message is written (not empty, not the English left in
// place), and a message's {{placeholders}} are the same in both. The glossary,
// which both locales take their terms from, has one entry per id, in both.

import { describe, expect, it } from 'vitest';
import { GLOSSARY } from '../../src/i18n/glossary.ts';
import { NAMESPACES, resources } from '../../src/i18n/resources.ts';

type Tree = { [key: string]: string | Tree };

/** Every message of a namespace as `path.to.key` → text, walking the nested objects. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

/**
 * Words that stay the same in Chinese text: names and symbols that Chinese
 * papers, courses and interviews write in Latin letters too. A message the same
 * in both languages passes when every word in it is one of these. Each group
 * with its reason.
 */
const SAME_IN_BOTH: Record<string, readonly string[]> = {
  'methods and models, by their names': ['LoRA', 'QLoRA', 'rsLoRA', 'AdaLoRA', 'P-tuning', 'SFT', 'GPT', 'GPT-2', 'BERT', 'GLM', 'PEFT'],
  'software and browser APIs, by their names': ['WebGL', 'wasm', 'cpu', 'TensorFlow.js', 'Hugging', 'Face'],
  'decoding strategies and measures, by their names in the literature': ['top-k', 'top-p', 'min-p', 'seq-rep', 'distinct', 'rep', 'softmax'],
  'symbols in formulas (Q·Kᵀ, ΔW = B·A, T = 0.7, r × in, out × in as PEFT names the dimensions)': ['Q', 'K', 'Kᵀ', 'V', 'd', 'T', 'A', 'B', 'W', 'ΔW', 'r', 'in', 'out', 'scaling', 'ln'],
  'the language switch names each language in its own language': ['English', '中文'],
};
const NAME_WORDS = new Set(Object.values(SAME_IN_BOTH).flat());

/**
 * Same in both needs no translation when it has no letters (numbers, symbols,
 * placeholders), is only Hugging Face parameter names (top_k), or only the names above.
 */
function needsNoTranslation(text: string): boolean {
  const bare = text.replace(/\{\{[^}]*\}\}/g, ' ');
  const words = bare.match(/[\p{L}_][\p{L}\p{M}\p{N}_.ᵀ-]*/gu) ?? [];
  return words.every((w) => NAME_WORDS.has(w.replace(/[.-]+$/, '')) || (w.includes('_') && /^[a-z0-9_]+$/.test(w)) || /^[\p{L}-]+-\d+$/u.test(w) && NAME_WORDS.has(w.replace(/-\d+$/, '')));
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([^},\s]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

describe('the English and Chinese messages', () => {
  it('list the namespaces i18next is given, in both locales', () => {
    expect(Object.keys(resources.zh).sort()).toEqual([...NAMESPACES].sort());
  });

  for (const ns of NAMESPACES) {
    describe(`namespace "${ns}"`, () => {
      const en = flatten(resources.en[ns] as unknown as Tree);
      const zh = flatten(resources.zh[ns] as unknown as Tree);

      it('has the same keys in both locales', () => {
        const onlyEn = [...en.keys()].filter((k) => !zh.has(k));
        const onlyZh = [...zh.keys()].filter((k) => !en.has(k));
        expect({ onlyInEnglish: onlyEn, onlyInChinese: onlyZh }).toEqual({ onlyInEnglish: [], onlyInChinese: [] });
      });

      it('has every Chinese message written, not empty and not the English left in place', () => {
        // A separator may be empty in Chinese (no spaces between words); a message with words may not.
        const empty = [...zh].filter(([k, v]) => v.trim() === '' && /\p{L}/u.test(en.get(k) ?? '')).map(([k]) => k);
        const untranslated = [...zh].filter(([k, v]) => en.get(k) === v && !needsNoTranslation(v)).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
        expect({ empty, untranslated }).toEqual({ empty: [], untranslated: [] });
      });

      it('uses the same {{placeholders}} in both locales', () => {
        const differ = [...en]
          .filter(([k]) => zh.has(k))
          .filter(([k, v]) => placeholders(v).join() !== placeholders(zh.get(k)!).join())
          .map(([k, v]) => `${k}: en {${placeholders(v).join(', ')}} zh {${placeholders(zh.get(k)!).join(', ')}}`);
        expect(differ).toEqual([]);
      });
    });
  }
});

describe('the glossary', () => {
  it('has unique ids', () => {
    const ids = GLOSSARY.map((g) => g.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('has an English and a Chinese term for every entry, and the Chinese one is in Chinese', () => {
    const incomplete = GLOSSARY.filter((g) => !g.en.trim() || !g.zh.trim() || (g.hf !== undefined && !g.hf.trim())).map((g) => g.id);
    expect(incomplete).toEqual([]);
    const noChinese = GLOSSARY.filter((g) => !/\p{Script=Han}/u.test(g.zh) && !needsNoTranslation(g.zh)).map((g) => `${g.id}: ${g.zh}`);
    expect(noChinese).toEqual([]);
  });
});
