// 命名空间 "vocab" 的简体中文文案：LoRA 面板里的“词表扩增”一节（给字节级 BPE 加汉字词元、新增嵌入行、继续预训练，以及灾难性遗忘的代价）；术语见 ../../glossary.ts。
import type { Messages } from '../../shape.ts';
import type en from '../en/vocab.ts';

const zh: Messages<typeof en> = {
  title: '词表扩增 · Vocabulary expansion',
  intro:
    '这个模型的字节级 BPE 分词器把大多数汉字拆成 3 个字节词元，所以中文文本占满上下文窗口的速度是字数的 3 倍。词表扩增（vocabulary expansion）把一段中文文本里最常见的 K 个汉字加为新词元（新的词表条目和合并规则 merges，接在原有规则之后：英文的切分与原来完全一样），为每个新词元新增一行嵌入（embedding），初值取它所替代的那几个字节词元嵌入的平均；然后在这段文本上训练模型的一份副本——继续预训练（continued pre-training）——因为模型从没见过这些新词元。Chinese-LLaMA 给 LLaMA 扩中文词表就是这样做的（Cui、Yang、Yao，2023）。页面里加载的模型本身不会被改动。',
  needsBpe: '{{name}} 用的是字符级分词器：它认识的每个汉字本来就是一个词元。请在页首选择 Shakespeare 模型（字节级 BPE）再运行。',
  k: '新增汉字数（K）',
  kHint: '取训练部分里出现最多的字',
  steps: '训练步数',
  learningRate: '学习率 · learning_rate',
  trainable: {
    legend: '训练哪些参数',
    all: '全部权重（继续预训练）',
    embeddings: '只训练嵌入（wte，输出头与它共享权重）',
  },
  text: {
    legend: '中文文本',
    tang: '页面自带的唐诗（tang/original-sample.txt）',
    own: '你自己的中文文本',
    placeholder: '粘贴中文文本，至少几千字。前 9/10 用于训练和挑选要加的字，最后 1/10 留出来做评估。',
    split: '前 9/10：训练，并从中挑选要加的字；最后 1/10：留出评估。英文：模型训练时没见过的莎士比亚文本（shakespeare/original-sample.txt）。',
  },
  prompt: '续写用的提示词',
  run: '扩词表并训练',
  stop: '停止',
  progressLabel: '词表扩增',
  stage: {
    reading: '正在读取文本…',
    measuring: '正在扩充分词器，并评估原模型和扩增后的模型…',
    training: '正在训练扩增后的副本…',
    'measuring-after': '正在评估训练后的模型…',
    writing: '正在写出检查点…',
  },
  progress: '第 {{step}} / {{steps}} 步 · 训练损失 {{loss}} 奈特/词元',
  stopped: '训练了 {{steps}} 步后停止；下面的数字是在停止处测得的。',
  prepared:
    '新增 {{added}} 个汉字词元，外加合并途中产生的 {{pieces}} 个双字节片段：词表从 {{vocabBefore}} 扩到 {{vocabAfter}} 个词元，参数量从 {{parametersBefore}} 增加到 {{parametersAfter}}。留出文本中的汉字有 {{coverage}} 在新增之列。训练：{{trainTokens}} 个中文词元，每批 {{batch}} × {{block}} 个词元，训练 {{trainable}} 个参数值。',
  addedPreview: '按频率从高到低：{{characters}}…',
  strip: {
    title: '留出文本中的一行，分别用两个分词器切分',
    before: '扩增前：{{count}} 个词元',
    after: '扩增后：{{count}} 个词元',
    note: '带框的是新词元。<0xE5> 是某个汉字的一个字节：原来模型要把每个汉字当作 3 个这样的字节来读。',
  },
  window: {
    title: '一个上下文窗口里能放下的汉字数',
    y: '汉字数 / {{window}} 词元',
    base: '扩增前',
    expanded: '扩增后',
  },
  chart: {
    x: '步数',
    y: '每字符损失（奈特）',
    zh: '留出的中文',
    en: '英文（遗忘）',
    zhTitle: '留出的中文：每字符损失（奈特）',
    enTitle: '模型原本会的英文：每字符损失（奈特）',
    base: '原模型',
  },
  chartNote:
    '这里按字符而不是按词元计损失：两个分词器切分文本的方式不同，只有每字符损失能直接比较。刚扩完词表、还没训练时，中文损失就已经下降（一个新词元只需预测一次，原来 3 个字节词元要预测三次），训练后继续下降；英文损失则随着副本向中文靠拢而上升——这就是灾难性遗忘（catastrophic forgetting）。只训练嵌入时其余权重保持不变；两种设置都跑一遍，比较各自在英文上的代价。',
  table: {
    caption: '扩增前后对比',
    model: '模型',
    tokensPerHan: '每个汉字的词元数',
    hanPerWindow: '每个窗口的汉字数',
    zhPerChar: '中文每字符损失（奈特）',
    enPerChar: '英文每字符损失（奈特）',
    base: '原模型（字节词元）',
    expanded: '扩增后、训练前',
    after: '扩增后、训练 {{steps}} 步',
  },
  samples: {
    title: '对提示词的贪心续写，每个模型各生成 {{tokens}} 个新词元',
    characters: '{{characters}} 个字符',
  },
  download: '下载扩增后的模型',
  downloadNote:
    '一个 Hugging Face GPT-2 模型文件夹（{{size}}）：config.json、model.safetensors 和 tokenizer.json。可以在页首的「模型……」对话框里以本地文件打开，也可以在 Python 里用 GPT2LMHeadModel.from_pretrained 和 PreTrainedTokenizerFast 读取。',
  stepTime: '每步耗时中位数 {{ms}} 毫秒',
};
export default zh;
