// 命名空间 "charts" 的简体中文文案：共用图表自己写出的文字（读屏软件朗读的文字说明、图内标注）。
// 为中文读者撰写，不逐字翻译；术语见 ../../glossary.ts。坐标轴名称与标题由使用图表的面板提供。
import type { Messages } from '../../shape.ts';
import type en from '../en/charts.ts';

const zh: Messages<typeof en> = {
  words: {
    listSeparator: '、',
    listLastSeparator: '和',
    clauseSeparator: '；',
    clauseLastSeparator: '；',
    titleSeparator: '。',
    infinity: '正无穷',
    minusInfinity: '负无穷',
    sentenceSeparator: '',
    notANumber: '非数值',
  },
  line: {
    empty: '还没有数据点。',
    at: '{{y}}（{{xLabel}} {{x}}）',
    single: '{{label}}：{{at}}',
    range: '{{label}}从 {{first}}变到 {{last}}',
    guide: '一条位于 {{y}} 的参考线（{{label}}）',
    summary: '{{yLabel}}随{{xLabel}}的变化。{{lines}}。',
    guides: '另有{{guides}}。',
  },
  bars: {
    empty: '还没有柱子。',
    item: '{{label}}为 {{value}}',
    itemWithReference: '{{label}}为 {{value}}（参考值 {{reference}}）',
    summary: '{{yLabel}}：{{items}}。',
  },
  distribution: {
    likeliest: '经过各处理器后，最可能的下一个词元：{{tokens}}。',
    token: '“{{token}}” {{processed}}（模型原始概率 {{raw}}）',
    noneLeft: '没有剩下任何词元。',
    cut: '图中 {{shown}} 个词元里有 {{cut}} 个被过滤器截掉。',
    greedyPicks: '贪心解码选中“{{token}}”。',
    drawPicks: '随机数 u = {{u}}，选中“{{token}}”。',
    cutBy: '被 {{processor}} 截掉',
    markerGreedy: '贪心：取最高',
    markerDraw: '随机数 u = {{u}}',
  },
  beamTree: {
    summary: '从“{{root}}”出发共 {{steps}} 步，候选共 {{candidates}} 个，其中 {{finished}} 个已结束。最优假设的后续：{{best}}。',
    token: '“{{token}}”',
    tokenSeparator: ' ',
  },
};
export default zh;
