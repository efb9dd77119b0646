/**
 * What a segment rule may be, without TypeBox, so the dashboard can import the values
 * (`@careloop/contracts/segment-rules`) and build only rules the server's parser accepts.
 */
import type { Purpose } from './vocab.ts';

/** Purposes a segment may serve: the ones that select patients to contact or count. */
export const SEGMENT_PURPOSES = [
  'marketing.general',
  'marketing.health',
  'service.feedback',
  'care.appointment',
  'care.followup',
  'analytics.aggregate',
] as const satisfies readonly Purpose[];
export type SegmentPurpose = (typeof SEGMENT_PURPOSES)[number];

/**
 * The parser's limits. Depth counts every and/or/not node on the way down (the root is at
 * depth 0, so a condition may sit at depth `maxDepth`); nodes count groups, nots and conditions.
 */
export const SEGMENT_RULE_LIMITS = {
  maxDepth: 12,
  maxNodes: 300,
  /** Rules in one and/or group. */
  maxGroupRules: 50,
} as const;
