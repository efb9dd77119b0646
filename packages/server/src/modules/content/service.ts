import type { DataClass, ErrorDetail, Jurisdiction, Language, Purpose, Role } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, isUuid, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf, guarded } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { unsealPatient } from '../patients/index.ts';
import { classesFor, PURPOSE_CLASSES, requireClasses } from '../policy/index.ts';
import { staffNames } from '../staff/index.ts';
import {
  blockProblems,
  checkDraft,
  type DraftBlock,
  type DraftCheck,
  previewVariant,
  type TemplateDraft,
  tokenDetails,
  type VariantPreview,
} from './draft.ts';
import { hasErrors, type LintReport, lintTemplate, SAMPLE_VALUES } from './lint.ts';
import {
  type BlockKind,
  type BlockRef,
  type BlockText,
  type ContentChannel,
  contentFingerprint,
  findVariant,
  purposeClassOf,
  type ResolvedTemplate,
  stable,
  PURPOSE_CLASSES as TEMPLATE_PURPOSES,
  type TemplateContent,
  type ValueBag,
} from './model.ts';
import { type RenderError, type RenderedMessage, render, variantFields } from './render.ts';
import {
  allTemplateVersions,
  approvedVersions,
  findBlock,
  findTemplate,
  findVersion,
  insertBlock,
  insertTemplate,
  insertVersion,
  latestVersionNo,
  listBlocks,
  loadBlockVersions,
  resolveMany,
  resolveStored,
  type StoredBlock,
  type StoredVersion,
  saveVersion,
  templateVersions,
} from './store.ts';
import { isTokenName, parseTemplate, tokenSpec } from './tokens.ts';
import { type TransitionRefusal, transition } from './workflow.ts';

/**
 * The content library service: storage, roles, validation and the approval workflow around the
 * pure core. Marketers (and owners) author; only an owner approves, never their own version,
 * and approving lints the exact content it freezes. Only the approved version of a template
 * renders for sending; a new version starts as a draft while the approved one keeps serving.
 */

export const CONTENT_AUTHOR_ROLES: readonly Role[] = ['owner', 'marketer'];
/** R13: the policy has no separate compliance role; the owner holds compliance approval. */
export const CONTENT_APPROVER_ROLES: readonly Role[] = ['owner'];
export const CONTENT_READER_ROLES: readonly Role[] = ['owner', 'marketer', 'front_desk', 'doctor', 'auditor'];

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

export interface TemplateSummary {
  readonly id: string;
  readonly key: string;
  readonly sendPurpose: Purpose;
  readonly name: string;
  readonly latest: { readonly version: number; readonly state: StoredVersion['state'] };
  readonly approvedVersion: number | null;
}

/** A version in a template's history, with who wrote and who approved it by name. */
export interface VersionWithNames extends StoredVersion {
  readonly authorName?: string;
  readonly approverName?: string;
}

export interface TemplateDetail {
  readonly id: string;
  readonly key: string;
  readonly sendPurpose: Purpose;
  readonly versions: readonly VersionWithNames[];
  /** Every block version the versions pin. */
  readonly blocks: readonly StoredBlock[];
}

export interface PreviewRequest {
  readonly version?: number;
  readonly channel: ContentChannel;
  readonly language: Language;
  /** Render for this patient (audited, under the scope's purpose); sample values otherwise. */
  readonly patientId?: string;
}

export interface Preview extends VariantPreview {
  readonly templateId: string;
  readonly key: string;
  readonly version: number;
  readonly state: StoredVersion['state'];
  readonly sendable: boolean;
  readonly findings: LintReport['findings'];
}

export interface ApprovedTemplate {
  readonly version: StoredVersion;
  readonly template: ResolvedTemplate;
}

const KEY = /^[a-z][a-z0-9_.-]{1,62}$/;

const invalid = (message: string, details?: readonly ErrorDetail[]): AppError =>
  new AppError('VALIDATION_FAILED', message, details);

const requireRole = (scope: Scope, roles: readonly Role[]): void => {
  if (scope.actor.kind === 'patient') throw new AppError('ROLE_NOT_PERMITTED');
  if (scope.actor.kind === 'staff' && !roles.includes(scope.actor.role))
    throw new AppError('ROLE_NOT_PERMITTED');
};

const REFUSAL_ERRORS: Readonly<Record<TransitionRefusal, () => AppError>> = {
  TRANSITION_NOT_ALLOWED: () => new AppError('CONFLICT', 'This version cannot move to that state.'),
  APPROVER_NOT_PERMITTED: () => new AppError('ROLE_NOT_PERMITTED'),
  APPROVER_IS_AUTHOR: () => new AppError('CONTENT_APPROVER_IS_AUTHOR'),
  LINT_MISSING: () => new AppError('CONTENT_LINT_FAILED'),
  LINT_STALE: () => new AppError('CONTENT_LINT_FAILED'),
  LINT_ERRORS: () => new AppError('CONTENT_LINT_FAILED'),
};

const validateBlock = (kind: string, content: BlockInput['content'], url?: string): void => {
  const problems = blockProblems(kind, content, url);
  if (problems.length) throw invalid('The block cannot be saved.', problems);
};

/** The classes a text needs, from the tokens it uses. */
const classesNeeded = (
  template: ResolvedTemplate,
  channel: ContentChannel,
  language: Language,
): DataClass[] => {
  const v = findVariant(template.version.content, channel, language);
  if (!v) return [];
  const out = new Set<DataClass>();
  for (const f of variantFields(template, v).fields) {
    for (const s of parseTemplate(f.source).segments) {
      if (s.kind === 'token' && isTokenName(s.name)) for (const c of tokenSpec(s.name).classes) out.add(c);
    }
  }
  return [...out];
};

export class ContentService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  // ── blocks ──────────────────────────────────────────────────────────────────────────────

  async listBlocks(scope: Scope): Promise<StoredBlock[]> {
    requireRole(scope, CONTENT_READER_ROLES);
    return this.#deps.db.tenant(scope.tenantId, (tx) => listBlocks(tx));
  }

  async getBlock(scope: Scope, idOrKey: string, version?: number): Promise<StoredBlock> {
    requireRole(scope, CONTENT_READER_ROLES);
    const b = await this.#deps.db.tenant(scope.tenantId, (tx) => findBlock(tx, idOrKey, version));
    if (!b) throw new AppError('NOT_FOUND', 'No such block.');
    return b;
  }

  async createBlock(scope: Scope, input: BlockInput): Promise<StoredBlock> {
    return guarded(this.#deps.db, this.#deps.clock, scope, { action: 'content.block.created' }, (tx) =>
      createBlock(tx, this.#deps.clock, scope, input),
    );
  }

  /** A change is a new block version; templates keep the versions they pinned. */
  async updateBlock(scope: Scope, id: string, update: BlockUpdate): Promise<StoredBlock> {
    requireRole(scope, CONTENT_AUTHOR_ROLES);
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const current = isUuid(id) ? await findBlock(tx, id) : undefined;
      if (!current) throw new AppError('NOT_FOUND', 'No such block.');
      return writeBlockVersion(tx, this.#deps.clock, scope, current, update);
    });
  }

  // ── templates ───────────────────────────────────────────────────────────────────────────

  async listTemplates(scope: Scope): Promise<TemplateSummary[]> {
    requireRole(scope, CONTENT_READER_ROLES);
    const all = await this.#deps.db.tenant(scope.tenantId, (tx) => allTemplateVersions(tx));
    const byId = new Map<string, StoredVersion[]>();
    for (const v of all) byId.set(v.templateId, [...(byId.get(v.templateId) ?? []), v]);
    return [...byId.values()].map((vs) => {
      const latest = vs[vs.length - 1] as StoredVersion;
      return {
        id: latest.templateId,
        key: latest.key,
        sendPurpose: latest.sendPurpose,
        name: latest.content.name,
        latest: { version: latest.version, state: latest.state },
        approvedVersion: vs.find((v) => v.state === 'approved')?.version ?? null,
      };
    });
  }

  async getTemplate(scope: Scope, idOrKey: string): Promise<TemplateDetail> {
    requireRole(scope, CONTENT_READER_ROLES);
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const head = await findTemplate(tx, idOrKey);
      if (!head) throw new AppError('NOT_FOUND', 'No such template.');
      const versions = await templateVersions(tx, [head.id]);
      const pinned = new Map(
        versions.flatMap((v) => v.content.blocks).map((r) => [`${r.blockId}@${r.version}`, r]),
      );
      const blocks = await loadBlockVersions(tx, [...pinned.values()]);
      const names = await staffNames(
        tx,
        versions.flatMap((v) => [v.authorId, ...(v.approvedBy ? [v.approvedBy] : [])]),
      );
      return {
        ...head,
        versions: versions.map((v) => {
          const authorName = names.get(v.authorId);
          const approverName = v.approvedBy ? names.get(v.approvedBy) : undefined;
          return { ...v, ...(authorName ? { authorName } : {}), ...(approverName ? { approverName } : {}) };
        }),
        blocks,
      };
    });
  }

  async createTemplate(scope: Scope, input: TemplateInput): Promise<StoredVersion> {
    return guarded(this.#deps.db, this.#deps.clock, scope, { action: 'content.template.created' }, (tx) =>
      createTemplate(tx, this.#deps.clock, scope, input),
    );
  }

  /**
   * Edits the template's draft, or starts a new draft version when the latest is approved or
   * retired (the approved one keeps sending). A version under review is frozen until sent back.
   */
  async updateTemplate(scope: Scope, idOrKey: string, content: TemplateContent): Promise<StoredVersion> {
    return guarded(this.#deps.db, this.#deps.clock, scope, { action: 'content.template.updated' }, (tx) =>
      updateTemplate(tx, this.#deps.clock, scope, idOrKey, content),
    );
  }

  /** The linter's findings and sample previews of an unsaved draft; writes nothing. */
  async checkDraft(scope: Scope, sendPurpose: Purpose, draft: TemplateDraft): Promise<DraftCheck> {
    requireRole(scope, CONTENT_READER_ROLES);
    const tenant = await this.#deps.db.tenant(scope.tenantId, (tx) => tenantInfo(tx, scope.tenantId));
    return checkDraft(draft, {
      sendPurpose,
      jurisdictions: [tenant.jurisdiction],
      allowedClasses: new Set(PURPOSE_CLASSES[sendPurpose]),
      clinicName: tenant.name,
    });
  }

  /** Creates a template from an editor's draft, blocks and all, in one transaction. */
  async createDraft(
    scope: Scope,
    input: { readonly key: string; readonly sendPurpose: Purpose; readonly draft: TemplateDraft },
  ): Promise<StoredVersion> {
    return guarded(this.#deps.db, this.#deps.clock, scope, { action: 'content.template.created' }, (tx) =>
      createDraftTemplate(tx, this.#deps.clock, scope, input),
    );
  }

  /** Saves an editor's draft of a template, blocks and all, in one transaction. */
  async saveDraft(scope: Scope, idOrKey: string, draft: TemplateDraft): Promise<StoredVersion> {
    return guarded(this.#deps.db, this.#deps.clock, scope, { action: 'content.template.updated' }, (tx) =>
      saveDraftTemplate(tx, this.#deps.clock, scope, idOrKey, draft),
    );
  }

  async submit(scope: Scope, idOrKey: string, version: number): Promise<StoredVersion> {
    return this.#move(scope, idOrKey, version, 'in_review', CONTENT_AUTHOR_ROLES);
  }

  /** Sends a version under review back to draft with the reviewer's note. */
  async reject(scope: Scope, idOrKey: string, version: number, note?: string): Promise<StoredVersion> {
    return this.#move(scope, idOrKey, version, 'draft', CONTENT_APPROVER_ROLES, note);
  }

  /** Lints exactly this version, refuses on errors or when the approver wrote it (R13–R16, R18, R21). */
  async approve(scope: Scope, idOrKey: string, version: number): Promise<StoredVersion> {
    return this.#move(scope, idOrKey, version, 'approved', CONTENT_APPROVER_ROLES);
  }

  /** A retired version never sends again. */
  async retire(scope: Scope, idOrKey: string, version: number): Promise<StoredVersion> {
    return this.#move(scope, idOrKey, version, 'retired', CONTENT_APPROVER_ROLES);
  }

  async #move(
    scope: Scope,
    idOrKey: string,
    version: number,
    to: StoredVersion['state'],
    roles: readonly Role[],
    note?: string,
  ): Promise<StoredVersion> {
    const action = `content.template.${to === 'in_review' ? 'submitted' : to === 'draft' ? 'rejected' : to}`;
    return guarded(this.#deps.db, this.#deps.clock, scope, { action }, async (tx) => {
      requireRole(scope, roles);
      return moveVersion(tx, this.#deps.clock, scope, idOrKey, version, to, note);
    });
  }

  /** A preview with SMS parts and lint findings; for a given patient, purpose-scoped and audited. */
  async preview(scope: Scope, idOrKey: string, req: PreviewRequest): Promise<Preview> {
    requireRole(scope, CONTENT_READER_ROLES);
    const { db, clock, vault } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      {
        action: 'content.previewed',
        subjectType: 'patient',
        ...(req.patientId ? { subjectId: req.patientId } : {}),
      },
      async (tx) => {
        const head = await findTemplate(tx, idOrKey);
        if (!head) throw new AppError('NOT_FOUND', 'No such template.');
        const v = await findVersion(tx, head.id, req.version ?? (await latestVersionNo(tx, head.id)));
        if (!v) throw new AppError('NOT_FOUND', 'No such template version.');
        const resolved = await resolveStored(tx, v);
        if (!resolved.ok) throw invalid('The version names blocks that do not exist.');
        const tenant = await tenantInfo(tx, scope.tenantId);
        const lint = lintTemplate(resolved.template, {
          jurisdictions: [tenant.jurisdiction],
          allowedClasses: new Set(PURPOSE_CLASSES[v.sendPurpose]),
        });
        let values: ValueBag = { ...SAMPLE_VALUES, clinic: { ...SAMPLE_VALUES.clinic, name: tenant.name } };
        let purpose: Purpose = v.sendPurpose;
        if (req.patientId) {
          // Showing a real patient's message reveals their data: the scope's purpose must be one the
          // template sends under, and the role must be allowed to see each class its tokens use.
          if (purposeClassOf(scope.purpose) !== v.content.purpose) {
            throw new AppError(
              'PURPOSE_NOT_PERMITTED',
              `purpose ${scope.purpose} does not send this template`,
            );
          }
          requireClasses(scope, 'list', classesNeeded(resolved.template, req.channel, req.language));
          purpose = scope.purpose;
          const p = isUuid(req.patientId)
            ? await tx
                .selectFrom('patients')
                .select(['id', 'status', 'sex', 'key_version', 'key_wrapped', 'identity_enc', 'contact_enc'])
                .where('id', '=', req.patientId)
                .executeTakeFirst()
            : undefined;
          if (p?.status !== 'active') throw new AppError('NOT_FOUND', 'No such patient.');
          const keys = await vault.forTenant(tx, scope.tenantId);
          const identity = unsealPatient(keys, p, { identity: true, contact: false }).identity;
          values = {
            ...values,
            patient: {
              ...(identity?.firstName ? { firstName: identity.firstName } : {}),
              ...(identity?.middleName ? { patronymic: identity.middleName } : {}),
              ...(identity?.lastName ? { lastName: identity.lastName } : {}),
              ...(p.sex ? { sex: p.sex } : {}),
            },
          };
        }
        const shown = previewVariant(resolved.template, {
          channel: req.channel,
          language: req.language,
          purpose,
          allowedClasses: new Set(PURPOSE_CLASSES[purpose]),
          values,
        });
        await appendAudit(tx, clock, auditContextOf(scope), [
          {
            action: 'content.previewed',
            outcome: 'allowed',
            subjectType: req.patientId ? 'patient' : 'content_template',
            subjectId: req.patientId ?? v.templateId,
            details: { template: v.key, version: v.version, channel: req.channel, language: req.language },
          },
        ]);
        return {
          templateId: v.templateId,
          key: v.key,
          version: v.version,
          state: v.state,
          sendable: v.state === 'approved',
          ...shown,
          findings: lint.findings,
        };
      },
    );
  }
}

// ── transaction-level functions (the demo seed and other modules use these) ─────────────────

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
  const block: StoredBlock = {
    id: newId(),
    version: 1,
    key: input.key,
    kind: input.kind,
    content: input.content,
    ...(input.url !== undefined ? { url: input.url } : {}),
    createdBy: actorId(scope.actor),
    createdAt: clock.now(),
  };
  await insertBlock(tx, scope.tenantId, block);
  await appendAudit(tx, clock, auditContextOf(scope), [
    { action: 'content.block.created', outcome: 'done', subjectType: 'content_block', subjectId: block.id },
  ]);
  return block;
}

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
  const block: StoredBlock = {
    id: current.id,
    version: current.version + 1,
    key: current.key,
    kind: current.kind,
    content: update.content,
    ...(update.url !== undefined ? { url: update.url } : {}),
    createdBy: actorId(scope.actor),
    createdAt: clock.now(),
  };
  await insertBlock(tx, scope.tenantId, block);
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

export async function moveVersion(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  idOrKey: string,
  version: number,
  to: StoredVersion['state'],
  note?: string,
): Promise<StoredVersion> {
  const head = await findTemplate(tx, idOrKey);
  const v = head ? await findVersion(tx, head.id, version, true) : undefined;
  if (!head || !v) throw new AppError('NOT_FOUND', 'No such template version.');
  const now = clock.now();
  const actor = actorId(scope.actor);
  let lint: LintReport | undefined;
  if (to === 'approved' || to === 'in_review') {
    const resolved = await resolveStored(tx, v);
    if (!resolved.ok) throw invalid('The version names blocks that do not exist.');
    const tenant = await tenantInfo(tx, scope.tenantId);
    lint = lintTemplate(resolved.template, {
      jurisdictions: [tenant.jurisdiction],
      allowedClasses: new Set(PURPOSE_CLASSES[v.sendPurpose]),
    });
  }
  const canApprove =
    scope.actor.kind === 'system' ||
    (scope.actor.kind === 'staff' && CONTENT_APPROVER_ROLES.includes(scope.actor.role));
  const r = transition(v, { to, actor: { id: actor, canApprove }, at: now, ...(lint ? { lint } : {}) });
  if (!r.ok) {
    const e = REFUSAL_ERRORS[r.reason]();
    if (r.reason === 'LINT_ERRORS' && lint) {
      throw new AppError(
        e.code,
        e.message,
        lint.findings
          .filter((f) => f.severity === 'error')
          .map((f) => ({ field: f.field, issue: `${f.rule}: ${f.message_en}` })),
      );
    }
    throw e;
  }
  if (to === 'approved') {
    // The previous sending version stops when the new one starts: one approved per template.
    await tx
      .updateTable('content_template_versions')
      .set({ state: 'retired', retired_at: now, updated_at: now })
      .where('template_id', '=', head.id)
      .where('state', '=', 'approved')
      .execute();
  }
  const next: StoredVersion = {
    ...v,
    ...r.version,
    updatedAt: now,
    lint: lint ?? v.lint,
    reviewNote: to === 'draft' ? (note ?? null) : v.reviewNote,
  } as StoredVersion;
  await saveVersion(tx, next, contentFingerprint(next.content));
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: `content.template.${to === 'in_review' ? 'submitted' : to === 'draft' ? 'rejected' : to}`,
      outcome: 'done',
      subjectType: 'content_template',
      subjectId: head.id,
      details: { version, ...(lint ? { lint_findings: lint.findings.length } : {}) },
    },
  ]);
  return next;
}

/** The approved version of each template asked for (by key or id), resolved; absent ones are left out. */
export async function loadApproved(
  tx: Tx,
  idsOrKeys: readonly string[],
): Promise<Map<string, ApprovedTemplate>> {
  const vs = await approvedVersions(tx, idsOrKeys);
  const resolved = await resolveMany(tx, vs);
  const out = new Map<string, ApprovedTemplate>();
  for (const v of vs) {
    const template = resolved.get(v.templateId);
    if (!template) continue;
    out.set(v.key, { version: v, template });
    out.set(v.templateId, { version: v, template });
  }
  return out;
}

/**
 * Renders an approved template for sending under the scope's purpose: the purpose's classes bound
 * the tokens (a token needing another class refuses the whole message), lock-screen text is
 * checked for sensitive terms (R16), and anything else than an approved version is refused.
 */
export function renderApproved(
  scope: Scope,
  approved: ApprovedTemplate | undefined,
  req: { readonly channel: ContentChannel; readonly language: Language; readonly values: ValueBag },
):
  | { ok: true; message: RenderedMessage; templateId: string; version: number }
  | { ok: false; errors: readonly RenderError[] } {
  if (!approved) return { ok: false, errors: [{ code: 'NOT_SENDABLE', state: 'draft' }] };
  const r = render({
    template: approved.template,
    channel: req.channel,
    language: req.language,
    purpose: scope.purpose,
    allowedClasses: classesFor(scope, 'message'),
    values: req.values,
    mode: 'send',
  });
  return r.ok
    ? {
        ok: true,
        message: r.message,
        templateId: approved.version.templateId,
        version: approved.version.version,
      }
    : r;
}

export const lintIsClean = (v: StoredVersion): boolean => v.lint !== null && !hasErrors(v.lint);
