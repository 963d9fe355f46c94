// What a link had wrong (src/state/linkProblems.ts), in the reader's language:
// one sentence per code under common:linkProblems.codes. The values are shown
// as the link writes them. A code this page does not know shows the English.

import type { LinkProblem } from '../state/linkProblems.ts';
import { coded } from './codedText.ts';

export function linkProblemText(problem: LinkProblem): string {
  return coded(`common:linkProblems.codes.${problem.code}`, problem.params) ?? problem.message;
}
