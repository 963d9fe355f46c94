// A notice from the core (src/sampling/notices.ts) in the reader's language:
// one sentence per code under common:notices, filled with the notice's own
// numbers. Every panel that shows notices says them through this. A code this
// page does not know (an engine newer than the page) shows the core's English.

import type { Notice } from '../sampling/notices.ts';
import { coded } from './codedText.ts';

export function noticeText(notice: Notice): string {
  return coded(`common:notices.${notice.code}`, notice.params) ?? notice.message;
}
