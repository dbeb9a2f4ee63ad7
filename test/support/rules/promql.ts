/**
 * What a PromQL expression reads, from Prometheus' own grammar (@prometheus-io/lezer-promql): the series selectors
 * with their label matchers, and the labels each aggregation keeps. Rules are checked against the catalog with it.
 */
import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export type MatchOperator = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly operator: MatchOperator;
  readonly value: string;
}

export interface SeriesSelector {
  /** `undefined` for a selector without a plain metric name (`{__name__=~"..."}`, `{"quoted.name"}`). */
  readonly metric: string | undefined;
  readonly matchers: readonly LabelMatcher[];
}

export interface Aggregation {
  readonly modifier: 'by' | 'without' | undefined;
  readonly labels: readonly string[];
  /** The selectors inside the aggregated expression. */
  readonly selectors: readonly SeriesSelector[];
}

export interface PromQLAnalysis {
  /** Empty when the expression parses. */
  readonly syntaxErrors: readonly string[];
  readonly selectors: readonly SeriesSelector[];
  readonly aggregations: readonly Aggregation[];
}

const MATCH_OPERATORS: Readonly<Record<string, MatchOperator>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };
const ERROR_CONTEXT_CHARS = 20;

export function analysePromQL(expr: string): PromQLAnalysis {
  const root = parser.parse(expr).topNode;
  const text = (node: SyntaxNode): string => expr.slice(node.from, node.to);
  const selectorsIn = (node: SyntaxNode): SeriesSelector[] => descendants(node, 'VectorSelector').map((selector) => readSelector(selector, text));
  return {
    syntaxErrors: descendants(root, '⚠').map((error) => {
      const context = expr.slice(Math.max(0, error.from - ERROR_CONTEXT_CHARS), error.from + ERROR_CONTEXT_CHARS);
      return `syntax error at character ${String(error.from)}, near "${context}"`;
    }),
    selectors: selectorsIn(root),
    aggregations: descendants(root, 'AggregateExpr').map((aggregation) => {
      const modifier = aggregation.getChild('AggregateModifier');
      const body = aggregation.getChild('FunctionCallBody');
      return {
        modifier: modifier === null ? undefined : modifier.getChild('By') === null ? 'without' : 'by',
        labels: modifier?.getChild('GroupingLabels')?.getChildren('LabelName').map(text) ?? [],
        selectors: body === null ? [] : selectorsIn(body),
      };
    }),
  };
}

function readSelector(selector: SyntaxNode, text: (node: SyntaxNode) => string): SeriesSelector {
  const name = selector.getChild('Identifier');
  const matchers = selector.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
  return {
    metric: name === null ? undefined : text(name),
    // An incomplete matcher is a syntax error, reported as such.
    matchers: matchers.flatMap((matcher) => {
      const label = matcher.getChild('LabelName');
      const operator = MATCH_OPERATORS[matcher.getChild('MatchOp')?.firstChild?.name ?? ''];
      const value = matcher.getChild('StringLiteral');
      return label === null || operator === undefined || value === null ? [] : [{ name: text(label), operator, value: unquote(text(value)) }];
    }),
  };
}

/** A PromQL string literal's value: raw between backticks, Go escapes between quotes. */
function unquote(literal: string): string {
  const inner = literal.slice(1, -1);
  if (literal.startsWith('`')) return inner;
  const escapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r' };
  return inner.replace(/\\(.)/g, (_, char: string) => escapes[char] ?? char);
}

function descendants(node: SyntaxNode, name: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (child.name === name) found.push(child);
    found.push(...descendants(child, name));
  }
  return found;
}
