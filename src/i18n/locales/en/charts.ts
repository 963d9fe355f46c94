// English messages of the "charts" namespace: what the shared charts write
// themselves (text alternatives read by screen readers, in-chart captions).
// Axis labels and titles come from the panels that use a chart.
export default {
  words: {
    /** Joins a list for a screen reader: "a, b and c". */
    listSeparator: ', ',
    listLastSeparator: ' and ',
    /** The same for whole clauses (one per line of a chart). */
    clauseSeparator: ', ',
    clauseLastSeparator: ' and ',
    /** Between a chart's title and what it shows. */
    titleSeparator: '. ',
    infinity: 'infinity',
    minusInfinity: 'minus infinity',
    /** Between the sentences of one description. */
    sentenceSeparator: ' ',
    notANumber: 'not a number',
  },
  line: {
    empty: 'No points yet.',
    at: '{{y}} at {{xLabel}} {{x}}',
    single: '{{label}}: {{at}}',
    range: '{{label}}: from {{first}} to {{last}}',
    guide: 'a guide line at {{y}} ({{label}})',
    summary: '{{yLabel}} against {{xLabel}}. {{lines}}.',
    guides: ' With {{guides}}.',
  },
  bars: {
    empty: 'No bars yet.',
    item: '{{label}} {{value}}',
    itemWithReference: '{{label}} {{value}} (reference {{reference}})',
    summary: '{{yLabel}}: {{items}}.',
  },
  distribution: {
    likeliest: 'Likeliest next tokens after the processors: {{tokens}}.',
    token: '"{{token}}" {{processed}} (model {{raw}})',
    noneLeft: 'No token is left.',
    cut: '{{cut}} of the {{shown}} tokens shown were cut by a filter.',
    greedyPicks: 'Greedy decoding picks "{{token}}".',
    drawPicks: 'The draw u = {{u}} picks "{{token}}".',
    cutBy: 'cut by {{processor}}',
    markerGreedy: 'greedy: top token',
    markerDraw: 'draw u = {{u}}',
  },
  beamTree: {
    summary: '{{steps}} steps from "{{root}}", {{candidates}} candidates in all, {{finished}} finished. The best hypothesis continues: {{best}}.',
    token: '"{{token}}"',
    tokenSeparator: ' ',
  },
};
