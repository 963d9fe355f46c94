// 命名空间 "sft" 的简体中文文案：LoRA 面板的“指令微调（SFT）”一节——对话模板、损失掩码与“SFT之后傻了”；术语见 ../../glossary.ts。
import type { Messages } from '../../shape.ts';
import type en from '../en/sft.ts';

const zh: Messages<typeof en> = {
  title: '指令微调（SFT）：对话模板、损失掩码，以及“SFT之后傻了”',
  intro:
    '有监督微调（SFT，指令微调）教模型回答问题。对话按对话模板（chat template）书写，角色标记 {{user}}、{{assistant}}、{{end}} 是新加的特殊词元：加进分词器（相当于 Hugging Face 的 add_special_tokens），也加进模型的词嵌入表作为新行（resize_token_embeddings），新行初始化为所有旧行的均值。随后从同一个起点把模型的副本训练三次，样本、{{steps}} 步和随机种子 {{seed}} 都相同：(a) 所有词元都算损失；(b) 只在回答上算损失——其余位置 labels = -100，与 TRL 的 DataCollatorForCompletionOnlyLM 相同；(c) 同 (b)，但每个批次有 {{mix}} 的行换成原始语料。页面里的模型本身不会被改动。',
  method: '方法',
  methods: {
    lora: 'LoRA（r = {{r}}，学习率 {{rate}}）',
    adalora: 'AdaLoRA（按重要性剪枝到平均 r = {{r}}，学习率 {{rate}}）',
    prompt: '提示微调 prompt tuning（{{n}} 个虚拟 token，学习率 {{rate}}）',
    ptuning: 'P-tuning（{{n}} 个虚拟 token，由 MLP 提示编码器 prompt encoder 生成，学习率 {{rate}}）',
    prefix: '前缀微调 prefix tuning / P-tuning v2（每层 {{n}} 个 key/value，学习率 {{rate}}）',
    full: '全参数微调 full fine-tuning（所有权重，学习率 {{rate}}）',
  },
  methodNote:
    '除全参数微调外，各方法都冻结基座权重；但对话标记新加的 {{added}} 行词嵌入必须能学（停在共同的均值初始值上，{{user}} 和 {{assistant}} 在模型看来几乎一样），所以这几行和方法自己的参数一起训练，词嵌入表的其余行一概不动——相当于 PEFT 的 LoraConfig(trainable_token_indices=…)，或在 embed_tokens 上加 TrainableTokensConfig（老做法 modules_to_save=["embed_tokens"] 会训练并保存整张表）。提示类方法用 PEFT 示例里给它们的学习率。',
  run: '运行 SFT',
  runAll: '所有方法：并排看“SFT之后傻了”',
  stop: '停止',
  progressLabel: 'SFT 进度',
  starting: '正在开始……',
  progress: '{{arm}}：第 {{step}} / {{planned}} 步',
  stopped: '已停止。',
  example: {
    title: '一条训练对话，模型读到的样子',
    note:
      '高亮的词元计入“只算回答”的损失 (b)：助手说的话及其 {{end}}。灰色的词元 labels = -100，不计损失（损失掩码）——问题、回答前的标记、换行；把批次补齐到最长样本所用的填充（padding）同样是 -100。“全部词元”的损失 (a) 每个词元都算。批次用填充（每行一条对话），不做拼接（packing）。',
    legendCounted: '计入损失',
    legendIgnored: 'labels = -100（跳过）',
  },
  data: '{{language}}：{{train}} 条训练对话（部分为两轮），{{heldOut}} 个从未训练过的留出问题；新增 {{added}} 个特殊词元（词表现为 {{vocab}}）。',
  languages: { en: '关于本演示的英文问答', zh: '唐诗接下句：“下句：<诗句>” → 下一句' },
  arms: {
    base: 'SFT 之前（只加了新行）',
    all: '(a) 全部词元算损失',
    answers: '(b) 只在回答上算损失',
    mixed: '(c) 只算回答 + {{mix}} 原始语料',
  },
  columns: {
    run: '运行',
    originalOff: '原始语料损失（关掉方法后）',
    answerLoss: '留出回答的损失',
    questionLoss: '留出问题的损失',
    ends: '以 {{end}} 结束的回答',
    original: '原始语料损失',
    markers: '自由续写中的标记数',
  },
  columnNote:
    '损失单位为 nats/词元，均在留出数据上测量。回答损失：留出问题的标准回答及其 {{end}}，每次运行都是同一批词元。问题损失：留出的问题本身——(a) 也在训练它。以 {{end}} 结束：对留出问题贪心生成的回答中，在 {{tokens}} 个词元内以 {{end}} 收尾的比例（模型是否遵循模板）。原始语料损失：遗忘程度，即“SFT之后傻了”。关掉方法后：训练完把方法关掉再测的原始语料损失（训练过的标记新行保留）；全参数微调无从关掉。自由续写中的标记数：让模型直接续写原始文本时，它写出的对话标记个数。',
  chart: {
    x: '步数',
    y: '损失（nats/词元）',
    answers: '留出回答',
    original: '原始语料（遗忘）',
  },
  samples: {
    title: '模型写出了什么',
    free: '自由续写（贪心解码），从一段原始文本的开头开始',
    answers: '对留出问题的贪心回答',
    noEnd: '（没有 {{end}}）',
  },
  findings: {
    title: '看点',
    text:
      '本次实测：原始语料损失从 {{before}} 变为只算回答 SFT 后的 {{answers}}，混入原始语料后为 {{mixed}}；(a) 把留出问题的损失降到 {{qAll}}，而 (b) 为 {{qAnswers}}——全部词元都算损失时，训练步数有一部分花在学“提问”上，它的自由续写也可能滑进对话格式。模型在原有能力上“变傻”，是因为每一步都把它拉向新格式，而没有任何东西把它拉回来（灾难性遗忘）；把原始语料混回去，正是往回拉的那股力。这只是小模型的一次短训练：换个随机种子再跑一次，看看哪些差别站得住。',
  },
  status: {
    training: '正在训练 {{arm}}……',
  },
  compare: {
    title: '逐个方法看“SFT之后傻了”',
    intro:
      '一键用每种方法各做一次只算回答的 SFT：从同一个模型副本出发，样本、{{steps}} 步和随机种子 {{seed}} 都相同（不混入原始语料）；训练完先在挂着方法时测原始语料损失，再关掉方法测一次。',
    progress: '{{method}}：第 {{step}} / {{planned}} 步',
    columns: {
      method: '方法',
      trainable: '可训练参数个数',
      answer: '留出回答的损失',
      riseOn: '原始语料损失的上升（挂着方法）',
      riseOff: '上升（关掉方法）',
      baseChange: '基座权重最大 |Δ|（关掉方法后）',
      ends: '以 {{end}} 结束的回答',
    },
    note:
      '上升量都相对 SFT 之前的模型（只加了新行，原始语料损失 {{before}}）。最大 |Δ| 在关掉方法后逐个比较基座的每个权重（对话标记的新行除外）：0 表示一位不差。',
    findings:
      '挂着方法时，原始语料损失的变化在 {{lowOn}}（{{lowMethod}}）到 {{highOn}}（{{highMethod}}）之间。关掉之后，冻结基座的方法，基座的每个权重都一位不差，原始语料损失与起点相差不超过 {{maxOff}}：剩下的只有训练过的标记新行——输出层与词嵌入共享权重（tied embeddings），它们也会被输出层读到；学习率高时（如提示微调的学习率），它们学会在普通文本里也抢走概率，这是这些方法唯一能在基座上留下的痕迹。除了这几行，这些方法的“变傻”只在挂着时存在（灾难性遗忘不落在权重里）；全参数微调没有“关掉”一说，遗忘写进了权重本身。提示类和前缀类方法挂着时还要占掉窗口里的 {{n}} 个位置。',
    samples: '挂着各方法时的自由续写',
  },
};

export default zh;
