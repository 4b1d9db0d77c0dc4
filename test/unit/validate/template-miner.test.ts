// The Drain-like miner and the grouping accuracy of Zhu et al.: lines of one template end up in one
// group, different templates in different groups, the miner's memory has a ceiling, and accuracy
// counts a line right only when its group holds exactly the lines of its true template.
import { describe, expect, it } from 'vitest';
import { GroupingScore, OVERFLOW_GROUP, TemplateMiner, WILDCARD } from '../../../src/validate/template-miner.js';

describe('TemplateMiner', () => {
  it('puts the lines of one template in one group and turns the varying tokens into wildcards', () => {
    const m = new TemplateMiner();
    const ids = ['Loaded profile for user u-17111 from cache', 'Loaded profile for user u-2 from cache', 'Loaded profile for user u-93 from postgres'].map((l) => m.add(l));
    expect(new Set(ids).size).toBe(1);
    // The user id's digits are masked (u-<*>); the store differs, so it becomes a wildcard.
    expect(m.templates()).toEqual([{ id: ids[0], template: `Loaded profile for user u-${WILDCARD} from ${WILDCARD}`, size: 3 }]);
  });

  it('masks IP addresses, UUIDs, long hex ids and standalone numbers before comparing', () => {
    const m = new TemplateMiner();
    expect(m.tokens('from 10.0.19.41:8080 id 3f2b8c1e-9d4a-4f6b-8c2d-1a2b3c4d5e6f trace 5015005b9b801a38 took 12 ms')).toEqual(['from', WILDCARD, 'id', WILDCARD, 'trace', WILDCARD, 'took', WILDCARD, 'ms']);
    // A number glued to letters is a token of its own, left as it is.
    expect(m.tokens('size 120B')).toEqual(['size', '120B']);
  });

  it('keeps templates apart that differ in their leading tokens, their length, or most of their constants', () => {
    const m = new TemplateMiner();
    const start = m.add('Starting worker pool');
    const stop = m.add('Stopping worker pool');
    const longer = m.add('Starting worker pool now');
    // Same leading tokens and length, too few positions in common (2 of 6 < 0.5).
    const ok = m.add('user login ok alpha beta gamma');
    const failed = m.add('user login failed delta epsilon zeta');
    expect(new Set([start, stop, longer, ok, failed]).size).toBe(5);
    // ... but a line sharing enough of them joins the group (5 of 6).
    expect(m.add('user login ok alpha beta delta')).toBe(ok);
    expect(m.groupCount).toBe(5);
  });

  it('stops making groups at maxGroups: further new lines go to the overflow group', () => {
    const m = new TemplateMiner({ maxGroups: 2 });
    const a = m.add('alpha one');
    const b = m.add('beta two three');
    expect(m.add('gamma four five six')).toBe(OVERFLOW_GROUP);
    expect(m.add('delta')).toBe(OVERFLOW_GROUP);
    // Lines that fit an existing group still join it.
    expect(m.add('alpha one')).toBe(a);
    expect(m.add('beta two four')).toBe(b);
    expect(m.groupCount).toBe(2);
    expect(m.overflow).toBe(2);
  });
});

describe('GroupingScore', () => {
  it('counts a line right only when its group holds exactly the lines of its true template', () => {
    const s = new GroupingScore();
    // Group 1: all three t1 lines -> 3 right.
    for (let i = 0; i < 3; i++) s.add(1, 't1');
    // Group 2: two of the three t2 lines (t2 split) -> 2 wrong.
    s.add(2, 't2');
    s.add(2, 't2');
    // Group 3: the third t2 line with a t3 line (merged) -> 2 wrong.
    s.add(3, 't2');
    s.add(3, 't3');
    // Group 4: the only t4 line -> 1 right.
    s.add(4, 't4');
    expect(s.figures()).toEqual({ lines: 8, correct: 4, accuracy: 0.5, predictedGroups: 4, trueGroups: 4, ungrouped: 0 });
    // A line the miner could not place is wrong, and spoils nothing else here.
    s.addUngrouped('t5');
    expect(s.figures()).toEqual({ lines: 9, correct: 4, accuracy: 4 / 9, predictedGroups: 4, trueGroups: 5, ungrouped: 1 });
  });

  it('gives no accuracy without lines', () => {
    expect(new GroupingScore().figures().accuracy).toBeNull();
  });

  it('scores the miner on a hand-made log: a template split by a leading variable costs its lines', () => {
    const lines: Array<[string, string]> = [
      ['Login succeeded for user alice from 10.0.0.1', 'login'],
      ['Login succeeded for user bob from 10.0.0.2', 'login'],
      ['Login succeeded for user carol from 10.0.0.3', 'login'],
      // One true template, but the HTTP method leads the line: Drain's tree splits on it.
      ['GET /orders took 12 ms', 'access'],
      ['POST /orders took 30 ms', 'access'],
      ['Cache miss for key product:1', 'cache'],
      ['Cache miss for key product:2', 'cache'],
    ];
    const m = new TemplateMiner();
    const s = new GroupingScore();
    for (const [line, truth] of lines) s.add(m.add(line), truth);
    const f = s.figures();
    expect(f.correct).toBe(5);
    expect(f.accuracy).toBeCloseTo(5 / 7, 12);
    expect([f.predictedGroups, f.trueGroups]).toEqual([4, 3]);
  });
});
