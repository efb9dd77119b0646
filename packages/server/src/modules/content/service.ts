import type { DataClass, Language, Purpose, Role } from '@careloop/contracts';
import { AppError, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf, guarded } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { unsealPatient } from '../patients/index.ts';
import { PURPOSE_CLASSES, requireClasses, requireRole } from '../policy/index.ts';
import { staffNames } from '../staff/index.ts';
import { CONTENT_APPROVER_ROLES, CONTENT_AUTHOR_ROLES, CONTENT_READER_ROLES, invalid } from './access.ts';
import { moveVersion } from './approval.ts';
import {
  checkDraft,
  type DraftCheck,
  previewVariant,
  type TemplateDraft,
  type VariantPreview,
} from './draft.ts';
import {
  type BlockInput,
  type BlockUpdate,
  createBlock,
  createDraftTemplate,
  createTemplate,
  saveDraftTemplate,
  type TemplateInput,
  tenantInfo,
  updateTemplate,
  writeBlockVersion,
} from './library.ts';
import { type LintReport, lintTemplate, SAMPLE_VALUES } from './lint.ts';
import {
  type ContentChannel,
  findVariant,
  purposeClassOf,
  type ResolvedTemplate,
  type TemplateContent,
  type ValueBag,
} from './model.ts';
import { variantFields } from './render.ts';
import {
  allTemplateVersions,
  findBlock,
  findTemplate,
  findVersion,
  latestVersionNo,
  listBlocks,
  loadBlockVersions,
  resolveStored,
  type StoredBlock,
  type StoredVersion,
  templateVersions,
} from './store.ts';
import { isTokenName, parseTemplate, tokenSpec } from './tokens.ts';

/**
 * The content library service: storage, roles, validation and the approval workflow around the
 * pure core. Marketers (and owners) author; only an owner approves, never their own version,
 * and approving lints the exact content it freezes. Only the approved version of a template
 * renders for sending; a new version starts as a draft while the approved one keeps serving.
 */

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
