// What SFT (train/sftRun.ts) trains for each fine-tuning method: the
// method's own variables, from methodRun, and — for every method that leaves
// the base weights frozen — the embedding rows of the chat markers the
// template added, since a frozen table would keep every marker at the same
// mean row and the model could not tell <|user|> from <|assistant|>.
//
// PEFT trains added tokens' rows the same way: `LoraConfig(trainable_token_indices=…)`
// or a standalone `TrainableTokensConfig(token_indices=…)` on `embed_tokens`
// (PEFT docs, "Trainable Tokens", package_reference/trainable_tokens, v0.15+:
// "This method will only re-train the embeddings for the tokens you specify…
// can also be used in conjunction with LoRA layers"); the older recipe is
// `modules_to_save=["embed_tokens"]` (PEFT's lora_clm_with_additional_tokens
// example), which trains and saves the whole table. Here only the new rows
// learn (train/sftRun.ts, newRowsOnly): the old rows are put back after every
// step, so the base's own rows end exactly as they began. GPT-2 ties its output
// head to wte, so the new rows also set the markers' logits, as they do in PEFT.

import type { GPT } from '../model/gpt.ts';
import { type SftTarget, newRowsOnly } from '../train/sftRun.ts';
import type { MethodRun } from './methodAdapters.ts';

export interface SftMethodTarget {
  target: SftTarget;
  /** Frees what the target made (the saved old rows); the method's adapter is disposed by its MethodRun. */
  release: () => void;
}

/**
 * The SFT target of one method's fresh run on `model`, whose first `oldRows`
 * rows of wte are the base's: full fine-tuning trains every weight (new rows
 * included); every other method trains its own variables plus the new rows.
 */
export function sftTarget(model: GPT, made: MethodRun, oldRows: number): SftMethodTarget {
  const t = made.target;
  if (t.kind === 'full') return { target: { trainable: model.namedParameters() }, release: () => {} };
  const rows = newRowsOnly(model, oldRows);
  const release = () => rows.dispose();
  if (t.kind === 'lora') {
    const adapter = t.adapter;
    return {
      target: {
        trainable: [...adapter.trainableVariables(), rows.variable], afterStep: rows.afterStep,
        trainableValues: adapter.trainableCount + rows.trainableValues, setTraining: (on) => (adapter.training = on),
      },
      release,
    };
  }
  const hooks = t.hooks ?? {};
  return {
    target: {
      trainable: [...t.variables, rows.variable],
      setTraining: t.setTraining,
      extraLoss: hooks.extraLoss,
      // The method's own hook first (AdaLoRA's allocator reads this step's gradients of its P, Λ, Q), then the old rows back.
      afterStep: (step, grads) => {
        hooks.afterStep?.(step, grads);
        rows.afterStep();
      },
      trainableValues: t.variables.reduce((n, [, v]) => n + v.size, 0) + rows.trainableValues,
    },
    release,
  };
}
