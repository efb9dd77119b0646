/**
 * Clusters matched pairs into people without chaining. Edges are taken strongest first;
 * two clusters of several records join only when most of the scored pairs between them
 * are matches and none is guarded (twins, parent and child). A single strong-looking link
 * between two groups that otherwise disagree is held back for review instead.
 */
export interface ClusterInput {
  readonly n: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly count: number;
  readonly probability: Float32Array;
  readonly guard: Uint8Array;
  readonly matchThreshold: number;
  readonly reviewThreshold: number;
  readonly minSupport: number;
}

export interface Clustering {
  /** Cluster root per record (a record index). */
  readonly root: Int32Array;
  /** Pairs at or above the match threshold that were not allowed to join their clusters. */
  readonly heldBack: Uint8Array;
}

export const clusterPairs = (input: ClusterInput): Clustering => {
  const { n, a, b, count, probability, guard, matchThreshold, reviewThreshold, minSupport } = input;
  // CSR adjacency over all scored pairs, for the support count.
  const degree = new Int32Array(n + 1);
  for (let k = 0; k < count; k++) {
    degree[a[k]! + 1]!++;
    degree[b[k]! + 1]!++;
  }
  for (let i = 0; i < n; i++) degree[i + 1]! += degree[i]!;
  const fill = degree.slice(0, n);
  const adj = new Int32Array(count * 2);
  const adjPair = new Int32Array(count * 2);
  for (let k = 0; k < count; k++) {
    const x = a[k]!;
    const y = b[k]!;
    adj[fill[x]!] = y;
    adjPair[fill[x]!++] = k;
    adj[fill[y]!] = x;
    adjPair[fill[y]!++] = k;
  }
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  const next = new Int32Array(n).fill(-1);
  const tail = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    parent[i] = i;
    tail[i] = i;
  }
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const strong: number[] = [];
  for (let k = 0; k < count; k++) if (probability[k]! >= matchThreshold && guard[k] === 0) strong.push(k);
  strong.sort((p, q) => probability[q]! - probability[p]! || p - q);
  const heldBack = new Uint8Array(count);
  for (const k of strong) {
    const rx = find(a[k]!);
    const ry = find(b[k]!);
    if (rx === ry) continue;
    const [small, big] = size[rx]! <= size[ry]! ? [rx, ry] : [ry, rx];
    if (size[big]! > 1) {
      let agree = 0;
      let disagree = 0;
      let vetoed = false;
      for (let m = small; m !== -1 && !vetoed; m = next[m]!) {
        for (let q = degree[m]!; q < degree[m + 1]!; q++) {
          if (find(adj[q]!) !== big) continue;
          const pk = adjPair[q]!;
          if (guard[pk] !== 0) vetoed = true;
          else if (probability[pk]! >= matchThreshold) agree++;
          else if (probability[pk]! < reviewThreshold) disagree++;
        }
      }
      if (vetoed || agree < minSupport * (agree + disagree)) {
        heldBack[k] = 1;
        continue;
      }
    }
    parent[small] = big;
    size[big]! += size[small]!;
    next[tail[big]!] = small;
    tail[big] = tail[small]!;
  }
  const root = new Int32Array(n);
  for (let i = 0; i < n; i++) root[i] = find(i);
  return { root, heldBack };
};
