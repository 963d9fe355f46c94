// Words for what the core reports as a code and values (src/util/codes.ts):
// the message under a key built from the code, filled with the values as the
// reader writes them. noticeText.ts, linkProblemText.ts and errorText.ts say
// notices, link problems and errors through it.

import { i18n, t } from '../i18n/index.ts';
import { formatNumber } from '../i18n/format.ts';
import type { MessageParams } from '../util/codes.ts';

/** A message's values as the reader writes them: numbers grouped by the locale (1,024), text as it is. */
export function localParams(params: MessageParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'number' ? formatNumber(v) : v;
  return out;
}

/**
 * The message under `key` (with its namespace: `common:notices.prompt-cut`)
 * filled with `params`, or null when there is none. Keys built from a code are
 * checked here and by the tests that walk every code, not by i18next's key
 * types (which cannot follow a key chosen at run time).
 */
export function coded(key: string, params: MessageParams = {}): string | null {
  if (!i18n.exists(key)) return null;
  return (t as (key: string, options: Record<string, string>) => string)(key, localParams(params));
}
