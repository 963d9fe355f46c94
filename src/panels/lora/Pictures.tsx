// Three small pictures for the explanation: the LoRA bypass beside a frozen
// weight, NF4's sixteen levels under a normal curve (QLoRA), and AdaLoRA's
// P·Λ·Q with some singular values pruned. Static SVG drawn from numbers.

import { useTranslation } from 'react-i18next';
import { NF4_LEVELS } from '../../lora/nf4.ts';

const INK = '#1c232c';
const FROZEN = '#d5dbe2';
const TRAIN = '#d9822b';

export function LoraBypassPicture() {
  const { t } = useTranslation('lora');
  return (
    <svg className="lora-picture-svg" viewBox="0 0 270 132" role="img" aria-label={t('pictures.bypass')}>
      <g stroke={INK} fill="none" strokeWidth="1">
        <path d="M18,60 H34 V33 H60 M34,60 V100 H60" />
        <path d="M140,33 H182 V52 M140,100 H182 V68 M190,60 H232" />
        <circle cx="182" cy="60" r="8" />
        <path d="M178,60 H186 M182,56 V64" />
      </g>
      <text x="6" y="64" fontSize="13" fill={INK}>x</text>
      <rect x="60" y="8" width="80" height="50" fill={FROZEN} />
      <text x="100" y="37" fontSize="12" textAnchor="middle" fill={INK}>{t('pictures.frozenW')}</text>
      <path d="M60,80 L96,96 L96,104 L60,120 Z" fill={TRAIN} />
      <path d="M104,96 L140,80 L140,120 L104,104 Z" fill={TRAIN} />
      <text x="74" y="104" fontSize="11" fill="#fff">A</text>
      <text x="122" y="104" fontSize="11" fill="#fff">B</text>
      <text x="100" y="92" fontSize="10" textAnchor="middle" fill={INK}>r</text>
      <text x="148" y="116" fontSize="10" fill={INK}>× α/r</text>
      <text x="238" y="64" fontSize="13" fill={INK}>h</text>
      <text x="135" y="130" fontSize="11" textAnchor="middle" fill={INK}>{t('pictures.bypassCaption')}</text>
    </svg>
  );
}

/** NF4's levels are quantiles of a normal distribution scaled into [−1, 1]; the largest is Φ⁻¹(0.9677) ≈ 1.848 σ. */
export function Nf4Picture() {
  const { t } = useTranslation('lora');
  const sigma = 1 / 1.848;
  const W = 260;
  const H = 90;
  const x = (v: number) => 10 + ((v + 1) / 2) * (W - 20);
  const density = (v: number) => Math.exp(-(v * v) / (2 * sigma * sigma));
  const curve = Array.from({ length: 81 }, (_, i) => {
    const v = -1 + i / 40;
    return `${i === 0 ? 'M' : 'L'}${x(v).toFixed(1)},${(H - 20 - density(v) * (H - 30)).toFixed(1)}`;
  }).join(' ');
  return (
    <svg className="lora-picture-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('pictures.nf4')}>
      <path d={curve} fill="none" stroke={FROZEN} strokeWidth="2" />
      {NF4_LEVELS.map((v) => (
        <line key={v} x1={x(v)} x2={x(v)} y1={H - 20} y2={H - 32} stroke={TRAIN} strokeWidth="2" />
      ))}
      <line x1="10" x2={W - 10} y1={H - 20} y2={H - 20} stroke={INK} strokeWidth="0.5" />
      <text x="10" y={H - 6} fontSize="10" fill={INK}>−1</text>
      <text x={W / 2} y={H - 6} fontSize="10" textAnchor="middle" fill={INK}>0</text>
      <text x={W - 10} y={H - 6} fontSize="10" textAnchor="end" fill={INK}>{t('pictures.absmax')}</text>
    </svg>
  );
}

export function AdaLoraPicture() {
  const { t } = useTranslation('lora');
  const kept = [true, true, false, true, false, false];
  return (
    <svg className="lora-picture-svg" viewBox="0 0 260 90" role="img" aria-label={t('pictures.adalora')}>
      <text x="4" y="48" fontSize="12" fill={INK}>ΔW =</text>
      <rect x="44" y="12" width="24" height="64" fill={TRAIN} opacity="0.8" />
      <text x="56" y="88" fontSize="10" textAnchor="middle" fill={INK}>P</text>
      <rect x="80" y="20" width="48" height="48" fill="none" stroke={INK} strokeWidth="0.5" />
      {kept.map((k, i) => (
        <circle key={i} cx={84 + i * 8} cy={24 + i * 8} r="3" fill={k ? TRAIN : 'none'} stroke={k ? TRAIN : '#9aa5b3'} />
      ))}
      <text x="104" y="88" fontSize="10" textAnchor="middle" fill={INK}>{t('pictures.pruned')}</text>
      <rect x="140" y="32" width="80" height="24" fill={TRAIN} opacity="0.8" />
      <text x="180" y="70" fontSize="10" textAnchor="middle" fill={INK}>Q</text>
    </svg>
  );
}
