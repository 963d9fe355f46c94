// The text so far, token by token: the prompt, the generated tokens, the
// newest one (whose query row the charts open on) and the selected query.
// Tokens that slid out of the context window are struck through.

import { Fragment } from 'react';
import type { AttentionToken, PickedToken } from '../../engine/attentionProtocol.ts';

/** Display tokens carry visible whitespace ("␣the", "↵"); in running text a space is a space. */
function readable(text: string): string {
  return text.replaceAll('␣', ' ');
}

export function SequenceText(props: {
  tokens: readonly AttentionToken[];
  picks: readonly PickedToken[];
  promptLength: number;
  known: number;
  windowStart: number;
  selected: number;
  onSelect: (position: number) => void;
}) {
  const { tokens, picks, promptLength, known, windowStart, selected } = props;
  return (
    <div className="attn-text" data-testid="attention-text" data-known={known}>
      {tokens.slice(0, known).map((t, i) => {
        const generated = i >= promptLength;
        const pick = generated ? picks[i - promptLength] : null;
        const classes = ['attn-tok', generated ? 'generated' : 'prompt'];
        if (i < windowStart) classes.push('dropped');
        if (i === selected) classes.push('selected');
        if (t.byte) classes.push('byte');
        const title =
          `position ${i}, token ${t.id} “${t.text}”` +
          (pick ? ` — chosen with probability ${(pick.prob * 100).toFixed(1)}% (model: ${(pick.rawProb * 100).toFixed(1)}%)` : ' — prompt') +
          (i < windowStart ? ' — out of the context window now' : '');
        const text = readable(t.text);
        return (
          <Fragment key={i}>
            <button type="button" className={classes.join(' ')} title={title} data-position={i} data-token-id={t.id} onClick={() => props.onSelect(i)}>
              {text}
            </button>
            {text.endsWith('↵') && <br />}
          </Fragment>
        );
      })}
    </div>
  );
}
