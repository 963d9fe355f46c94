// The text so far, token by token: the prompt, the generated tokens, the
// newest one (whose query row the charts open on) and the selected query.
// Tokens that slid out of the context window are struck through.

import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPercent } from '../format.ts';
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
  const { t } = useTranslation('attention');
  return (
    <div className="attn-text" data-testid="attention-text" data-known={known}>
      {tokens.slice(0, known).map((token, i) => {
        const generated = i >= promptLength;
        const pick = generated ? picks[i - promptLength] : null;
        const classes = ['attn-tok', generated ? 'generated' : 'prompt'];
        if (i < windowStart) classes.push('dropped');
        if (i === selected) classes.push('selected');
        if (token.byte) classes.push('byte');
        const title =
          t('token.title', { position: i, id: token.id, text: token.text }) +
          (pick ? t('token.chosen', { prob: formatPercent(pick.prob), raw: formatPercent(pick.rawProb) }) : t('token.prompt')) +
          (i < windowStart ? t('token.dropped') : '');
        const text = readable(token.text);
        return (
          <Fragment key={i}>
            <button type="button" className={classes.join(' ')} title={title} data-position={i} data-token-id={token.id} onClick={() => props.onSelect(i)}>
              {text}
            </button>
            {text.endsWith('↵') && <br />}
          </Fragment>
        );
      })}
    </div>
  );
}
