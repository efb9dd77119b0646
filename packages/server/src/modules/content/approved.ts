import type { DataClass, Language } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import type { Scope } from '../../kernel/index.ts';
import { classesFor } from '../policy/index.ts';
import type { ContentChannel, ResolvedTemplate, ValueBag } from './model.ts';
import { type RenderError, type RenderedMessage, render } from './render.ts';
import { approvedVersions, resolveMany, type StoredVersion } from './store.ts';

export interface ApprovedTemplate {
  readonly version: StoredVersion;
  readonly template: ResolvedTemplate;
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
  | {
      ok: true;
      message: RenderedMessage;
      disclosed: readonly DataClass[];
      templateId: string;
      version: number;
    }
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
        disclosed: r.disclosed,
        templateId: approved.version.templateId,
        version: approved.version.version,
      }
    : r;
}
