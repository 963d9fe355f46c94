// Generated text, token by token, with every token that completes an n-gram
// seen earlier (prompt included) highlighted: repetition made visible as it happens.

import { useTranslation } from 'react-i18next';
import { repeatedNgramMask } from '../../sampling/repetition.ts';
import type { TokenPiece } from '../../engine/protocol.ts';
import { WithNewlineMarks } from '../TokenText.tsx';

export function GeneratedText(props: { prompt: TokenPiece[]; tokens: TokenPiece[]; n: number; testId?: string }) {
  const { t } = useTranslation('sampling');
  const mask = repeatedNgramMask(
    props.tokens.map((t) => t.id),
    props.n,
    props.prompt.map((t) => t.id),
  );
  return (
    <pre className="generated" tabIndex={0} data-testid={props.testId} data-repeated={mask.filter(Boolean).length} data-count={props.tokens.length}>
      <span className="prompt-text">
        <WithNewlineMarks text={props.prompt.map((t) => t.text).join('')} />
      </span>
      {props.tokens.map((token, i) => (
        <span key={i} className={mask[i] ? 'tok repeated' : 'tok'} title={mask[i] ? t('generate.completesNgram', { n: props.n }) : undefined}>
          {/^ +$/.test(token.text) ? '·'.repeat(token.text.length) : <WithNewlineMarks text={token.text} />}
        </span>
      ))}
    </pre>
  );
}
