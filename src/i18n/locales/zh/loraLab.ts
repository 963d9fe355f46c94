// 命名空间 "loraLab" 的简体中文文案：LoRA 面板里的“复读实验”（出在训练阶段的重复成因）与训练目标设置；术语见 ../../glossary.ts。
import type { Messages } from '../../shape.ts';
import type en from '../en/loraLab.ts';

const zh: Messages<typeof en> = {
  objective: {
    label: '训练目标',
    mle: '最大似然（MLE）',
    unlikelihood: '非似然训练（unlikelihood）',
    alpha: '非似然项权重 · lora_ul_alpha',
  },
  title: '复读实验：出在训练阶段的原因',
  intro:
    '每个实验都按上面的设置新训练两个适配器——{{steps}} 步、学习率 {{rate}}、随机种子 {{seed}}——两者只差一处；然后用基座模型和每个适配器，对留出文本中固定的 {{prompts}} 个开头做贪心续写（每个 {{tokens}} 个新词元）。实验用的适配器事后丢弃，你自己的适配器不受影响。',
  ul: {
    title: '训练目标：非似然训练',
    text:
      '最大似然只会抬高正确下一个词元的概率，其中没有任何一项让文中已出现过的词元变得更不可能。非似然训练（unlikelihood training，Welleck 等，2019）在每个位置上，对上下文里每个出现过、但不是正确答案的词元（重复出现只算一次）加上 −log(1 − p)，权重为 α = {{alpha}}。论文报告：贪心解码的重复明显减少，困惑度几乎不变。这一项的力度取决于模型本来放在前文词元上的概率（见“上下文概率”一列）：小模型放得少，α = 1 时拉力很弱；把 α 调大，可以看到更强的效果，以及它在验证集损失上的代价。',
    run: '似然 vs 非似然',
  },
  bias: {
    title: '数据：数据偏差与多样性不足',
    text:
      '同一份文本用两次：一次是有偏的版本，其中 {{passages}} 个句子各自紧跟着自己的 {{copies}} 份拷贝（数据里的重复，就像爬来的网页那样）；一次是去重后的版本，每个句子只出现一次。用重复性强的数据训练出的语言模型更爱重复（Li 等，2023），去重则是常用的对策（Lee 等，2022）；一次短短的适配器训练能否体现出来，就看表里的实测：一看在新开头上的贪心续写，二看每个被复制的句子有多大可能紧跟着再出现一遍。',
    run: '有偏数据 vs 去重数据',
    measured: '有偏文本中拷贝占 {{share}}（共 {{biased}} 个词元）；去重删去了 {{removed}} 份拷贝（剩 {{dedup}} 个词元）。',
  },
  stop: '停止',
  progressLabel: '复读实验',
  starting: '正在开始……',
  measuringBase: '正在测量基座模型……',
  progress: '正在训练{{arm}}：第 {{step}} / {{planned}} 步 · 损失 {{loss}}',
  measuring: '正在用{{arm}}做贪心解码……',
  stopped: '已停止。',
  arms: {
    base: '基座模型（无适配器）',
    mle: 'MLE 适配器',
    unlikelihood: '非似然适配器（α = {{alpha}}）',
    biased: '在有偏数据上训练的适配器',
    deduplicated: '在去重数据上训练的适配器',
  },
  columns: {
    model: '模型',
    seqRep4: '贪心 seq-rep-4',
    pRepeat: 'P(重复)',
    contextMass: '上下文概率',
    passageRepeat: 'P(整句再来一遍)',
    newText: '验证集损失（新文本）',
    original: '损失（原始语料）',
  },
  columnNote:
    'seq-rep-4：每段贪心续写中重复 4 元组所占的比例。P(重复)：每一步贪心解码时，模型自己分给“会重复某个 3 元组”的词元的概率。上下文概率：在留出文本上，模型分给前文中出现过、但不是正确下一个词元的那些词元的概率之和——这正是非似然训练要压低的量。验证集损失：留出文本上的交叉熵（奈特/词元），每行用同样的窗口。以上都对各个开头取平均。',
  summaryUl:
    '本次实测：贪心 seq-rep-4 在似然训练后为 {{mle}}，非似然训练后为 {{ul}}；P(重复) 分别为 {{mleP}} 和 {{ulP}}；上下文概率分别为 {{mleC}} 和 {{ulC}}；验证集损失分别为 {{mleLoss}} 和 {{ulLoss}}。',
  summaryBias:
    '本次实测：贪心 seq-rep-4 在有偏文本上训练后为 {{biased}}，在去重文本上训练后为 {{dedup}}；P(重复) 分别为 {{biasedP}} 和 {{dedupP}}；验证集损失分别为 {{biasedLoss}} 和 {{dedupLoss}}。',
  passageNote:
    'P(整句再来一遍)：把每个被复制过的句子连写两遍，看模型给第二遍里每个 token 的平均概率——它在多大程度上学会了“这句话后面还是这句话”。连着的拷贝教给模型的正是这个（“重复进，重复出”）。去重数据里这些句子各只出现一次，和原文一样。',
  summaryPassage: 'P(整句再来一遍)：有偏数据训练后 {{biased}}，去重数据训练后 {{dedup}}。',
  noise:
    '这只是小模型的一次短训练，开头也只有几个：相差零点零几可能只是偶然。换一个随机种子（它就在链接里）再跑一次，看看数字会浮动多少。',
  continuations: '第一个开头的贪心续写',
  prompt: '开头：{{prompt}}',
};

export default zh;
