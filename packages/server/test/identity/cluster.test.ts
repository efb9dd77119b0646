import { describe, expect, it } from 'vitest';
import { clusterPairs } from '../../src/modules/identity/index.ts';

/** Builds the clustering input from (a, b, probability, guard?) tuples. */
const input = (n: number, edges: [number, number, number, number?][], minSupport = 0.5) => ({
  n,
  a: Int32Array.from(edges.map((e) => e[0])),
  b: Int32Array.from(edges.map((e) => e[1])),
  count: edges.length,
  probability: Float32Array.from(edges.map((e) => e[2])),
  guard: Uint8Array.from(edges.map((e) => e[3] ?? 0)),
  matchThreshold: 0.9,
  reviewThreshold: 0.3,
  minSupport,
});

const groups = (root: Int32Array): number[][] => {
  const m = new Map<number, number[]>();
  root.forEach((r, i) => {
    m.set(r, [...(m.get(r) ?? []), i]);
  });
  return [...m.values()].sort((x, y) => x[0]! - y[0]!);
};

describe('clusterPairs', () => {
  it('joins a chain of strong links into one person', () => {
    const { root } = clusterPairs(
      input(4, [
        [0, 1, 0.99],
        [1, 2, 0.98],
        [2, 3, 0.97],
        [0, 2, 0.95],
        [1, 3, 0.96],
        [0, 3, 0.93],
      ]),
    );
    expect(groups(root)).toEqual([[0, 1, 2, 3]]);
  });

  it('does not let one weak link glue two strong clusters', () => {
    // {0,1,2} and {3,4,5} are tight; 2–3 just passes the threshold, while the other
    // scored pairs across say they are different people.
    const within = (x: number, y: number, z: number): [number, number, number][] => [
      [x, y, 0.999],
      [y, z, 0.999],
      [x, z, 0.999],
    ];
    const across: [number, number, number][] = [
      [2, 3, 0.91],
      [0, 3, 0.01],
      [1, 3, 0.02],
      [2, 4, 0.05],
      [2, 5, 0.01],
      [0, 4, 0.01],
    ];
    const { root, heldBack } = clusterPairs(input(6, [...within(0, 1, 2), ...within(3, 4, 5), ...across]));
    expect(groups(root)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(heldBack[6]).toBe(1);
  });

  it('joins two clusters when most pairs between them agree', () => {
    const { root } = clusterPairs(
      input(4, [
        [0, 1, 0.99],
        [2, 3, 0.99],
        [1, 2, 0.95],
        [0, 2, 0.94],
        [1, 3, 0.2],
      ]),
    );
    expect(groups(root)).toEqual([[0, 1, 2, 3]]);
  });

  it('never links a guarded pair nor joins clusters across one', () => {
    const { root } = clusterPairs(
      input(3, [
        [0, 1, 0.99],
        [1, 2, 0.99, 1],
        [0, 2, 0.97],
      ]),
    );
    expect(groups(root)).toEqual([[0, 1], [2]]);
  });
});
