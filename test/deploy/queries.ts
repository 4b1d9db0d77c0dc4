// What a PromQL or LogQL query refers to, read with the grammars the Prometheus and Grafana UIs use
// (@prometheus-io/lezer-promql, @grafana/lezer-logql): the series selectors with their label
// matchers, the labels it groups by, and the labels it filters log lines on.
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';

type Tree = ReturnType<typeof promqlParser.parse>;
type Node = Tree['topNode'];

export interface Matcher {
  readonly label: string;
  readonly op: string;
  readonly value: string;
}

export interface Selector {
  /** PromQL: the metric name ('' when only matchers); LogQL: always ''. */
  readonly name: string;
  readonly matchers: Matcher[];
}

export interface QueryRefs {
  /** Syntax errors (the text around each). */
  readonly errors: string[];
  /** PromQL: metric selectors; LogQL: stream selectors. */
  readonly selectors: Selector[];
  /** Labels named in by (...) / without (...) / on (...) / ignoring (...). */
  readonly grouping: string[];
  /** LogQL: labels filtered on after the stream selector (| label = "x"). */
  readonly filters: Matcher[];
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  if (s.startsWith("'")) return s.slice(1, -1);
  return JSON.parse(s) as string;
}

function inside(n: Node, name: string): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.name === name) return true;
  return false;
}

function walk(tree: Tree, text: string, visit: (n: Node) => void): string[] {
  const errors: string[] = [];
  const cursor = tree.cursor();
  for (;;) {
    if (cursor.type.isError) errors.push(`at ${cursor.from}: ...${text.slice(Math.max(0, cursor.from - 20), cursor.to + 20)}...`);
    visit(cursor.node);
    if (cursor.firstChild()) continue;
    while (!cursor.nextSibling()) if (!cursor.parent()) return errors;
  }
}

export function promqlRefs(expr: string): QueryRefs {
  const text = (n: Node) => expr.slice(n.from, n.to);
  const selectors: Selector[] = [];
  const grouping: string[] = [];
  const errors = walk(promqlParser.parse(expr), expr, (n) => {
    if (n.name === 'VectorSelector') {
      const id = n.getChild('Identifier');
      selectors.push({ name: id ? text(id) : '', matchers: [] });
    } else if ((n.name === 'UnquotedLabelMatcher' || n.name === 'QuotedLabelMatcher') && inside(n, 'VectorSelector')) {
      const label = n.getChild('LabelName') ?? n.getChild('QuotedLabelName');
      const op = n.getChild('MatchOp');
      const value = n.getChild('StringLiteral');
      if (label && op && value) selectors.at(-1)?.matchers.push({ label: text(label).replace(/^"|"$/g, ''), op: text(op), value: unquote(text(value)) });
    } else if (n.name === 'LabelName' && n.parent?.name === 'GroupingLabels') {
      grouping.push(text(n));
    }
  });
  return { errors, selectors, grouping, filters: [] };
}

export function logqlRefs(expr: string): QueryRefs {
  const text = (n: Node) => expr.slice(n.from, n.to);
  const selectors: Selector[] = [];
  const grouping: string[] = [];
  const filters: Matcher[] = [];
  const matcherOf = (m: Node): Matcher | undefined => {
    const id = m.getChild('Identifier');
    const value = m.getChild('String');
    if (!id || !value) return undefined;
    return { label: text(id), op: expr.slice(id.to, value.from).trim(), value: unquote(text(value)) };
  };
  const errors = walk(logqlParser.parse(expr), expr, (n) => {
    if (n.name === 'Selector') selectors.push({ name: '', matchers: [] });
    else if (n.name === 'Matcher') {
      const m = matcherOf(n);
      if (!m) return;
      if (inside(n, 'Selector')) selectors.at(-1)?.matchers.push(m);
      else if (inside(n, 'LabelFilter')) filters.push(m);
    } else if (n.name === 'Identifier' && inside(n, 'Grouping')) {
      grouping.push(text(n));
    }
  });
  return { errors, selectors, grouping, filters };
}
