// The terms a learner meets in interviews and papers, English ↔ 简体中文, with
// the Hugging Face parameter name where there is one. Both locales' messages
// use these words; the glossary panel and tests read this table.

export interface GlossaryTerm {
  id: string;
  en: string;
  zh: string;
  /** The Hugging Face / PEFT name, shown beside the term in both languages. */
  hf?: string;
}

export const GLOSSARY: readonly GlossaryTerm[] = [
  { id: 'token', en: 'token', zh: '词元（token）' },
  { id: 'tokenizer', en: 'tokenizer', zh: '分词器' },
  { id: 'context-window', en: 'context window', zh: '上下文窗口' },
  { id: 'decoder-only', en: 'decoder-only', zh: '仅解码器（Decoder-only）' },
  { id: 'autoregressive', en: 'autoregressive generation', zh: '自回归生成' },
  { id: 'parroting', en: 'parroting (repetition)', zh: '复读机（重复生成）' },
  { id: 'decoding-strategy', en: 'decoding strategy', zh: '解码策略' },
  { id: 'greedy', en: 'greedy decoding', zh: '贪心解码' },
  { id: 'sampling', en: 'sampling', zh: '采样' },
  { id: 'temperature', en: 'temperature', zh: '温度', hf: 'temperature' },
  { id: 'top-k', en: 'top-k sampling', zh: 'top-k 采样', hf: 'top_k' },
  { id: 'top-p', en: 'nucleus sampling (top-p)', zh: '核采样（top-p）', hf: 'top_p' },
  { id: 'min-p', en: 'min-p', zh: 'min-p 采样', hf: 'min_p' },
  { id: 'beam-search', en: 'beam search', zh: '束搜索', hf: 'num_beams' },
  { id: 'length-penalty', en: 'length penalty', zh: '长度惩罚', hf: 'length_penalty' },
  { id: 'repetition-penalty', en: 'repetition penalty', zh: '重复惩罚', hf: 'repetition_penalty' },
  { id: 'no-repeat-ngram', en: 'no-repeat n-gram size', zh: 'n 元组禁止重复', hf: 'no_repeat_ngram_size' },
  { id: 'frequency-penalty', en: 'frequency penalty', zh: '频率惩罚', hf: 'frequency_penalty' },
  { id: 'presence-penalty', en: 'presence penalty', zh: '存在惩罚', hf: 'presence_penalty' },
  { id: 'self-attention', en: 'self-attention', zh: '自注意力' },
  { id: 'multi-head', en: 'multi-head attention', zh: '多头注意力' },
  { id: 'attention-head', en: 'attention head', zh: '注意力头' },
  { id: 'causal-mask', en: 'causal mask', zh: '因果掩码' },
  { id: 'prefix-lm', en: 'prefix language model', zh: '前缀语言模型（Prefix LM）' },
  { id: 'bidirectional', en: 'bidirectional attention', zh: '双向注意力' },
  { id: 'ffn', en: 'feed-forward network', zh: '前馈网络（FFN）' },
  { id: 'residual', en: 'residual connection', zh: '残差连接' },
  { id: 'layer-norm', en: 'layer normalisation', zh: '层归一化（LayerNorm）' },
  { id: 'kv-cache', en: 'key-value cache', zh: 'KV 缓存' },
  { id: 'teacher-forcing', en: 'teacher forcing', zh: '教师强制（Teacher Forcing）' },
  { id: 'exposure-bias', en: 'exposure bias', zh: '曝光偏差' },
  { id: 'logit-lens', en: 'logit lens', zh: 'logit 透镜（logit lens）' },
  { id: 'rope', en: 'rotary position embedding', zh: '旋转位置编码（RoPE）' },
  { id: 'chunking', en: 'chunking with overlap', zh: '重叠分块' },
  { id: 'fine-tuning', en: 'fine-tuning', zh: '微调' },
  { id: 'full-fine-tuning', en: 'full fine-tuning', zh: '全参数微调' },
  { id: 'lora', en: 'low-rank adaptation (LoRA)', zh: '低秩适配（LoRA）' },
  { id: 'rank', en: 'rank', zh: '秩', hf: 'r' },
  { id: 'lora-alpha', en: 'LoRA alpha', zh: '缩放系数 alpha', hf: 'lora_alpha' },
  { id: 'target-modules', en: 'target modules', zh: '目标模块', hf: 'target_modules' },
  { id: 'merge', en: 'merging weights', zh: '合并权重', hf: 'merge_and_unload' },
  { id: 'adapter', en: 'adapter', zh: '适配器' },
  { id: 'qlora', en: 'QLoRA (4-bit base)', zh: 'QLoRA（4 比特量化基座）' },
  { id: 'quantization', en: 'quantisation', zh: '量化' },
  { id: 'forgetting', en: 'catastrophic forgetting', zh: '灾难性遗忘' },
  { id: 'gpu-memory', en: 'GPU memory', zh: '显存' },
  { id: 'activations', en: 'activations', zh: '激活值' },
  { id: 'recomputation', en: 'activation recomputation', zh: '激活重计算' },
  { id: 'optimizer-state', en: 'optimizer state', zh: '优化器状态' },
  { id: 'singular-values', en: 'singular values', zh: '奇异值' },
  { id: 'loss', en: 'loss', zh: '损失' },
  { id: 'validation-loss', en: 'validation loss', zh: '验证集损失' },
  { id: 'perplexity', en: 'perplexity', zh: '困惑度' },
  { id: 'cross-entropy', en: 'cross-entropy', zh: '交叉熵' },
  { id: 'learning-rate', en: 'learning rate', zh: '学习率', hf: 'learning_rate' },
  { id: 'embedding', en: 'embedding', zh: '嵌入' },
];
