// A Drain-style online template miner, written from the description in He, Zhu, Zheng and Lyu,
// "Drain: An Online Log Parsing Approach with Fixed Depth Tree" (ICWS 2017):
//
//  1. preprocess: mask what is obviously a variable (IP addresses, UUIDs, long hex ids);
//  2. split the message into tokens on white space;
//  3. walk a tree of fixed depth: first by the number of tokens, then by the first tokens
//     (depth - 2 of them), a token with a digit in it going to the wildcard child, and every
//     token to the wildcard child once a node has maxChildren children;
//  4. in the leaf, pick the log group whose template shares the most tokens at the same
//     positions (ties: the template with more wildcards); join it when the share reaches the
//     similarity threshold, and turn the positions where they differ into wildcards; otherwise
//     start a new group.
//
// Memory is bounded: a miner holds at most `maxGroups` groups; a line that would start one more
// goes to an overflow group (id OVERFLOW_GROUP) and counts as grouped wrongly.
//
// And the grouping accuracy of Zhu et al., "Tools and Benchmarks for Automated Log Parsing"
// (ICSE-SEIP 2019): a line is parsed correctly when the group it was put in holds exactly the
// lines of its true template, no more and no fewer.

export const WILDCARD = '<*>';

export interface MinerOptions {
  /** Depth of the tree: root, token-count layer and depth - 2 token layers (Drain's default 4). */
  readonly depth: number;
  /** Share of positions that must agree for a line to join a group (0..1). */
  readonly similarity: number;
  /** Children per internal node before tokens go to the wildcard child. */
  readonly maxChildren: number;
  /** Regular expressions whose matches become wildcards before tokenising. */
  readonly masks: readonly RegExp[];
  /** Most groups kept; lines that would start another go to OVERFLOW_GROUP. */
  readonly maxGroups: number;
}

/** The group of the lines that found no group once the miner held maxGroups groups. */
export const OVERFLOW_GROUP = -1;

/**
 * UUIDs, IPv4 addresses (with a port), long hex ids, and numbers standing alone between
 * non-alphanumerics (the number mask LogPAI's logparser uses with Drain; the accuracy yardsticks
 * were measured with masks of that kind, chosen per system).
 */
export const DEFAULT_MASKS: readonly RegExp[] = [
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
  /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g,
  /\b(?=[0-9a-f]*\d)[0-9a-f]{16,}\b/gi,
  /(?<=[^A-Za-z0-9])-?\+?\d+(?=[^A-Za-z0-9])|\d+$/g,
];

export const DEFAULT_MINER_OPTIONS: MinerOptions = { depth: 4, similarity: 0.5, maxChildren: 100, masks: DEFAULT_MASKS, maxGroups: 5000 };

interface Group {
  readonly id: number;
  tokens: string[];
  size: number;
}

interface Node {
  readonly children: Map<string, Node>;
  readonly groups: Group[];
}

const newNode = (): Node => ({ children: new Map(), groups: [] });
const hasDigit = (t: string) => /\d/.test(t);

export class TemplateMiner {
  private readonly root = new Map<number, Node>();
  private readonly groups: Group[] = [];
  private overflowLines = 0;
  readonly options: MinerOptions;

  constructor(options: Partial<MinerOptions> = {}) {
    this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
    if (this.options.depth < 3) throw new Error('depth must be at least 3');
  }

  /** The message's tokens after masking. */
  tokens(message: string): string[] {
    let text = message;
    for (const m of this.options.masks) text = text.replace(m, WILDCARD);
    const out = text.trim().split(/\s+/);
    return out.length === 1 && out[0] === '' ? [] : out;
  }

  /** Puts a message in a group and returns the group's id (OVERFLOW_GROUP when the miner is full). */
  add(message: string): number {
    const tokens = this.tokens(message);
    const found = this.leafFor(tokens, false);
    const group = found && this.bestGroup(found.groups, tokens);
    if (group) {
      for (let i = 0; i < tokens.length; i++) if (group.tokens[i] !== tokens[i]) group.tokens[i] = WILDCARD;
      group.size++;
      return group.id;
    }
    if (this.groups.length >= this.options.maxGroups) {
      this.overflowLines++;
      return OVERFLOW_GROUP;
    }
    // Nodes are made only with a group, so the tree stays within maxGroups * depth nodes.
    const leaf = found ?? this.leafFor(tokens, true)!;
    const created: Group = { id: this.groups.length, tokens: [...tokens], size: 1 };
    this.groups.push(created);
    leaf.groups.push(created);
    return created.id;
  }

  /** The leaf a message's tokens lead to; made on the way when `create`, else undefined when missing. */
  private leafFor(tokens: readonly string[], create: boolean): Node | undefined {
    let node: Node | undefined = this.root.get(tokens.length);
    if (!node) {
      if (!create) return undefined;
      this.root.set(tokens.length, (node = newNode()));
    }
    const layers = Math.min(this.options.depth - 2, tokens.length);
    for (let i = 0; i < layers; i++) {
      const t = tokens[i]!;
      let key = hasDigit(t) ? WILDCARD : t;
      // A full node sends every new token to its wildcard child.
      if (!node.children.has(key) && node.children.size >= this.options.maxChildren) key = WILDCARD;
      let next: Node | undefined = node.children.get(key);
      if (!next) {
        if (!create) return undefined;
        node.children.set(key, (next = newNode()));
      }
      node = next;
    }
    return node;
  }

  private bestGroup(groups: readonly Group[], tokens: readonly string[]): Group | undefined {
    let best: Group | undefined;
    let bestSim = -1;
    let bestWild = -1;
    for (const g of groups) {
      let same = 0;
      let wild = 0;
      for (let i = 0; i < tokens.length; i++) {
        const t = g.tokens[i];
        if (t === WILDCARD) wild++;
        else if (t === tokens[i]) same++;
      }
      const sim = tokens.length === 0 ? 1 : same / tokens.length;
      if (sim > bestSim || (sim === bestSim && wild > bestWild)) {
        best = g;
        bestSim = sim;
        bestWild = wild;
      }
    }
    return best && bestSim >= this.options.similarity ? best : undefined;
  }

  /** The groups found so far, largest first. */
  templates(): Array<{ id: number; template: string; size: number }> {
    return this.groups.map((g) => ({ id: g.id, template: g.tokens.join(' '), size: g.size })).sort((a, b) => b.size - a.size || a.id - b.id);
  }

  get groupCount(): number {
    return this.groups.length;
  }

  /** Lines put in OVERFLOW_GROUP. */
  get overflow(): number {
    return this.overflowLines;
  }
}

export interface GroupingFigures {
  readonly lines: number;
  readonly correct: number;
  /** correct / lines, or null without lines. */
  readonly accuracy: number | null;
  readonly predictedGroups: number;
  readonly trueGroups: number;
  /** Lines the miner could not place (it was full): counted as wrong. */
  readonly ungrouped: number;
}

/** Pairs of (predicted group, true template) counted, and the grouping accuracy they give. */
export class GroupingScore {
  private readonly pairs = new Map<number | string, Map<string, number>>();
  private readonly truthSize = new Map<string, number>();
  private lines = 0;
  private ungrouped = 0;

  add(predicted: number | string, truth: string): void {
    let m = this.pairs.get(predicted);
    if (!m) this.pairs.set(predicted, (m = new Map()));
    m.set(truth, (m.get(truth) ?? 0) + 1);
    this.truthSize.set(truth, (this.truthSize.get(truth) ?? 0) + 1);
    this.lines++;
  }

  /** A line the miner could not place (OVERFLOW_GROUP): never counted as correct. */
  addUngrouped(truth: string): void {
    this.truthSize.set(truth, (this.truthSize.get(truth) ?? 0) + 1);
    this.lines++;
    this.ungrouped++;
  }

  figures(): GroupingFigures {
    let correct = 0;
    for (const byTruth of this.pairs.values()) {
      if (byTruth.size !== 1) continue;
      const [truth, n] = byTruth.entries().next().value as [string, number];
      if (this.truthSize.get(truth) === n) correct += n;
    }
    return { lines: this.lines, correct, accuracy: this.lines > 0 ? correct / this.lines : null, predictedGroups: this.pairs.size, trueGroups: this.truthSize.size, ungrouped: this.ungrouped };
  }
}
