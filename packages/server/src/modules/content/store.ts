import type { Purpose } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import { isUuid } from '../../kernel/index.ts';
import type { LintReport } from './lint.ts';
import {
  type ApprovalState,
  type BlockKind,
  type BlockRef,
  type BlockText,
  type ContentBlock,
  type ResolvedTemplate,
  resolveTemplate,
  type TemplateContent,
  type TemplateVersion,
} from './model.ts';

/**
 * Rows of the content library as the core's types. Reads are batched: a template's blocks come
 * in one query whatever their number, and so do the approved versions of many templates.
 */

export interface StoredBlock extends ContentBlock {
  readonly key: string;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export interface StoredVersion extends TemplateVersion {
  readonly key: string;
  readonly sendPurpose: Purpose;
  readonly lint: LintReport | null;
  readonly reviewNote: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const parsed = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const optDate = (v: Date | string | null): Date | undefined => (v === null ? undefined : date(v));

type BlockRow = {
  id: string;
  version: number;
  key: string;
  kind: BlockKind;
  content: unknown;
  url: string | null;
  created_by: string;
  created_at: Date | string;
};

const toBlock = (r: BlockRow): StoredBlock => ({
  id: r.id,
  version: r.version,
  key: r.key,
  kind: r.kind,
  content: parsed<Partial<Record<'ru' | 'en', BlockText>>>(r.content),
  ...(r.url !== null ? { url: r.url } : {}),
  createdBy: r.created_by,
  createdAt: date(r.created_at),
});

export async function insertBlock(tx: Tx, tenantId: string, b: StoredBlock): Promise<StoredBlock> {
  await tx
    .insertInto('content_blocks')
    .values({
      tenant_id: tenantId,
      id: b.id,
      version: b.version,
      key: b.key,
      kind: b.kind,
      content: JSON.stringify(b.content),
      url: b.url ?? null,
      created_by: b.createdBy,
      created_at: b.createdAt,
    })
    .execute();
  return b;
}

/** The latest version of a block (by id or key), or one exact version. */
export async function findBlock(tx: Tx, idOrKey: string, version?: number): Promise<StoredBlock | undefined> {
  let q = tx.selectFrom('content_blocks').selectAll();
  q = isUuid(idOrKey) ? q.where('id', '=', idOrKey) : q.where('key', '=', idOrKey);
  if (version !== undefined) q = q.where('version', '=', version);
  const r = await q.orderBy('version', 'desc').limit(1).executeTakeFirst();
  return r ? toBlock(r as BlockRow) : undefined;
}

/** The latest version of every block. */
export async function listBlocks(tx: Tx): Promise<StoredBlock[]> {
  const rows = await tx
    .selectFrom('content_blocks as b')
    .selectAll('b')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('content_blocks as n')
            .select('n.version')
            .whereRef('n.id', '=', 'b.id')
            .whereRef('n.version', '>', 'b.version'),
        ),
      ),
    )
    .orderBy('b.key')
    .execute();
  return rows.map((r) => toBlock(r as BlockRow));
}

/** Exactly the block versions asked for, in one query. */
export async function loadBlockVersions(tx: Tx, refs: readonly BlockRef[]): Promise<StoredBlock[]> {
  const valid = refs.filter((r) => isUuid(r.blockId) && Number.isInteger(r.version));
  if (valid.length === 0) return [];
  const rows = await tx
    .selectFrom('content_blocks')
    .selectAll()
    .where((eb) => eb.or(valid.map((r) => eb.and([eb('id', '=', r.blockId), eb('version', '=', r.version)]))))
    .execute();
  return rows.map((r) => toBlock(r as BlockRow));
}

type VersionRow = {
  template_id: string;
  version: number;
  state: ApprovalState;
  author_id: string;
  content: unknown;
  lint: unknown;
  review_note: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  submitted_at: Date | string | null;
  approved_by: string | null;
  approved_at: Date | string | null;
  retired_at: Date | string | null;
  key: string;
  send_purpose: string;
};

const toVersion = (r: VersionRow): StoredVersion => {
  const submittedAt = optDate(r.submitted_at);
  const approvedAt = optDate(r.approved_at);
  const retiredAt = optDate(r.retired_at);
  return {
    templateId: r.template_id,
    version: r.version,
    state: r.state,
    authorId: r.author_id,
    content: parsed<TemplateContent>(r.content),
    key: r.key,
    sendPurpose: r.send_purpose as Purpose,
    lint: r.lint === null ? null : parsed<LintReport>(r.lint),
    reviewNote: r.review_note,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    ...(submittedAt ? { submittedAt } : {}),
    ...(r.approved_by ? { approvedBy: r.approved_by } : {}),
    ...(approvedAt ? { approvedAt } : {}),
    ...(retiredAt ? { retiredAt } : {}),
  };
};

const versions = (tx: Tx) =>
  tx
    .selectFrom('content_template_versions as v')
    .innerJoin('content_templates as t', 't.id', 'v.template_id')
    .selectAll('v')
    .select(['t.key', 't.send_purpose']);

export interface TemplateHead {
  readonly id: string;
  readonly key: string;
  readonly sendPurpose: Purpose;
}

export async function findTemplate(tx: Tx, idOrKey: string): Promise<TemplateHead | undefined> {
  let q = tx.selectFrom('content_templates').select(['id', 'key', 'send_purpose']);
  q = isUuid(idOrKey) ? q.where('id', '=', idOrKey) : q.where('key', '=', idOrKey);
  const r = await q.executeTakeFirst();
  return r ? { id: r.id, key: r.key, sendPurpose: r.send_purpose as Purpose } : undefined;
}

export async function insertTemplate(
  tx: Tx,
  tenantId: string,
  head: TemplateHead & { createdBy: string; createdAt: Date },
): Promise<void> {
  await tx
    .insertInto('content_templates')
    .values({
      tenant_id: tenantId,
      id: head.id,
      key: head.key,
      send_purpose: head.sendPurpose,
      created_by: head.createdBy,
      created_at: head.createdAt,
    })
    .execute();
}

export async function templateVersions(tx: Tx, templateIds: readonly string[]): Promise<StoredVersion[]> {
  if (templateIds.length === 0) return [];
  const rows = await versions(tx)
    .where('v.template_id', 'in', [...templateIds])
    .orderBy('t.key')
    .orderBy('v.version')
    .execute();
  return rows.map((r) => toVersion(r as VersionRow));
}

export async function allTemplateVersions(tx: Tx): Promise<StoredVersion[]> {
  const rows = await versions(tx).orderBy('t.key').orderBy('v.version').execute();
  return rows.map((r) => toVersion(r as VersionRow));
}

export async function findVersion(
  tx: Tx,
  templateId: string,
  version: number,
  lock = false,
): Promise<StoredVersion | undefined> {
  let q = versions(tx).where('v.template_id', '=', templateId).where('v.version', '=', version);
  if (lock) q = q.forUpdate('v');
  const r = await q.executeTakeFirst();
  return r ? toVersion(r as VersionRow) : undefined;
}

/** The approved (sending) version of each template asked for, by id or key, in one query. */
export async function approvedVersions(tx: Tx, idsOrKeys: readonly string[]): Promise<StoredVersion[]> {
  if (idsOrKeys.length === 0) return [];
  const ids = idsOrKeys.filter(isUuid);
  const keys = idsOrKeys.filter((k) => !isUuid(k));
  const rows = await versions(tx)
    .where('v.state', '=', 'approved')
    .where((eb) =>
      eb.or([
        ...(ids.length ? [eb('t.id', 'in', ids)] : []),
        ...(keys.length ? [eb('t.key', 'in', keys)] : []),
      ]),
    )
    .execute();
  return rows.map((r) => toVersion(r as VersionRow));
}

export async function insertVersion(tx: Tx, tenantId: string, v: StoredVersion, fingerprint: string) {
  await tx
    .insertInto('content_template_versions')
    .values({
      tenant_id: tenantId,
      template_id: v.templateId,
      version: v.version,
      state: v.state,
      author_id: v.authorId,
      content: JSON.stringify(v.content),
      fingerprint,
      lint: v.lint ? JSON.stringify(v.lint) : null,
      review_note: v.reviewNote,
      created_at: v.createdAt,
      updated_at: v.updatedAt,
      submitted_at: v.submittedAt ?? null,
      approved_by: v.approvedBy ?? null,
      approved_at: v.approvedAt ?? null,
      retired_at: v.retiredAt ?? null,
    })
    .execute();
}

/** Writes a version's state and everything that moves with it. */
export async function saveVersion(tx: Tx, v: StoredVersion, fingerprint: string): Promise<void> {
  await tx
    .updateTable('content_template_versions')
    .set({
      state: v.state,
      author_id: v.authorId,
      content: JSON.stringify(v.content),
      fingerprint,
      lint: v.lint ? JSON.stringify(v.lint) : null,
      review_note: v.reviewNote,
      updated_at: v.updatedAt,
      submitted_at: v.submittedAt ?? null,
      approved_by: v.approvedBy ?? null,
      approved_at: v.approvedAt ?? null,
      retired_at: v.retiredAt ?? null,
    })
    .where('template_id', '=', v.templateId)
    .where('version', '=', v.version)
    .execute();
}

export async function latestVersionNo(tx: Tx, templateId: string): Promise<number> {
  const r = await tx
    .selectFrom('content_template_versions')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('template_id', '=', templateId)
    .executeTakeFirst();
  return Number(r?.v ?? 0);
}

/** A version with its exact block versions; missing blocks are named. */
export async function resolveStored(
  tx: Tx,
  v: TemplateVersion,
): Promise<{ ok: true; template: ResolvedTemplate } | { ok: false; missing: readonly BlockRef[] }> {
  const blocks = await loadBlockVersions(tx, v.content.blocks);
  const byRef = new Map(blocks.map((b) => [`${b.id}@${b.version}`, b]));
  return resolveTemplate(v, (ref) => byRef.get(`${ref.blockId}@${ref.version}`));
}

/** Many versions with their blocks, for a renderer serving a whole batch: one block query. */
export async function resolveMany(
  tx: Tx,
  vs: readonly TemplateVersion[],
): Promise<Map<string, ResolvedTemplate>> {
  const blocks = await loadBlockVersions(
    tx,
    vs.flatMap((v) => v.content.blocks),
  );
  const byRef = new Map(blocks.map((b) => [`${b.id}@${b.version}`, b]));
  const out = new Map<string, ResolvedTemplate>();
  for (const v of vs) {
    const r = resolveTemplate(v, (ref) => byRef.get(`${ref.blockId}@${ref.version}`));
    if (r.ok) out.set(v.templateId, r.template);
  }
  return out;
}
