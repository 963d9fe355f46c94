// The explanation beside the panel: the playground's LORA text (the same prose
// the default adapter trains on), with pictures where they help.

import { Fragment, type JSX } from 'react';
import { LORA } from '../../lessons/explanations.ts';
import { AdaLoraPicture, LoraBypassPicture, Nf4Picture } from './Pictures.tsx';

/** Which picture follows which paragraph, found by what the paragraph is about. */
const PICTURES: [RegExp, () => JSX.Element][] = [
  [/^LoRA, low-rank adaptation/, LoraBypassPicture],
  [/^QLoRA/, Nf4Picture],
  [/^AdaLoRA/, AdaLoraPicture],
];

export function LoraExplanation() {
  return (
    <>
      <h3 className="explanation-title">{LORA.title}</h3>
      {LORA.paragraphs.map((p) => {
        const Picture = PICTURES.find(([re]) => re.test(p))?.[1];
        return (
          <Fragment key={p.slice(0, 40)}>
            <p>{p}</p>
            {Picture && <Picture />}
          </Fragment>
        );
      })}
    </>
  );
}
