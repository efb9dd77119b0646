import { SEGMENT_RULE_LIMITS } from '@careloop/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRule } from '../../../server/src/modules/segments/index.ts';
import type { SegmentCondition, SegmentRule } from '../../src/api/types.ts';
import {
  CONDITION_KINDS,
  CONDITIONS,
  type ConditionKind,
  draftOf,
} from '../../src/features/segments/conditions.ts';
import {
  type BuilderNode,
  canGrow,
  conditionNode,
  fromRule,
  type GroupNode,
  groupNode,
  MAX_GROUP_LEVELS,
  nodeCount,
  numbering,
  toRule,
} from '../../src/features/segments/rules.ts';

/** The dashboard's segment builder model, checked against the server's own rule parser. */

const SPECIALTY = '01900000-0000-7000-8000-0000000000a1';
const cond = (kind: ConditionKind, values: Record<string, string> = {}, not = false) =>
  conditionNode({ kind, values: { ...CONDITIONS[kind].blank(SPECIALTY), ...values } }, not);

describe('segment builder rules', () => {
  it('a nested tree with "not" becomes the and/or/not rule the server reads', () => {
    const tree = groupNode('and', [
      cond('sex', { is: 'female' }),
      groupNode('or', [cond('last_visit', { fromMonths: '3', toMonths: '6' }), cond('age', { min: '40' })]),
      cond('preferred_channel', { channel: 'sms' }, true),
    ]);
    const rule = toRule(tree);
    expect(rule).toEqual({
      op: 'and',
      rules: [
        { op: 'sex', is: 'female' },
        {
          op: 'or',
          rules: [
            { op: 'last_visit', minAgo: { n: 3, unit: 'months' }, maxAgo: { n: 6, unit: 'months' } },
            { op: 'age', min: 40 },
          ],
        },
        { op: 'not', rule: { op: 'preferred_channel', in: ['sms'] } },
      ],
    });
    expect(parseRule(rule)).toEqual(rule);
    // Accessible names number groups and conditions in reading order.
    const n = numbering(tree);
    const inner = tree.children[1] as GroupNode;
    expect([tree, inner].map((g) => n.get(g.id))).toEqual([1, 2]);
    expect([tree.children[0]!, ...inner.children, tree.children[2]!].map((c) => n.get(c.id))).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it('every kind of the table reads its own condition back; a visit to a specialty stays a specialty condition (R6)', () => {
    const samples: Record<ConditionKind, Record<string, string>> = {
      sex: { is: 'male' },
      age: { min: '18', max: '65' },
      last_visit: { fromMonths: '', toMonths: '12' },
      visited_specialty: { specialtyId: SPECIALTY, withinMonths: '24' },
      preferred_channel: { channel: 'messenger' },
      consent_for: { purpose: 'marketing.health', channel: 'email' },
    };
    for (const kind of CONDITION_KINDS) {
      const c = CONDITIONS[kind].toCondition(samples[kind]);
      expect(parseRule(c), kind).toEqual(c);
      expect(draftOf(c), kind).toEqual({ kind, values: samples[kind] });
      expect(draftOf(CONDITIONS[kind].toCondition(CONDITIONS[kind].blank(SPECIALTY))).kind).toBe(kind);
    }
  });

  it('conditions the builder has no editor for are kept exactly, so opening and saving a segment changes nothing', () => {
    const others: SegmentCondition[] = [
      { op: 'no_visit', within: { n: 12, unit: 'months' }, serviceId: SPECIALTY },
      { op: 'city', in: ['Тверь'] },
      { op: 'last_visit', maxAgo: { n: 30, unit: 'days' } },
      { op: 'last_visit', specialtyId: SPECIALTY, minAgo: { n: 1, unit: 'months' } },
      { op: 'age', min: 40, on: '2027-01-01' },
      { op: 'preferred_channel', in: ['sms', 'email'] },
      { op: 'consent_for', purpose: 'registry.operations' },
    ];
    const rule: SegmentRule = { op: 'or', rules: [{ op: 'sex', is: 'female' }, ...others] };
    const tree = fromRule(rule);
    expect(tree.children.slice(1).map((c) => c.type === 'condition' && c.draft.kind)).toEqual(
      others.map(() => 'other'),
    );
    expect(toRule(tree)).toEqual(rule);
  });

  it('a saved rule whose top is a condition or a "not" opens inside an "all of" group; a double "not" reads as none', () => {
    expect(toRule(fromRule({ op: 'sex', is: 'male' }))).toEqual({
      op: 'and',
      rules: [{ op: 'sex', is: 'male' }],
    });
    const negated = fromRule({ op: 'not', rule: { op: 'or', rules: [{ op: 'sex', is: 'male' }] } });
    expect(negated).toMatchObject({ type: 'group', join: 'or', not: true });
    expect(toRule(fromRule({ op: 'not', rule: { op: 'not', rule: { op: 'sex', is: 'male' } } }))).toEqual({
      op: 'and',
      rules: [{ op: 'sex', is: 'male' }],
    });
  });

  it('the deepest tree the builder allows, everything negated, passes the server parser; one level more does not', () => {
    const chain = (levels: number): GroupNode =>
      levels === 1
        ? groupNode('and', [cond('sex', {}, true)], true)
        : groupNode('or', [cond('age', { min: '40' }, true), chain(levels - 1)], true);
    expect(MAX_GROUP_LEVELS).toBeGreaterThanOrEqual(3);
    expect(() => parseRule(toRule(chain(MAX_GROUP_LEVELS)))).not.toThrow();
    expect(() => parseRule(toRule(chain(MAX_GROUP_LEVELS + 1)))).toThrow(
      expect.objectContaining({ code: 'SEGMENT_RULE_INVALID' }),
    );
  });

  it('nodes are counted as the parser counts them: the builder stops growing a rule at the limit, one more is refused', () => {
    const { maxNodes } = SEGMENT_RULE_LIMITS;
    const sexes = (n: number) => Array.from({ length: n }, () => cond('sex'));
    // Groups of 40 conditions under the top group: 1 + groups + conditions nodes.
    const wide = (groups: number, conditions: number) =>
      groupNode(
        'and',
        Array.from({ length: groups }, (_, i) => groupNode('or', sexes(Math.min(40, conditions - i * 40)))),
      );
    const groups = Math.ceil((maxNodes - 1) / 41);
    const atLimit = wide(groups, maxNodes - 1 - groups);
    expect(nodeCount(toRule(atLimit))).toBe(maxNodes);
    expect(() => parseRule(toRule(atLimit))).not.toThrow();
    expect(canGrow(atLimit)).toBe(false);
    const below = wide(groups, maxNodes - 2 - groups);
    expect(canGrow(below)).toBe(true);
    const over = groupNode('and', [...atLimit.children, cond('sex')]);
    expect(() => parseRule(toRule(over))).toThrow(expect.objectContaining({ code: 'SEGMENT_RULE_INVALID' }));
  });

  it('property: any tree the builder can make is accepted by the parser and survives a save and reopen', () => {
    const values = (kind: ConditionKind) =>
      fc.record(
        Object.fromEntries(
          CONDITIONS[kind].fields.map((f) => [
            f.name,
            f.input === 'number'
              ? fc.oneof(fc.constant(''), fc.integer({ min: 0, max: f.max ?? 100 }).map(String))
              : fc.constant(CONDITIONS[kind].blank(SPECIALTY)[f.name] ?? ''),
          ]),
        ),
      );
    const condition = fc
      .constantFrom(...CONDITION_KINDS)
      .chain((kind) => fc.tuple(fc.constant(kind), values(kind), fc.boolean()))
      .map(([kind, v, not]) => cond(kind, v, not));
    const group = (level: number): fc.Arbitrary<BuilderNode> =>
      fc
        .tuple(
          fc.constantFrom<'and' | 'or'>('and', 'or'),
          fc.boolean(),
          fc.array(level < MAX_GROUP_LEVELS ? fc.oneof(condition, group(level + 1)) : condition, {
            maxLength: 3,
          }),
        )
        .map(([join, not, children]) => groupNode(join, children, not));
    const valid = (r: SegmentRule): boolean => {
      // Bounds the form lets a person get wrong (no age bound, from > to) are named by the server as invalid.
      if (r.op === 'and' || r.op === 'or') return r.rules.every(valid);
      if (r.op === 'not') return valid(r.rule);
      if (r.op === 'age')
        return (
          (r.min !== undefined || r.max !== undefined) && (r.min ?? 0) <= (r.max ?? Number.POSITIVE_INFINITY)
        );
      if (r.op === 'last_visit' && r.minAgo && r.maxAgo) return r.minAgo.n <= r.maxAgo.n;
      return true;
    };
    fc.assert(
      fc.property(group(1), (tree) => {
        const rule = toRule(tree);
        if (valid(rule)) expect(parseRule(rule)).toEqual(rule);
        expect(toRule(fromRule(rule))).toEqual(rule);
      }),
      { numRuns: 300 },
    );
  });
});
