import type { Role } from '../../api/types.ts';

/** Roles that see duplicates (registry.operations read); the server decides on every call. */
export const REVIEW_ROLES = ['owner', 'front_desk', 'doctor'] as const satisfies readonly Role[];
/** Roles that may merge, reject and unmerge (registry.operations write). */
export const MERGE_ROLES: ReadonlySet<Role> = new Set<Role>(['owner', 'front_desk']);
