// A notice from the engine in the reader's language. Notices carry a typed
// `code` and an English `message` with the numbers written in; the numbers are
// read back from the English text by its template. A notice whose code or
// wording this table does not know is shown in English as it came.

import type { Notice, NoticeCode } from '../../sampling/notices.ts';
import { currentLocale, t } from '../../i18n/index.ts';
import { formatNumber } from '../../i18n/format.ts';

type Template = { code: NoticeCode; pattern: RegExp; say: (n: string[]) => string };

const n = (s: string) => formatNumber(Number(s));

/** The English templates of src/sampling/notices.ts that reach this panel (beam search never runs here). */
const TEMPLATES: readonly Template[] = [
  {
    code: 'prompt-cut',
    pattern: /^The prompt has (\d+) tokens; only the last (\d+) fit the context window/,
    say: ([tokens, blockSize]) => t('attention:notices.promptCut', { tokens: n(tokens), blockSize: n(blockSize) }),
  },
  {
    code: 'window-slid',
    pattern: /^The context window \((\d+) tokens\) filled up; it slid forward/,
    say: ([blockSize]) => t('attention:notices.windowSlid', { blockSize: n(blockSize) }),
  },
  {
    code: 'window-full',
    pattern: /^The context window \((\d+) tokens\) filled up; only the last/,
    say: ([blockSize]) => t('attention:notices.windowFull', { blockSize: n(blockSize) }),
  },
  { code: 'ngram-ban-lifted', pattern: /^Every token was banned/, say: () => t('attention:notices.ngramBanLifted') },
  {
    code: 'top-k-clamped',
    pattern: /^top_k (\d+) is larger than the vocabulary \((\d+)\)/,
    say: ([topK, vocab]) => t('attention:notices.topKClamped', { topK: n(topK), vocab: n(vocab) }),
  },
];

export function noticeText(notice: Notice): string {
  if (currentLocale() === 'en') return notice.message;
  for (const template of TEMPLATES) {
    if (template.code !== notice.code) continue;
    const match = template.pattern.exec(notice.message);
    if (match) return template.say(match.slice(1));
  }
  return notice.message;
}
