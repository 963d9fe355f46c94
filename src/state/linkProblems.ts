// What a link had wrong, as data: a code, the values its sentence needs, and
// the sentence in English (for logs and tests). The page says it in the
// reader's language from the code (src/panels/linkProblemText.ts). Values that
// come from the link, or go back into one (a minimum, the value used), are kept
// as text, written as a link writes them: `max_new_tokens=5000`, not 5,000.

import { codesOf } from '../util/codes.ts';

export interface LinkProblemParams {
  /** A `key=value` pair whose %-escapes do not decode; it was ignored. `text` is its first 40 characters. */
  'bad-encoding': { text: string };
  /** A key no setting has; ignored. */
  'unknown-setting': { key: string };
  /** The same key twice; the last value counts. */
  repeated: { key: string };
  /** Not a number at all; the default is used. `value` is quoted as JSON writes it. */
  'not-a-number': { key: string; value: string; fallback: string };
  /** Not a whole number where one is needed (and not a number to round); the default is used. */
  'not-a-whole-number': { key: string; value: string; fallback: string };
  'below-minimum': { key: string; value: string; min: string; used: string };
  'above-maximum': { key: string; value: string; max: string; used: string };
  /** A fraction where a whole number is needed; rounded. */
  rounded: { key: string; value: string; used: string };
  /** Not one of a choice's values; the default is used. `allowed` lists them, comma-separated. */
  'not-one-of': { key: string; value: string; allowed: string; fallback: string };
  /** Text longer than the setting keeps; cut. */
  'too-long': { key: string; length: number; maxLength: number };
  /** model= an http(s) address that is not a valid URL; the default model is used. */
  'bad-address': { key: string; value: string; fallback: string };
  /** model= something that names no model; the default model is used. */
  'no-such-model': { key: string; value: string; fallback: string };
  /** model= an address read as the folder it names (a Hub repo page → its files' folder). */
  'model-folder': { key: string; url: string };
}

export type LinkProblemCode = keyof LinkProblemParams;

export const LINK_PROBLEM_CODES = codesOf<LinkProblemCode>({
  'bad-encoding': 0,
  'unknown-setting': 0,
  repeated: 0,
  'not-a-number': 0,
  'not-a-whole-number': 0,
  'below-minimum': 0,
  'above-maximum': 0,
  rounded: 0,
  'not-one-of': 0,
  'too-long': 0,
  'bad-address': 0,
  'no-such-model': 0,
  'model-folder': 0,
});

export type LinkProblem = { [C in LinkProblemCode]: { code: C; params: LinkProblemParams[C]; message: string } }[LinkProblemCode];

/** The English sentence of each problem (the page's English messages say the same, in src/i18n/locales/en/common.ts). */
const ENGLISH: { [C in LinkProblemCode]: (p: LinkProblemParams[C]) => string } = {
  'bad-encoding': (p) => `"${p.text}" is not correctly URL-encoded; ignored.`,
  'unknown-setting': (p) => `Unknown setting "${p.key}" ignored.`,
  repeated: (p) => `${p.key} appears more than once; the last value counts.`,
  'not-a-number': (p) => `${p.key}=${p.value} is not a number; using the default ${p.fallback}.`,
  'not-a-whole-number': (p) => `${p.key}=${p.value} is not a whole number; using the default ${p.fallback}.`,
  'below-minimum': (p) => `${p.key}=${p.value} is below the minimum ${p.min}; using ${p.used}.`,
  'above-maximum': (p) => `${p.key}=${p.value} is above the maximum ${p.max}; using ${p.used}.`,
  rounded: (p) => `${p.key}=${p.value} is not a whole number; using ${p.used}.`,
  'not-one-of': (p) => `${p.key}=${p.value} is not one of ${p.allowed}; using ${p.fallback}.`,
  'too-long': (p) => `${p.key} is ${p.length} characters long; only the first ${p.maxLength} are kept.`,
  'bad-address': (p) => `${p.key}=${p.value} is not a valid address. Using ${p.fallback}.`,
  'no-such-model': (p) =>
    `${p.key}=${p.value} names no model: use a name from the list (such as shakespeare), an http(s) address of a model folder, or stored:<id>. Using ${p.fallback}.`,
  'model-folder': (p) => `${p.key}: reading the folder ${p.url}.`,
};

/** A link problem with its English sentence. */
export function linkProblem<C extends LinkProblemCode>(code: C, params: LinkProblemParams[C]): LinkProblem {
  return { code, params, message: ENGLISH[code](params) } as LinkProblem;
}
