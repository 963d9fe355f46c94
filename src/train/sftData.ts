// The instruction data of the SFT lesson (指令微调), written here for this
// playground: short questions about its own subject with one-sentence answers,
// a few two-turn dialogues, and for the Tang poetry model a format task it
// cannot do (given a famous line, answer with the line that follows it).
// Neither base model has seen a question answered: the Shakespeare model read
// plays, the Tang model poems. Every answer is a fact the panels show.

/** One turn of a conversation, in the roles chat templates use. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export type Conversation = readonly ChatMessage[];

const qa = (pairs: readonly (readonly [string, string])[]): Conversation[] =>
  pairs.map(([q, a]) => [{ role: 'user', content: q }, { role: 'assistant', content: a }]);

/** 56 question → answer pairs about the playground's subject. */
const ENGLISH_PAIRS: readonly (readonly [string, string])[] = [
  ['What does LoRA train?', 'Two small matrices A and B beside each frozen weight.'],
  ['What does LoRA freeze?', 'Every weight of the base model.'],
  ['How is the LoRA update written?', 'Delta W equals B times A times alpha over r.'],
  ['How does LoRA start?', 'B is zero, so the update starts at zero.'],
  ['What is the rank r in LoRA?', 'The inner size of A and B, a few at most.'],
  ['What does merging a LoRA adapter do?', 'It adds B times A into the weight, so no extra cost remains.'],
  ['What does QLoRA add to LoRA?', 'A base model stored in four bits, with LoRA trained on top.'],
  ['What is full fine-tuning?', 'Training every weight of the model on the new data.'],
  ['Why does fine-tuning forget?', 'The new data pulls the weights away from what the old text needed.'],
  ['How can forgetting be reduced?', 'Mix some of the original text into each batch.'],
  ['What is prompt tuning?', 'A few trained vectors put before the input, the model frozen.'],
  ['What is prefix tuning?', 'Trained keys and values at every layer, the model frozen.'],
  ['What does AdaLoRA change?', 'It gives more rank to the matrices that matter most.'],
  ['What is attention?', 'Each token takes a weighted mean of the values of earlier tokens.'],
  ['What does the causal mask do?', 'It hides every later token from each position.'],
  ['Why divide by the square root of d?', 'It keeps the scores small, so the softmax is not too sharp.'],
  ['What is a head?', 'One of several attentions run side by side on parts of the width.'],
  ['What does the KV cache keep?', 'The keys and values of earlier tokens, so they are not computed again.'],
  ['Why does the KV cache grow?', 'It holds two vectors per token per layer.'],
  ['What is a token?', 'A piece of text the model reads as one id.'],
  ['What does byte-level BPE start from?', 'The 256 bytes, then it merges frequent pairs.'],
  ['Why does BPE never fail on new text?', 'Every byte has a token of its own.'],
  ['How many tokens is one Chinese character here?', 'Three byte tokens in the Shakespeare model.'],
  ['What is the embedding?', 'A table with one learned vector per token.'],
  ['What does the output head do?', 'It turns the last hidden state into a score per token.'],
  ['What does the softmax do?', 'It turns scores into probabilities that sum to one.'],
  ['What is temperature?', 'A number that divides the scores before the softmax.'],
  ['What does a low temperature do?', 'It makes the likely tokens even more likely.'],
  ['What is top-k sampling?', 'Drawing only from the k most likely tokens.'],
  ['What is top-p sampling?', 'Drawing from the smallest set of tokens whose mass reaches p.'],
  ['What is greedy decoding?', 'Always taking the most likely next token.'],
  ['Why does greedy text repeat?', 'Once a loop is likely, each step makes it likelier.'],
  ['What does the repetition penalty do?', 'It lowers the scores of tokens already in the text.'],
  ['What is beam search?', 'Keeping several best partial answers and growing each.'],
  ['What is the loss?', 'The negative log probability of the right next token.'],
  ['What is perplexity?', 'The exponential of the mean loss per token.'],
  ['What does the learning rate set?', 'How far each step moves the weights.'],
  ['What does warm-up do?', 'It raises the learning rate slowly over the first steps.'],
  ['What does gradient clipping do?', 'It shrinks a step whose gradient is too long.'],
  ['What does AdamW keep?', 'Two running means per weight: of the gradient and its square.'],
  ['What is weight decay?', 'A pull of every weight toward zero at each step.'],
  ['What is teacher forcing?', 'Training every position at once on the true earlier tokens.'],
  ['What is SFT?', 'Supervised fine-tuning on written questions and answers.'],
  ['What does label minus one hundred mean?', 'The loss skips that position.'],
  ['Which tokens does SFT train on?', 'Only the answers and their end marker.'],
  ['Why mask the question in SFT?', 'The model should learn to answer, not to ask.'],
  ['What is a chat template?', 'The fixed way turns are written, with role markers.'],
  ['What is a special token?', 'A token for structure that text never splits into.'],
  ['Why add rows to the embedding?', 'Each new token needs a vector of its own.'],
  ['How are new rows started here?', 'As the mean of all the old rows.'],
  ['What does the end marker teach?', 'When to stop writing the answer.'],
  ['Why can a model get dumber after SFT?', 'Training only on answers moves it away from its old text.'],
  ['What is a layer norm?', 'It rescales each vector to mean zero and unit spread.'],
  ['What does the MLP do?', 'It widens each vector four times, bends it, and narrows it again.'],
  ['What is a residual connection?', 'Each block adds its output to its input.'],
  ['What is the context window?', 'The most tokens the model reads at once.'],
];

/** Two-turn dialogues: the second question leans on the first answer. */
const ENGLISH_DIALOGUES: Conversation[] = [
  [
    { role: 'user', content: 'What does LoRA train?' },
    { role: 'assistant', content: 'Two small matrices A and B.' },
    { role: 'user', content: 'And what stays frozen?' },
    { role: 'assistant', content: 'Every weight of the base model.' },
  ],
  [
    { role: 'user', content: 'What is temperature?' },
    { role: 'assistant', content: 'A number that divides the scores.' },
    { role: 'user', content: 'And if it is low?' },
    { role: 'assistant', content: 'The likely tokens get likelier.' },
  ],
  [
    { role: 'user', content: 'What is the KV cache?' },
    { role: 'assistant', content: 'The keys and values of earlier tokens.' },
    { role: 'user', content: 'Why keep them?' },
    { role: 'assistant', content: 'So they are not computed again.' },
  ],
  [
    { role: 'user', content: 'What is SFT?' },
    { role: 'assistant', content: 'Fine-tuning on questions and answers.' },
    { role: 'user', content: 'Which tokens count?' },
    { role: 'assistant', content: 'Only the answers.' },
  ],
  [
    { role: 'user', content: 'What is greedy decoding?' },
    { role: 'assistant', content: 'Taking the most likely token.' },
    { role: 'user', content: 'Does it repeat?' },
    { role: 'assistant', content: 'Yes, it falls into loops.' },
  ],
  [
    { role: 'user', content: 'What is a token?' },
    { role: 'assistant', content: 'A piece of text read as one id.' },
    { role: 'user', content: 'How many does a Chinese character take?' },
    { role: 'assistant', content: 'Three here.' },
  ],
];

/**
 * Lines of Tang poems and the line that follows, as a task: "下句：<line>" →
 * "<next line>". The Tang model writes poems but has never been asked for a
 * particular next line. All from well-known Tang poems.
 */
const TANG_COUPLETS: readonly (readonly [string, string])[] = [
  ['白日依山尽', '黄河入海流'], ['欲穷千里目', '更上一层楼'], ['床前明月光', '疑是地上霜'], ['举头望明月', '低头思故乡'],
  ['春眠不觉晓', '处处闻啼鸟'], ['夜来风雨声', '花落知多少'], ['红豆生南国', '春来发几枝'], ['愿君多采撷', '此物最相思'],
  ['千山鸟飞绝', '万径人踪灭'], ['孤舟蓑笠翁', '独钓寒江雪'], ['空山不见人', '但闻人语响'], ['返景入深林', '复照青苔上'],
  ['离离原上草', '一岁一枯荣'], ['野火烧不尽', '春风吹又生'], ['锄禾日当午', '汗滴禾下土'], ['谁知盘中餐', '粒粒皆辛苦'],
  ['松下问童子', '言师采药去'], ['只在此山中', '云深不知处'], ['慈母手中线', '游子身上衣'], ['临行密密缝', '意恐迟迟归'],
  ['谁言寸草心', '报得三春晖'], ['国破山河在', '城春草木深'], ['感时花溅泪', '恨别鸟惊心'], ['海上生明月', '天涯共此时'],
  ['危楼高百尺', '手可摘星辰'], ['不敢高声语', '恐惊天上人'], ['山中相送罢', '日暮掩柴扉'], ['随风潜入夜', '润物细无声'],
  ['好雨知时节', '当春乃发生'], ['会当凌绝顶', '一览众山小'], ['两个黄鹂鸣翠柳', '一行白鹭上青天'], ['窗含西岭千秋雪', '门泊东吴万里船'],
  ['朝辞白帝彩云间', '千里江陵一日还'], ['两岸猿声啼不住', '轻舟已过万重山'], ['故人西辞黄鹤楼', '烟花三月下扬州'], ['孤帆远影碧空尽', '唯见长江天际流'],
  ['日照香炉生紫烟', '遥看瀑布挂前川'], ['飞流直下三千尺', '疑是银河落九天'], ['月落乌啼霜满天', '江枫渔火对愁眠'], ['姑苏城外寒山寺', '夜半钟声到客船'],
  ['葡萄美酒夜光杯', '欲饮琵琶马上催'], ['醉卧沙场君莫笑', '古来征战几人回'], ['秦时明月汉时关', '万里长征人未还'], ['但使龙城飞将在', '不教胡马度阴山'],
  ['清明时节雨纷纷', '路上行人欲断魂'], ['借问酒家何处有', '牧童遥指杏花村'], ['远上寒山石径斜', '白云深处有人家'], ['停车坐爱枫林晚', '霜叶红于二月花'],
  ['渭城朝雨浥轻尘', '客舍青青柳色新'], ['劝君更尽一杯酒', '西出阳关无故人'], ['少小离家老大回', '乡音无改鬓毛衰'], ['儿童相见不相识', '笑问客从何处来'],
];

/**
 * Two-turn dialogues held out like the single pairs: no question of theirs is
 * asked in training. The second answer is read with the first turn before it —
 * the multi-turn (多轮对话) measure: is an answer harder or easier to predict
 * when the conversation already holds one?
 */
const ENGLISH_HELD_OUT_DIALOGUES: Conversation[] = [
  [
    { role: 'user', content: 'What is top-k?' },
    { role: 'assistant', content: 'Drawing from the k likeliest tokens.' },
    { role: 'user', content: 'And top-p?' },
    { role: 'assistant', content: 'Drawing from the smallest set whose mass reaches p.' },
  ],
  [
    { role: 'user', content: 'What does the embedding hold?' },
    { role: 'assistant', content: 'One learned vector per token.' },
    { role: 'user', content: 'And the output head?' },
    { role: 'assistant', content: 'A score per token from the last hidden state.' },
  ],
  [
    { role: 'user', content: 'What does warm-up change?' },
    { role: 'assistant', content: 'The learning rate rises slowly at first.' },
    { role: 'user', content: 'Why?' },
    { role: 'assistant', content: 'So the first steps do not move the weights too far.' },
  ],
  [
    { role: 'user', content: 'What does QLoRA store in four bits?' },
    { role: 'assistant', content: 'The frozen base model.' },
    { role: 'user', content: 'And what trains?' },
    { role: 'assistant', content: 'LoRA matrices on top.' },
  ],
];

/** The Tang task's two-turn form: the next line, then the one after it. */
const TANG_DIALOGUES: Conversation[] = [
  [['白日依山尽', '黄河入海流'], ['欲穷千里目', '更上一层楼']],
  [['床前明月光', '疑是地上霜'], ['举头望明月', '低头思故乡']],
  [['春眠不觉晓', '处处闻啼鸟'], ['夜来风雨声', '花落知多少']],
  [['千山鸟飞绝', '万径人踪灭'], ['孤舟蓑笠翁', '独钓寒江雪']],
].map(tangDialogue);

/** Held-out two-turn Tang dialogues, from poems none of whose lines the task trains on. */
const TANG_HELD_OUT_DIALOGUES: Conversation[] = [
  [['黄河远上白云间', '一片孤城万仞山'], ['羌笛何须怨杨柳', '春风不度玉门关']],
  [['移舟泊烟渚', '日暮客愁新'], ['野旷天低树', '江清月近人']],
  [['众鸟高飞尽', '孤云独去闲'], ['相看两不厌', '只有敬亭山']],
  [['碧玉妆成一树高', '万条垂下绿丝绦'], ['不知细叶谁裁出', '二月春风似剪刀']],
].map(tangDialogue);

function tangDialogue(turns: string[][]): Conversation {
  return turns.flatMap(([q, a]) => [{ role: 'user', content: `下句：${q}` }, { role: 'assistant', content: a }] as ChatMessage[]);
}

/** An instruction dataset: training conversations and held-out single-turn pairs (never trained on). */
export interface InstructionSet {
  language: 'en' | 'zh';
  train: Conversation[];
  heldOut: Conversation[];
  /** Two-turn dialogues never trained on: each answer's loss measured turn by turn. */
  heldOutDialogues: Conversation[];
}

/** Every 7th pair is held out: questions from each topic, none seen in training. */
const HOLD_OUT_EVERY = 7;

function split(pairs: Conversation[], dialogues: Conversation[], heldOutDialogues: Conversation[], language: 'en' | 'zh'): InstructionSet {
  const heldOut = pairs.filter((_, i) => i % HOLD_OUT_EVERY === HOLD_OUT_EVERY - 1);
  const train = pairs.filter((_, i) => i % HOLD_OUT_EVERY !== HOLD_OUT_EVERY - 1);
  // A held-out question must not be answered in a training dialogue either.
  const asked = new Set(heldOut.map((c) => c[0].content));
  return { language, train: [...train, ...dialogues.filter((d) => !d.some((m) => asked.has(m.content)))], heldOut, heldOutDialogues };
}

/** The English set (the Shakespeare model, and any byte-level BPE model). */
export function englishInstructions(): InstructionSet {
  return split(qa(ENGLISH_PAIRS), ENGLISH_DIALOGUES, ENGLISH_HELD_OUT_DIALOGUES, 'en');
}

/** The Tang model's set: "下句：" + a line → the next line. */
export function tangInstructions(): InstructionSet {
  return split(qa(TANG_COUPLETS.map(([q, a]) => [`下句：${q}`, a] as const)), TANG_DIALOGUES, TANG_HELD_OUT_DIALOGUES, 'zh');
}
