import type { Tx } from '../../db/index.ts';
import type { MessageRenderer } from '../delivery/index.ts';
import { PURPOSE_CLASSES } from '../policy/index.ts';
import type { ResolvedTemplate } from './model.ts';
import { render } from './render.ts';
import { findVersion, resolveStored, type StoredVersion } from './store.ts';

type Resolved = { state: StoredVersion['state']; template: ResolvedTemplate | undefined };

/**
 * Delivery's MessageRenderer over the stored library. Each claim transaction reads the state of
 * each version it renders once (not once per message), so a version retired after queueing never
 * sends; the resolved content of a version is cached, since an approved version and the block
 * versions it pins never change.
 */
export function storedContentRenderer(opts: { cacheSize?: number } = {}): MessageRenderer {
  const max = opts.cacheSize ?? 500;
  const cache = new Map<string, ResolvedTemplate>();
  const perTx = new WeakMap<Tx, Map<string, Promise<Resolved>>>();
  const resolved = async (
    tx: Tx,
    tenantId: string,
    templateId: string,
    version: number,
  ): Promise<Resolved> => {
    const v = await findVersion(tx, templateId, version);
    if (!v) return { state: 'draft' as const, template: undefined };
    if (v.state !== 'approved') return { state: v.state, template: undefined };
    const key = `${tenantId}/${templateId}@${version}`;
    let template = cache.get(key);
    if (!template) {
      const r = await resolveStored(tx, v);
      if (!r.ok) return { state: 'draft' as const, template: undefined };
      template = r.template;
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(key, template);
    }
    // The cached copy carries the state read just now.
    return { state: v.state, template: { ...template, version: { ...template.version, state: v.state } } };
  };
  return {
    async render(tx, input) {
      const { tenantId, content } = input;
      const seen = perTx.get(tx) ?? new Map<string, Promise<Resolved>>();
      perTx.set(tx, seen);
      const key = `${tenantId}/${content.templateId}@${content.version}`;
      const read = seen.get(key) ?? resolved(tx, tenantId, content.templateId, content.version);
      seen.set(key, read);
      const { state, template } = await read;
      if (!template) return { ok: false, errors: [{ code: 'NOT_SENDABLE', state }] };
      return render({
        template,
        channel: input.channel,
        language: input.language,
        purpose: input.purpose,
        allowedClasses: new Set(PURPOSE_CLASSES[input.purpose]),
        values: input.values,
        mode: 'send',
      });
    },
  };
}
