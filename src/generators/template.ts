// Message templates. Every log line and error message obsynth writes comes from one, and the
// template id travels in the labels, so log-parsing models can be scored against the truth.
// `<*>` marks a variable, as in the LogHub datasets.

export type Arg = string | number;

export class Template {
  private readonly parts: readonly string[];

  constructor(
    readonly id: string,
    readonly pattern: string,
  ) {
    this.parts = pattern.split('<*>');
  }

  get arity(): number {
    return this.parts.length - 1;
  }

  fill(args: readonly Arg[]): string {
    const p = this.parts;
    let out = p[0]!;
    for (let i = 1; i < p.length; i++) out += String(args[i - 1] ?? '') + p[i]!;
    return out;
  }
}

/** A registry so ids stay unique and exports can list every template. */
export class TemplateSet {
  private readonly byId = new Map<string, Template>();

  add(id: string, pattern: string): Template {
    if (this.byId.has(id)) throw new Error(`duplicate template id ${id}`);
    const t = new Template(id, pattern);
    this.byId.set(id, t);
    return t;
  }

  get(id: string): Template {
    const t = this.byId.get(id);
    if (!t) throw new Error(`unknown template ${id}`);
    return t;
  }

  all(): Template[] {
    return [...this.byId.values()];
  }
}
