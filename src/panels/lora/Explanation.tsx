// The explanation beside the panel, in the reader's language: the playground's
// LORA text (the English is the same prose the default adapter trains on), with
// pictures where they help.

import { Fragment, type JSX } from 'react';
import { useTranslation } from 'react-i18next';
import { LORA } from '../../lessons/explanations.ts';
import { explanationFor } from '../../lessons/explanationsByLocale.ts';
import { isLocale } from '../../i18n/index.ts';
import { AdaLoraPicture, LoraBypassPicture, Nf4Picture } from './Pictures.tsx';

/**
 * Which picture follows which paragraph, found by what the English paragraph
 * is about; every locale's text has the same paragraphs in the same order.
 */
const PICTURES: [RegExp, () => JSX.Element][] = [
  [/^LoRA, low-rank adaptation/, LoraBypassPicture],
  [/^QLoRA/, Nf4Picture],
  [/^AdaLoRA/, AdaLoraPicture],
];
const PICTURE_AFTER = new Map(
  PICTURES.map(([re, picture]) => [LORA.paragraphs.findIndex((p) => re.test(p)), picture] as const),
);

export function LoraExplanation() {
  const { i18n } = useTranslation();
  const explanation = explanationFor('lora', isLocale(i18n.language) ? i18n.language : 'en');
  return (
    <>
      <h3 className="explanation-title">{explanation.title}</h3>
      {explanation.paragraphs.map((p, i) => {
        const Picture = PICTURE_AFTER.get(i);
        return (
          <Fragment key={i}>
            <p>{p}</p>
            {Picture && <Picture />}
          </Fragment>
        );
      })}
    </>
  );
}
