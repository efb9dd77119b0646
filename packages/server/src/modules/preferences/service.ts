import type { Channel } from '@careloop/contracts';
import { AppError, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { ADS_KINDS, adsKindFor, BASE_KINDS, recordConsent, requiresWrittenForm } from '../consent/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { unsealPatient } from '../patients/index.ts';
import { issueLink, type LinkPurpose, type PatientLink, resolveLink } from './links.ts';
import { kindText } from './texts.ts';

export interface PreferenceItem {
  readonly kind: string;
  readonly text: string;
  readonly granted: boolean;
  readonly since: Date | null;
  /** Granted only on paper or with an e-signature, never from this page. */
  readonly writtenOnly: boolean;
  /** Whether the page can grant it: a published text exists and no written form is needed. */
  readonly grantable: boolean;
}

export interface PreferenceView {
  readonly lang: 'ru' | 'en';
  readonly clinic: string;
  readonly firstName: string | undefined;
  readonly channel: Channel | null;
  readonly items: readonly PreferenceItem[];
}

export interface RequestMeta {
  readonly ip: string;
  readonly userAgent: string;
}

const PAGE_KINDS = [...BASE_KINDS.filter((k) => k !== 'pd.distribution'), ...ADS_KINDS];

/** The patient acting on their own record through a link: no staff role involved. */
const selfScope = (link: PatientLink): Scope => ({
  tenantId: link.tenantId,
  actor: { kind: 'patient', patientId: link.patientId },
  purpose: 'subject.rights',
});

export class PreferenceService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  async #link(token: string, purpose?: LinkPurpose): Promise<PatientLink> {
    const link = await resolveLink(this.#deps.db, this.#deps.clock, token);
    // Unsubscribe links open the preference page too; preference links never unsubscribe by themselves.
    if (!link || (purpose === 'unsubscribe' && link.purpose !== 'unsubscribe'))
      throw new AppError('NOT_FOUND', 'This link is not valid.');
    return link;
  }

  /** Staff hand a patient a link to their page (at the desk, in a message). */
  async issue(scope: Scope, patientId: string, purpose: LinkPurpose, channel?: Channel): Promise<string> {
    if (scope.actor.kind === 'staff' && !['owner', 'front_desk', 'auditor'].includes(scope.actor.role)) {
      throw new AppError('ROLE_NOT_PERMITTED');
    }
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const p = await tx
        .selectFrom('patients')
        .select(['id', 'status'])
        .where('id', '=', patientId)
        .executeTakeFirst();
      if (p?.status !== 'active') throw new AppError('NOT_FOUND', 'No such patient.');
      const token = await issueLink(tx, this.#deps.clock, {
        tenantId: scope.tenantId,
        patientId,
        purpose,
        ...(channel ? { channel } : {}),
      });
      await appendAudit(tx, this.#deps.clock, auditContextOf(scope), [
        {
          action: 'patient_link.issued',
          outcome: 'done',
          subjectType: 'patient',
          subjectId: patientId,
          details: { purpose },
        },
      ]);
      return token;
    });
  }

  async view(token: string): Promise<PreferenceView> {
    const link = await this.#link(token);
    const { db, vault, clock } = this.#deps;
    return db.tenant(link.tenantId, async (tx) => {
      const keys = await vault.forTenant(tx, link.tenantId);
      const p = await tx
        .selectFrom('patients')
        .select(['id', 'language', 'key_version', 'key_wrapped', 'identity_enc', 'contact_enc'])
        .where('id', '=', link.patientId)
        .executeTakeFirstOrThrow();
      const tenant = await tx
        .selectFrom('tenants')
        .select('name')
        .where('tenant_id', '=', link.tenantId)
        .executeTakeFirstOrThrow();
      const state = await tx
        .selectFrom('consent_state')
        .selectAll()
        .where('patient_id', '=', link.patientId)
        .execute();
      const published = new Set(
        (
          await tx
            .selectFrom('consent_documents')
            .select('kind')
            .where('status', '=', 'published')
            .where('locale', '=', 'ru')
            .execute()
        ).map((d) => d.kind),
      );
      const now = clock.now();
      const lang = p.language;
      const kinds = [...new Set([...PAGE_KINDS, ...state.map((s) => s.kind)])];
      await appendAudit(tx, clock, auditContextOf(selfScope(link)), [
        {
          action: 'preferences.viewed',
          outcome: 'allowed',
          subjectType: 'patient',
          subjectId: link.patientId,
        },
      ]);
      return {
        lang,
        clinic: tenant.name,
        firstName: unsealPatient(keys, p, { identity: true, contact: false }).identity?.firstName,
        channel: link.channel,
        items: kinds.map((kind) => {
          const s = state.find((x) => x.kind === kind);
          const granted = s?.status === 'granted' && (s.expires_at === null || new Date(s.expires_at) > now);
          return {
            kind,
            text: kindText(kind, lang),
            granted,
            since: s ? new Date(s.since) : null,
            writtenOnly: requiresWrittenForm(kind),
            grantable: !requiresWrittenForm(kind) && published.has(kind),
          };
        }),
      };
    });
  }

  /** One tap either way (R8): granting records the form's proof; withdrawing needs nothing. */
  async change(token: string, kind: string, action: 'grant' | 'withdraw', meta: RequestMeta): Promise<void> {
    const link = await this.#link(token);
    const { db, vault, clock } = this.#deps;
    await db.tenant(link.tenantId, async (tx) => {
      const keys = await vault.forTenant(tx, link.tenantId);
      if (action === 'withdraw') {
        await recordConsent(tx, keys, clock, selfScope(link), link.patientId, {
          kind,
          event: 'withdrawn',
          captureMethod: 'preference_page',
        });
        return;
      }
      if (requiresWrittenForm(kind))
        throw new AppError('CONFLICT', 'This consent is given in writing at the clinic.');
      const doc = await tx
        .selectFrom('consent_documents')
        .select('id')
        .where('kind', '=', kind)
        .where('status', '=', 'published')
        .where('locale', '=', 'ru')
        .executeTakeFirst();
      if (!doc) throw new AppError('NOT_FOUND', 'There is no consent text to agree to.');
      await recordConsent(tx, keys, clock, selfScope(link), link.patientId, {
        kind,
        event: 'granted',
        captureMethod: 'web_form',
        documentId: doc.id,
        evidence: { ip: meta.ip, userAgent: meta.userAgent.slice(0, 300) },
      });
    });
  }

  /** RFC 8058 one-click unsubscribe: idempotent, no session, no cookies. */
  async unsubscribe(token: string): Promise<{ changed: boolean; channel: Channel }> {
    const link = await this.#link(token, 'unsubscribe');
    const channel = link.channel ?? 'email';
    const { db, vault, clock } = this.#deps;
    return db.tenant(link.tenantId, async (tx) => {
      const keys = await vault.forTenant(tx, link.tenantId);
      const r = await recordConsent(tx, keys, clock, selfScope(link), link.patientId, {
        kind: adsKindFor(channel),
        event: 'withdrawn',
        captureMethod: 'unsubscribe_link',
      });
      return { changed: r.changed, channel };
    });
  }

  /** What the unsubscribe confirmation page names, without changing anything. */
  async unsubscribeTarget(token: string): Promise<{ channel: Channel; lang: 'ru' | 'en' }> {
    const link = await this.#link(token, 'unsubscribe');
    const lang = await this.#deps.db.tenant(
      link.tenantId,
      async (tx) =>
        (
          await tx
            .selectFrom('patients')
            .select('language')
            .where('id', '=', link.patientId)
            .executeTakeFirstOrThrow()
        ).language,
    );
    return { channel: link.channel ?? 'email', lang };
  }
}
