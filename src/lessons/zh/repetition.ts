// 面板旁的讲解（简体中文），与 ../explanations.ts 中的英文版观点一致，但为中文读者重新撰写。
// 引用的数字与英文版相同，取自 ../measured.ts（由测试从内置模型重新测得）。
import type { Explanation } from '../explanations.ts';
import { MEASURED_BEAM_WIDTHS, MEASURED_COPY_PROBE, MEASURED_HEADS, MEASURED_POST_FILTER, MEASURED_SWEEP, WELLECK_2019_SEQ_REP_4 } from '../measured.ts';

const fixed2 = (x: number) => x.toFixed(2);
/** 带真正负号的数（−1.83）。 */
const signed2 = (x: number) => x.toFixed(2).replace('-', '−');
const { narrow: NARROW, wide: WIDE } = MEASURED_BEAM_WIDTHS;
const REP = MEASURED_SWEEP.seqRep4;
const PF = MEASURED_POST_FILTER;
const HEADS = MEASURED_HEADS;

export const REPETITION_ZH: Explanation = {
  id: 'repetition',
  title: '语言模型为什么会“复读”',
  paragraphs: [
    '语言模型只做一件事：给定已有的文本，为每一个可能的下一个词元（token）给出一个概率。生成文本，就是从中挑一个词元接在后面，再把新文本交给模型问一次。怎么挑，就是解码策略；它对结果的影响，不亚于模型本身。',
    '贪心解码每一步都取概率最高的词元。听上去最稳妥，却常常陷入循环：模型写出一个短语，这个短语又让它自己更可能再次出现，于是同样的话被一遍遍重复。这种现象叫作退化（degeneration），也就是常说的“复读机”。在采样面板里把温度调到 0，就能看到高亮的重复片段越铺越开。',
    '这个循环会自我强化。一个短语出现过之后，照抄它就成了预测下一个词元的捷径，所以每重复一次，再重复的概率就更高（Xu 等人 2022 年把这称为自我强化效应，self-reinforcement）。生成文本下方的小图画出了每个生成位置上的这一概率：一旦陷入循环，它会一路逼近 1。',
    '原因不止一个。训练语料里本来就有重复的段落，模型学会了照抄（数据偏差）。训练目标交叉熵奖励的是：在训练文本的每个位置上，给实际出现的下一个词元以高概率，一次只看一个位置。它从不审视模型自己写出的整段序列，所以模型自己写的文本再怎么重复，也不会因此受罚；Welleck 等人（2019）补上了这样一项惩罚，称为非似然训练（unlikelihood training）。语料缺乏多样性，模型手里的备选说法就少。而以“找出概率最高的文本”为目标的解码，找到的往往正是重复的文本，因为重复一旦开了头，继续重复的概率就非常高：贪心解码会掉进循环，搜索范围更宽的方法掉进去得更频繁。',
    `束搜索（beam search）同时保留概率最高的几条候选序列，而不只是一条。它能找到总概率更高的文本，而麻烦恰恰出在这里：重复的文本概率很高，束越多，找到的重复就越多。Welleck 等人（2019）测量了 seq-rep-4，即续写中与前文重复的四词元短语所占的比例：贪心解码为 ${fixed2(WELLECK_2019_SEQ_REP_4.greedy)}，束宽为 10 的束搜索为 ${fixed2(WELLECK_2019_SEQ_REP_4.beam10)}，都远高于随机采样。面板里的扫描图在本演练场的莎士比亚模型上做了同样的测量：用它的 ${MEASURED_SWEEP.prompts} 个提示词、每个生成 ${MEASURED_SWEEP.maxNewTokens} 个词元，贪心解码得分 ${fixed2(MEASURED_SWEEP.seqRep4.greedy)}，束宽为 4 的束搜索得分 ${fixed2(MEASURED_SWEEP.seqRep4.beam4)}。把束放宽，就能看到其中的取舍：束宽从 ${NARROW.numBeams} 增加到 ${WIDE.numBeams}，找到的文本越来越“可能”，每个词元的平均对数概率从 ${signed2(NARROW.meanLogProb)} 升到 ${signed2(WIDE.meanLogProb)} 奈特（nats），seq-rep-4 则从 ${fixed2(NARROW.seqRep4)} 变为 ${fixed2(WIDE.seqRep4)}。`,
    `多样化束搜索（diverse beam search，参数 num_beam_groups、diversity_penalty；Vijayakumar 等人，2016）把束分成几组，每一步各组依次挑选：前面的组里每有一条束刚选了某个词元，后面的组再选它就要扣掉一次 diversity_penalty，于是各组走向不同的文本。它的初衷是给出一组彼此不同的输出，比如为同一张图片写出几种说明：它让各条候选彼此不同，却不会让每一条自身少些重复。在这个模型上，4 条束分成 2 组时，最优候选的 seq-rep-4 为 ${fixed2(REP.diverseBeam)}，普通的 4 束搜索为 ${fixed2(REP.beam4)}。`,
    '每一种对策都对应面板上的一个控件。采样引入随机性：不再直接取最高的词元，而是按概率随机抽一个。温度（temperature）在 softmax 之前用来除分数：小于 1 时分布变得更尖，偏向排在前面的词元；大于 1 时分布被拉平。top-k 只保留概率最高的 k 个词元；核采样（top-p）保留累计概率达到 p 的最小词元集合；min-p 只保留概率不低于最高概率一定比例的词元。它们砍掉不可靠的长尾，同时保留多样性。',
    `较新的采样方法换了别的办法来决定从哪些词元里抽。典型采样（typical sampling，参数 typical_p；Meister 等人，2022）看每个词元的“意外程度”（−log p，即信息量）离分布的熵（模型平均预期的意外程度）有多近，从最近的开始保留，直到概率之和达到 typical_p；所以当最可能的词元远不如平常那样“意外”时，它反而可能被排除在外。ε 采样（epsilon_cutoff）丢掉概率低于固定阈值 ε 的所有词元；η 采样（eta_cutoff）的阈值取 ε 与 √ε·e^(−熵) 中较小的一个，所以模型越拿不准（熵越高），阈值越低，留下的词元越多（两者都出自 Hewitt 等人 2022 年的论文）。两篇论文都拿自己的方法与 top-k、top-p 比较：Meister 等人报告文本质量相当，退化性的重复却更少；Hewitt 等人发现，η 采样写出的长文档被人评为更合理，也更善于跳出重复。在这个小模型上生成 ${MEASURED_SWEEP.maxNewTokens} 个词元时，任何一种采样本来就很少陷入循环：seq-rep-4 在纯采样下为 ${fixed2(REP.pure)}，typical_p 0.9 为 ${fixed2(REP.typical)}，epsilon_cutoff 0.0009 为 ${fixed2(REP.epsilon)}，eta_cutoff 0.002 为 ${fixed2(REP.eta)}。`,
    `对比搜索（contrastive search，参数 penalty_alpha 配合 top_k；Su 等人，2022）直接改造了贪心解码。它在概率最高的 top_k 个词元里挑得分最高的：得分 = (1 − α) × 该词元的概率 − α × 退化惩罚，退化惩罚是模型在这个词元上的隐藏状态与前文任一词元处的隐藏状态之间最大的余弦相似度。一个只会把前文再说一遍的词元，得分就低。Su 等人认为，退化的一个深层原因是模型的词元表示挤作一团（各向异性，anisotropy），因此还配套提出了一个把它们推开的训练目标。对比搜索和贪心解码一样不含任何随机性，但在 penalty_alpha 0.6、top_k 4 的设置下，它在扫描中的 seq-rep-4 为 ${fixed2(REP.contrastive)}，贪心解码则为 ${fixed2(REP.greedy)}。`,
    '惩罚项直接改动分数。重复惩罚（repetition_penalty，出自 CTRL 论文，这里按 Hugging Face 的实现）作用于文本中已出现过的每一个词元，提示词也算在内，且不论出现多少次都只作用一次：正分数除以惩罚系数，负分数乘以惩罚系数，两者都因此变得更不可能；如果把负分数也拿去除，反而会把它抬高。n 元组禁止重复（no_repeat_ngram_size）禁止任何会补全一个已出现过的 n 元组的词元：设为 3 时，同一个三词元短语不可能出现两次。频率惩罚（frequency_penalty）对一个词元每生成一次就减去一次它的值，所以随次数累加；存在惩罚（presence_penalty）对生成过的词元只减一次，不论生成了多少次。按 OpenAI 的定义，这两项只统计生成出来的词元，不计提示词。',
    `也可以在生成结束后，对写好的文本做后处理过滤：在第一个补全了已出现过的 4 元组的词元处截断；删去已经出现过的句子或行；或者抽几个样本，留下重复最少的那个。以“${PF.prompt.trim()}”的贪心续写为例（${PF.maxNewTokens} 个词元，seq-rep-4 为 ${fixed2(PF.seqRep4)}）：截断只留下开头 ${PF.cutKeeps} 个词元；删去重复的句子和行，去掉了 ${PF.droppedLines} 处，seq-rep-4 仍有 ${fixed2(PF.droppedSeqRep4)}，因为重复的是不同行里的短语，而不是整行；${PF.samples} 个样本中重复最少的那个为 ${fixed2(PF.rerankSeqRep4)}。过滤只能删减或挑选文本，并不能让模型写得更好。`,
    `重复有两种，面板把它们分开来量：一种是照抄输入，也就是“复读机”最初的含义——回答把问题又念一遍；另一种是照抄自己，也就是循环。Transformer 可以借助归纳头（induction head；Olsson 等人，2022）从上下文中复制：这种注意力头看到词元 A 时，会回头找到前文中 A 后面跟着的词元，并再次预测它，也就是用 [B] 补全 [A][B] … [A]；它还需要更早一层中的“前一词元头”（previous-token head）配合。注意力面板在“重复一遍的随机词元序列”上给每个头打分。内置模型一个归纳头也没有：它最高的归纳分数只有 ${fixed2(HEADS.maxInduction)}，而面板从 ${HEADS.inductionMarkedFrom} 起才标记一个头；重复的那一半也没有被预测得更好（第二遍每个词元 ${signed2(HEADS.repeatLogProb)} 奈特，第一遍 ${signed2(HEADS.firstLogProb)} 奈特）。它也不照抄输入：给它哈姆雷特的台词“To be, or not to be, that is the question.”，再接上这句的开头，它贪心续写出的 4 元组中，来自提示词的占 ${fixed2(MEASURED_COPY_PROBE.fromInput)}，来自它自己前面所写内容的占 ${fixed2(MEASURED_COPY_PROBE.fromSelf)}。它的循环，是它自己最可能的续写又绕了回来。把它归纳分数最高的头 L${HEADS.top.layer} H${HEADS.top.head} 关掉（消融，ablation），贪心文本会变（在扫描的提示词上，seq-rep-4 从 ${fixed2(HEADS.top.seqRep4.on)} 变为 ${fixed2(HEADS.top.seqRep4.off)}）：一个头可以影响文本，却不一定是复制头。`,
    '自回归生成让这一切顺理成章。仅解码器（Decoder-only）模型和编码器–解码器结构中的解码器一样，都依据概率分布一次生成一个词元，所以每一步都是采样、过滤或施加惩罚的机会。同一个模型，既可以用贪心解码给出确定的回答，也可以调高温度换取多样性，无需重新训练。',
  ],
};
