import { SEGMENT_RULE_LIMITS } from '@careloop/contracts/segment-rules';
import type { SegmentRule } from '../../api/types.ts';
import { type Draft, draftOf, toCondition } from './conditions.ts';

/**
 * The builder's tree: groups (all of / any of) holding conditions and further groups, any
 * node negated. It maps onto the server's rule one to one: a group is `and`/`or`, a negated
 * node is wrapped in `not`.
 */

export type Join = 'and' | 'or';
export interface ConditionNode {
  readonly type: 'condition';
  /** Stable within a page, for React keys and focus; never sent to the server. */
  readonly id: number;
  readonly not: boolean;
  readonly draft: Draft;
}
export interface GroupNode {
  readonly type: 'group';
  readonly id: number;
  readonly not: boolean;
  readonly join: Join;
  readonly children: readonly BuilderNode[];
}
export type BuilderNode = ConditionNode | GroupNode;

let lastId = 0;
export const conditionNode = (draft: Draft, not = false): ConditionNode => ({
  type: 'condition',
  id: ++lastId,
  not,
  draft,
});
export const groupNode = (
  join: Join = 'and',
  children: readonly BuilderNode[] = [],
  not = false,
): GroupNode => ({
  type: 'group',
  id: ++lastId,
  not,
  join,
  children,
});

/** The rule the API evaluates. */
export function toRule(node: BuilderNode): SegmentRule {
  const rule: SegmentRule =
    node.type === 'group' ? { op: node.join, rules: node.children.map(toRule) } : toCondition(node.draft);
  return node.not ? { op: 'not', rule } : rule;
}

function nodeOf(rule: SegmentRule, not = false): BuilderNode {
  switch (rule.op) {
    case 'not':
      return nodeOf(rule.rule, !not);
    case 'and':
    case 'or':
      return groupNode(
        rule.op,
        rule.rules.map((r) => nodeOf(r)),
        not,
      );
    default:
      return conditionNode(draftOf(rule), not);
  }
}

/** A saved rule as a tree; the top is always a group, so a lone condition gets an "all of" group around it. */
export function fromRule(rule: SegmentRule): GroupNode {
  const node = nodeOf(rule);
  return node.type === 'group' ? node : groupNode('and', [node]);
}

const { maxDepth, maxNodes, maxGroupRules } = SEGMENT_RULE_LIMITS;

/**
 * How deep the builder nests groups (the top group is level 1), so that whatever is negated
 * the parser accepts the rule: a negated group costs two levels of the parser's depth
 * (`not`, then the group) and a negated condition in the deepest group two more, so
 * 2 × levels + 1 ≤ maxDepth.
 */
export const MAX_GROUP_LEVELS = Math.floor((maxDepth - 1) / 2);
export const MAX_GROUP_RULES = maxGroupRules;
export const MAX_NODES = maxNodes;

/** Nodes as the parser counts them: every group, `not` and condition. */
export function nodeCount(rule: SegmentRule): number {
  switch (rule.op) {
    case 'and':
    case 'or':
      return 1 + rule.rules.reduce((n, r) => n + nodeCount(r), 0);
    case 'not':
      return 1 + nodeCount(rule.rule);
    default:
      return 1;
  }
}

/** Adding a condition or a group, or negating a node, adds one node: allowed while under the parser's limit. */
export const canGrow = (root: GroupNode): boolean => nodeCount(toRule(root)) < maxNodes;

/** Numbers for accessible names, in reading order: "Group 2", "Condition 3". */
export function numbering(root: GroupNode): ReadonlyMap<number, number> {
  const out = new Map<number, number>();
  let groups = 0;
  let conditions = 0;
  const walk = (n: BuilderNode): void => {
    if (n.type === 'group') {
      out.set(n.id, ++groups);
      n.children.forEach(walk);
    } else out.set(n.id, ++conditions);
  };
  walk(root);
  return out;
}

export const withChild = (g: GroupNode, i: number, child: BuilderNode): GroupNode => ({
  ...g,
  children: g.children.map((c, j) => (j === i ? child : c)),
});
export const withoutChild = (g: GroupNode, i: number): GroupNode => ({
  ...g,
  children: g.children.filter((_, j) => j !== i),
});
export const withAdded = (g: GroupNode, child: BuilderNode): GroupNode => ({
  ...g,
  children: [...g.children, child],
});
