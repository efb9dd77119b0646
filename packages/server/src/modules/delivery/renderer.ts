import type { ResolvedTemplate } from '../content/index.ts';
import { render } from '../content/index.ts';
import { PURPOSE_CLASSES } from '../policy/index.ts';
import type { MessageRenderer } from './ports.ts';

/**
 * A renderer over a fixed catalogue of resolved templates, built on the pure content core in
 * `send` mode: drafts, templates in review and retired ones are refused, tokens are held to the
 * purpose's data classes, and lock-screen text is screened (R16). The content library replaces it
 * with one over its stored, approved versions; tests and benchmarks use this one.
 */
export function catalogueRenderer(templates: readonly ResolvedTemplate[]): MessageRenderer {
  const byKey = new Map(templates.map((t) => [`${t.version.templateId}@${t.version.version}`, t]));
  return {
    async render(_tx, input) {
      const template = byKey.get(`${input.content.templateId}@${input.content.version}`);
      if (!template) return { ok: false, errors: [{ code: 'NOT_SENDABLE', state: 'draft' }] };
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
