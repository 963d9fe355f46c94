// RLHF's memory: PPO's four models (two trained) and DPO's two, in full
// fine-tuning and with LoRA (one shared base, as TRL keeps it), on the
// calculator's models and settings (lessons/peftCosts.ts).

import { useTranslation } from 'react-i18next';
import type { FineTuneAssumptions } from '../../lessons/costs.ts';
import { GPU_SIZES, MEMORY_MODELS, formatGB, rlhfRows } from './memory.ts';

const ROW_KEY = { 'PPO/full fine-tuning': 'ppoFull', 'PPO/LoRA': 'ppoLora', 'DPO/full fine-tuning': 'dpoFull', 'DPO/LoRA': 'dpoLora' } as const;

export function RlhfMemory({ assumptions }: { assumptions: FineTuneAssumptions }) {
  const { t } = useTranslation('lora');
  const rows = rlhfRows(assumptions);
  const largest = GPU_SIZES[GPU_SIZES.length - 1].label;
  return (
    <div className="lora-rlhf" data-testid="lora-memory-rlhf">
      <h4>{t('memory.rlhf.title')}</h4>
      <p className="small">{t('memory.rlhf.intro')}</p>
      <table className="lora-table">
        <thead>
          <tr>
            <th scope="col">{t('memory.rlhf.scheme')}</th>
            {MEMORY_MODELS.map((m) => (
              <th scope="col" key={m.name}>
                {m.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.scheme}/${r.tuning}`} data-scheme={`${r.scheme}/${r.tuning}`}>
              <th scope="row">
                {t(`memory.rlhf.${ROW_KEY[`${r.scheme}/${r.tuning}`]}`)}
                <span className="muted small"> · {t('memory.rlhf.copies', { count: r.copies })}</span>
              </th>
              {r.totals.map((c) => (
                <td key={c.model} data-fits={c.fitsOn ?? 'none'}>
                  {c.fitsOn ? t('memory.rlhf.cell', { total: formatGB(c.total) }) : t('memory.rlhf.tooBig', { total: formatGB(c.total), gpu: largest })}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t('memory.rlhf.assumptions')}</p>
    </div>
  );
}
