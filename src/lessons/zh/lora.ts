// 面板旁的讲解（简体中文），与 ../explanations.ts 中的英文版观点一致，但为中文读者重新撰写。
// 数字与英文版出自同一处（../costs.ts、../measured.ts），按同样的方式算出，
// tests/i18n/loraExplanation.node.test.ts 检查两种语言引用的数字相同。
import { DEFAULT_FINE_TUNE, LLAMA_7B, activationBytesPerLayer, fineTuneMemory } from '../costs.ts';
import type { Explanation } from '../explanations.ts';
import { LORA_GPT3_SPEEDUP } from '../measured.ts';

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** LLaMA-2 7B，显存计算器的默认序列长度、批次大小 1：与英文版引用的是同一组数字。 */
const SEVEN_B = (() => {
  const { sequenceLength, batchSize } = DEFAULT_FINE_TUNE;
  const activations = (r: 'none' | 'selective' | 'full') => LLAMA_7B.nLayer * activationBytesPerLayer(LLAMA_7B, sequenceLength, batchSize, r);
  const full = fineTuneMemory(LLAMA_7B, 'full fine-tuning');
  const lora = fineTuneMemory(LLAMA_7B, 'LoRA');
  return {
    sequenceLength: sequenceLength.toLocaleString('zh-CN'),
    stateBytes: full.weights + full.gradients + full.optimizer,
    bytesPerParameter: (full.weights + full.gradients + full.optimizer) / LLAMA_7B.parameters,
    /** 以“万”为单位、取到十万位：4.19 million → 420 万（英文版写 4.2 million）。 */
    loraTrainableWan: Math.round(lora.trainableParameters / 1e5) * 10,
    loraShare: lora.trainableParameters / LLAMA_7B.parameters,
    loraTotal: lora.total,
    none: activations('none'),
    selective: activations('selective'),
    full: activations('full'),
  };
})();

export const LORA_ZH: Explanation = {
  id: 'lora',
  title: 'LoRA：用低秩更新做微调',
  paragraphs: [
    `微调（fine-tuning）就是在新文本上继续训练模型，让它写出来的东西更像这些文本。全参数微调会更新每一个权重，因此每个参数旁边都得再存一份梯度和 Adam 优化器的两个动量：混合精度训练下，再算上权重本身和它的 fp32 主副本，每个参数要 ${SEVEN_B.bytesPerParameter} 字节，LLaMA-2 7B 的 70 亿参数合计 ${Math.round(SEVEN_B.stateBytes / 1e9)} GB 显存。这还没算反向传播要用的激活值：一条 ${SEVEN_B.sequenceLength} 个词元的序列，激活值全部保留要 ${gb(SEVEN_B.none)}；注意力矩阵重算或干脆不存（选择性重计算、FlashAttention）要 ${gb(SEVEN_B.selective)}；只保留每层的输入（完全重计算，也就是梯度检查点）要 ${gb(SEVEN_B.full)}。`,
    `LoRA（低秩适配，Low-Rank Adaptation）把原始权重冻结，在每个选中的权重矩阵旁边学一个小的更新量。这个更新量是两个“瘦长”矩阵的乘积 B·A，秩 r 很小。A 随机初始化，B 初始化为全零，所以刚创建的适配器对模型没有任何影响。训练时只更新 A 和 B：像 LoRA 论文那样，在 LLaMA-2 7B 的 query 和 value 矩阵上用秩 ${DEFAULT_FINE_TUNE.loraRank}，可训练参数约 ${SEVEN_B.loraTrainableWan} 万个，只占模型的 ${(100 * SEVEN_B.loraShare).toFixed(2)}%。`,
    '这么小的更新为什么就够用？LoRA 论文的假设是：微调所需的权重变化具有很低的“内在秩”（intrinsic rank）。这个假设建立在 Aghajanyan 等人（2020）的发现之上——把微调限制在一个随机的小子空间里，照样有效；论文给出的证据是，在 GPT-3 上用很小的秩，适配效果和大的秩差不多。本面板里的奇异值并不能证明这一点：B·A 只经过 r 个维度，所以它大于零的奇异值最多只有 r 个，这是结构决定的，和任务实际需要多少个方向无关。真正检验这个假设的办法，是用不同的秩分别训练、比较损失，notebook 03 的秩扫描做的就是这件事。',
    `LoRA 省显存，是因为冻结的权重既不需要梯度，也不需要优化器状态。但它省不了激活值：反向传播仍然要穿过每一个冻结的层。以 LLaMA-2 7B、${SEVEN_B.sequenceLength} 个词元、不做任何重计算为例，LoRA 需要 ${gb(SEVEN_B.loraTotal)}，一张 24 GB 的显卡放不下。显存计算器会列出这些显存都花在了哪里。至于 LoRA 训练是否更快，要看模型大小：它省掉了冻结权重自身的梯度计算（约占这些权重训练计算量的三分之一）和它们的优化器更新，但多了自己的一些小矩阵乘法。大模型里省下的部分占主导，LoRA 论文报告 GPT-3 175B 的训练速度快了约 ${Math.round(LORA_GPT3_SPEEDUP * 100)}%。而像本站这么小的模型，多出来的计算可能和省下的一样多；“全参数微调 vs LoRA”的比较会在同一份文本上跑两种方法，并显示各自的每步耗时。`,
    '缩放系数很关键：更新量要乘以 alpha / r（PEFT 中的 lora_alpha 除以 r）。秩稳定的 LoRA（rsLoRA，use_rslora）改为除以 r 的平方根，这样秩设得较大时，学习也不会变得太慢。',
    '训练结束后，可以合并权重：把 B·A 直接加到原矩阵上。合并后的模型和原模型一样快，因为没有任何额外计算；合并也能撤销，减去同一个乘积即可，误差只在浮点舍入的量级。适配器也可以单独保存，随时开启或关闭，以后还能从停下的地方接着训练。',
    'QLoRA 更进一步：把冻结的基座模型以 4 比特存储，采用 NormalFloat（NF4）格式——它的 16 个量化等级取在正态分布的分位点上，因为训练好的权重大致服从正态分布。双重量化（double quantization）把量化常数也再压缩一遍；分页优化器（paged optimizers）在显存不够时把优化器状态挪到 CPU 内存。适配器本身仍以较高精度训练。量化只作用于权重，激活值并不会因此变小；QLoRA 论文靠梯度检查点来压低激活值的显存。',
    'AdaLoRA 把秩的预算花在最有用的地方：它把每个更新量写成奇异值分解的形式，在训练中剪掉最不重要的奇异值，于是有的矩阵最后的秩高一些，有的低一些。',
    '在新文本上训练，可能会让模型在原来会的东西上变差，这就是灾难性遗忘（catastrophic forgetting）。本面板用两条曲线展示它：新文本上的损失下降的同时，原始语料上的损失在上升。常用的缓解办法是在新的训练数据里混入一部分原始文本。用 LoRA 的话，关掉适配器就能精确地回到原来的模型。',
  ],
};
