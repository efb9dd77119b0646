import type { Jurisdiction, Language, Purpose } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, isUuid, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { PURPOSE_CLASSES, requireRole } from '../policy/index.ts';
import { CONTENT_AUTHOR_ROLES, invalid } from './access.ts';
import { blockProblems, type DraftBlock, type TemplateDraft, tokenDetails } from './draft.ts';
import { type LintReport, lintTemplate } from './lint.ts';
import {
  type BlockKind,
  type BlockRef,
  type BlockText,
  purposeClassOf,
  stable,
  PURPOSE_CLASSES as TEMPLATE_PURPOSES,
  type TemplateContent,
} from './model.ts';
import { variantFields } from './render.ts';
import {
  findBlock,
  findTemplate,
  findVersion,
  insertBlock,
  insertTemplate,
  insertVersion,
  latestVersionNo,
  loadBlockVersions,
  resolveStored,
  type StoredBlock,
  type StoredVersion,
  saveVersion,
} from './store.ts';

/** Blocks and templates in the caller's transaction: validated, versioned, audited (the demo seed and other modules use these). */

export interface BlockInput {
  readonly key: string;
  readonly kind: BlockKind;
  readonly content: Readonly<Partial<Record<Language, BlockText>>>;
  readonly url?: string;
}

export interface BlockUpdate {
  readonly content: Readonly<Partial<Record<Language, BlockText>>>;
  readonly url?: string;
}

export interface TemplateInput {
  readonly key: string;
  /** The messaging purpose it is sent under; its class must be the content's purpose (R13). */
  readonly sendPurpose: Purpose;
  readonly content: TemplateContent;
}

const KEY = /^[a-z][a-z0-9_.-]{1,62}$/;

const validateBlock = (kind: string, content: BlockInput['content'], url?: string): void => {
  const problems = blockProblems(kind, content, url);
  if (problems.length) throw invalid('The block cannot be saved.', problems);
};

export async function tenantInfo(
  tx: Tx,
  tenantId: string,
): Promise<{ name: string; jurisdiction: Jurisdiction }> {
  const t = await tx
    .selectFrom('tenants')
    .select(['name', 'jurisdiction'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return { name: t.name, jurisdiction: t.jurisdiction };
}

export async function createBlock(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  input: BlockInput,
): Promise<StoredBlock> {
  requireRole(scope, CONTENT_AUTHOR_ROLES);
  if (!KEY.test(input.key))
    throw invalid('A key is 2–63 lower-case letters, digits, dots, dashes.', [
      { field: 'key', issue: 'format' },
    ]);
  validateBlock(input.kind, input.content, input.url);
  if (await findBlock(tx, input.key)) throw new AppError('ALREADY_EXISTS', 'A block with this key exists.');
  const block = await storeBlock(
    tx,
    clock,
    scope,
    { id: newId(), version: 1, key: input.key, kind: input.kind },
    input,
  );
  await appendAudit(tx, clock, auditContextOf(scope), [
    { action: 'content.block.created', outcome: 'done', subjectType: 'content_block', subjectId: block.id },
  ]);
  return block;
}

/** Stores one version of a block, written by the scope's actor now. */
const storeBlock = async (
  tx: Tx,
  clock: Clock,
  scope: Scope,
  head: Pick<StoredBlock, 'id' | 'version' | 'key' | 'kind'>,
  text: BlockUpdate,
): Promise<StoredBlock> => {
  const block: StoredBlock = {
    ...head,
    content: text.content,
    ...(text.url !== undefined ? { url: text.url } : {}),
    createdBy: actorId(scope.actor),
    createdAt: clock.now(),
  };
  await insertBlock(tx, scope.tenantId, block);
  return block;
};

/** Writes the next version of a block after `current` (its latest); templates keep the versions they pinned. */
export async function writeBlockVersion(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  current: StoredBlock,
  update: BlockUpdate,
): Promise<StoredBlock> {
  requireRole(scope, CONTENT_AUTHOR_ROLES);
  validateBlock(current.kind, update.content, update.url);
  const block = await storeBlock(
    tx,
    clock,
    scope,
    { id: current.id, version: current.version + 1, key: current.key, kind: current.kind },
    update,
  );
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'content.block.updated',
      outcome: 'done',
      subjectType: 'content_block',
      subjectId: block.id,
      details: { version: block.version },
    },
  ]);
  return block;
}

/** Checks a template's content against its purpose; returns it resolved with the linter's report. */
async function validateTemplate(
  tx: Tx,
  tenantId: string,
  sendPurpose: Purpose,
  templateId: string,
  version: number,
  content: TemplateContent,
): Promise<LintReport> {
  const cls = purposeClassOf(sendPurpose);
  if (cls === null)
    throw invalid('This purpose sends no messages.', [{ field: 'sendPurpose', issue: 'not_messaging' }]);
  if (!(TEMPLATE_PURPOSES as readonly string[]).includes(content.purpose) || cls !== content.purpose)
    throw invalid(`Purpose ${sendPurpose} sends ${cls} templates.`, [
      { field: 'content.purpose', issue: 'mismatch' },
    ]);
  const draft = { templateId, version, state: 'draft' as const, authorId: '', content };
  const resolved = await resolveStored(tx, draft);
  if (!resolved.ok)
    throw invalid(
      'The template names block versions that do not exist.',
      resolved.missing.map((m) => ({ field: 'content.blocks', issue: `missing:${m.blockId}@${m.version}` })),
    );
  const allowed = new Set(PURPOSE_CLASSES[sendPurpose]);
  const problems = content.variants.flatMap((v) =>
    tokenDetails(
      variantFields(resolved.template, v).fields.map((f) => ({ field: f.path, source: f.source })),
      allowed,
    ),
  );
  if (problems.length) throw invalid('The template uses tokens its purpose does not allow.', problems);
  const tenant = await tenantInfo(tx, tenantId);
  return lintTemplate(resolved.template, { jurisdictions: [tenant.jurisdiction], allowedClasses: allowed });
}

export async function createTemplate(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  input: TemplateInput,
): Promise<StoredVersion> {
  requireRole(scope, CONTENT_AUTHOR_ROLES);
  if (!KEY.test(input.key))
    throw invalid('A key is 2–63 lower-case letters, digits, dots, dashes.', [
      { field: 'key', issue: 'format' },
    ]);
  if (await findTemplate(tx, input.key))
    throw new AppError('ALREADY_EXISTS', 'A template with this key exists.');
  const id = newId();
  const lint = await validateTemplate(tx, scope.tenantId, input.sendPurpose, id, 1, input.content);
  const now = clock.now();
  await insertTemplate(tx, scope.tenantId, {
    id,
    key: input.key,
    sendPurpose: input.sendPurpose,
    createdBy: actorId(scope.actor),
    createdAt: now,
  });
  const v: StoredVersion = {
    templateId: id,
    version: 1,
    state: 'draft',
    authorId: actorId(scope.actor),
    content: input.content,
    key: input.key,
    sendPurpose: input.sendPurpose,
    lint,
    reviewNote: null,
    createdAt: now,
    updatedAt: now,
  };
  await insertVersion(tx, scope.tenantId, v, lint.fingerprint);
  await appendAudit(tx, clock, auditContextOf(scope), [
    { action: 'content.template.created', outcome: 'done', subjectType: 'content_template', subjectId: id },
  ]);
  return v;
}

export async function updateTemplate(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  idOrKey: string,
  content: TemplateContent,
): Promise<StoredVersion> {
  requireRole(scope, CONTENT_AUTHOR_ROLES);
  const head = await findTemplate(tx, idOrKey);
  if (!head) throw new AppError('NOT_FOUND', 'No such template.');
  const latestNo = await latestVersionNo(tx, head.id);
  const latest = await findVersion(tx, head.id, latestNo, true);
  if (!latest) throw new AppError('NOT_FOUND', 'No such template.');
  if (latest.state === 'in_review')
    throw new AppError('CONFLICT', 'The latest version is under review; have it sent back first.');
  const now = clock.now();
  const editing = latest.state === 'draft';
  const version = editing ? latest.version : latest.version + 1;
  const lint = await validateTemplate(tx, scope.tenantId, head.sendPurpose, head.id, version, content);
  const v: StoredVersion = {
    templateId: head.id,
    version,
    state: 'draft',
    // Whoever last wrote a draft is its author: they may not approve it.
    authorId: actorId(scope.actor),
    content,
    key: head.key,
    sendPurpose: head.sendPurpose,
    lint,
    reviewNote: null,
    createdAt: editing ? latest.createdAt : now,
    updatedAt: now,
  };
  if (editing) await saveVersion(tx, v, lint.fingerprint);
  else await insertVersion(tx, scope.tenantId, v, lint.fingerprint);
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'content.template.updated',
      outcome: 'done',
      subjectType: 'content_template',
      subjectId: head.id,
      details: { version },
    },
  ]);
  return v;
}

/** The content a draft saves as, its blocks pinned to `refs`. */
const contentOfDraft = (draft: TemplateDraft, refs: readonly BlockRef[]): TemplateContent => ({
  name: draft.name,
  purpose: draft.purpose,
  kind: draft.kind,
  medical: draft.medical,
  blocks: refs,
  variants: draft.variants,
});

const sameText = (a: { content: unknown; url?: string }, b: { content: unknown; url?: string }): boolean =>
  stable(a.content) === stable(b.content) && (a.url ?? null) === (b.url ?? null);

/**
 * Pins each block of a draft: a text as loaded keeps its version, a changed one becomes the
 * block's next version, a new one becomes a block keyed after the template. At most 20 blocks.
 */
async function pinDraftBlocks(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  templateKey: string,
  blocks: readonly DraftBlock[],
): Promise<BlockRef[]> {
  const loaded = await loadBlockVersions(
    tx,
    blocks.flatMap((b) => (b.blockId && b.version ? [{ blockId: b.blockId, version: b.version }] : [])),
  );
  const prefix = `${templateKey.slice(0, 40)}.`;
  const taken = new Set(
    (
      await tx
        .selectFrom('content_blocks')
        .select('key')
        .where('key', 'like', `${prefix}%`)
        .distinct()
        .execute()
    ).map((r) => r.key),
  );
  const refs: BlockRef[] = [];
  for (const [i, b] of blocks.entries()) {
    const update = { content: b.content, ...(b.url !== undefined ? { url: b.url } : {}) };
    if (b.blockId) {
      const from = loaded.find((x) => x.id === b.blockId && x.version === b.version);
      if (from && from.kind === b.kind && sameText(from, update)) {
        refs.push({ blockId: from.id, version: from.version });
        continue;
      }
      const latest = isUuid(b.blockId) ? await findBlock(tx, b.blockId) : undefined;
      if (!latest || latest.kind !== b.kind)
        throw invalid('A block of the draft does not match the library.', [
          { field: `blocks.${i}.blockId`, issue: latest ? 'kind' : 'unknown' },
        ]);
      const written = await writeBlockVersion(tx, clock, scope, latest, update);
      refs.push({ blockId: written.id, version: written.version });
      continue;
    }
    let key = `${prefix}${b.kind}`;
    for (let n = 2; taken.has(key); n++) key = `${prefix}${b.kind}-${n}`;
    taken.add(key);
    const created = await createBlock(tx, clock, scope, { key, kind: b.kind, ...update });
    refs.push({ blockId: created.id, version: created.version });
  }
  return refs;
}

/** A new template from an editor's draft: its new and changed blocks and its first version, at once. */
export async function createDraftTemplate(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  input: { readonly key: string; readonly sendPurpose: Purpose; readonly draft: TemplateDraft },
): Promise<StoredVersion> {
  requireRole(scope, CONTENT_AUTHOR_ROLES);
  if (!KEY.test(input.key))
    throw invalid('A key is 2–63 lower-case letters, digits, dots, dashes.', [
      { field: 'key', issue: 'format' },
    ]);
  if (await findTemplate(tx, input.key))
    throw new AppError('ALREADY_EXISTS', 'A template with this key exists.');
  const refs = await pinDraftBlocks(tx, clock, scope, input.key, input.draft.blocks);
  return createTemplate(tx, clock, scope, {
    key: input.key,
    sendPurpose: input.sendPurpose,
    content: contentOfDraft(input.draft, refs),
  });
}

/** Saves an editor's draft as the template's draft version (a new one when the latest is approved or retired). */
export async function saveDraftTemplate(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  idOrKey: string,
  draft: TemplateDraft,
): Promise<StoredVersion> {
  requireRole(scope, CONTENT_AUTHOR_ROLES);
  const head = await findTemplate(tx, idOrKey);
  if (!head) throw new AppError('NOT_FOUND', 'No such template.');
  const refs = await pinDraftBlocks(tx, clock, scope, head.key, draft.blocks);
  return updateTemplate(tx, clock, scope, head.id, contentOfDraft(draft, refs));
}
