import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/db/index.ts';
import type { App } from '../../src/interfaces/http/types.ts';
import type { Scope } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import {
  type BlockRef,
  lintTemplate,
  loadApproved,
  PLAYBOOK_TEMPLATE_KEYS,
  renderApproved,
  SAMPLE_VALUES,
  seedPlaybookContent,
  storedContentRenderer,
  type TemplateContent,
} from '../../src/modules/content/index.ts';
import { appWithLog, signIn } from '../http/support.ts';
import {
  createTestTenant,
  registerTestPatient,
  staffScope,
  type TestTenant,
  testCareloop,
} from '../support/careloop.ts';

let careloop: Careloop;
let app: App;
let t: TestTenant;
let patientId: string;
const refs: Record<string, BlockRef> = {};

beforeAll(async () => {
  careloop = await testCareloop();
  ({ app } = await appWithLog(careloop));
  t = await createTestTenant(careloop, ['owner', 'marketer', 'front_desk', 'analyst']);
  patientId = await registerTestPatient(careloop, t.tenantId);
  await careloop.db.tenant(t.tenantId, (tx) => seedPlaybookContent(tx, careloop.clock, marketer(), owner()));
  for (const b of await careloop.content.listBlocks(owner()))
    refs[b.key] = { blockId: b.id, version: b.version };
}, 60_000);
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

const marketer = (purpose: Scope['purpose'] = 'marketing.general') =>
  staffScope(t.tenantId, 'marketer', purpose, t.users.marketer.id);
const owner = (purpose: Scope['purpose'] = 'marketing.general') =>
  staffScope(t.tenantId, 'owner', purpose, t.users.owner.id);
const system = (purpose: Scope['purpose']): Scope => ({
  tenantId: t.tenantId,
  actor: { kind: 'system', name: 'delivery' },
  purpose,
});

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

let serial = 0;
const adContent = (blocks: string[], extra: Partial<TemplateContent> = {}): TemplateContent => ({
  name: `Test ${++serial}`,
  purpose: 'advertising',
  kind: 'standard',
  medical: true,
  blocks: blocks.map((k) => refs[k]!),
  variants: [
    { channel: 'sms', language: 'ru' },
    { channel: 'email', language: 'ru', subject: 'Новости клиники', preheader: 'Подробности внутри' },
  ],
  ...extra,
});

const sendable = async (key: string, purpose: Scope['purpose'] = 'marketing.general') => {
  const approved = await careloop.db.tenant(t.tenantId, (tx) => loadApproved(tx, [key]));
  return renderApproved(system(purpose), approved.get(key), {
    channel: 'sms',
    language: 'ru',
    values: SAMPLE_VALUES,
  });
};

describe('playbook library', () => {
  it('R13–R16, R18, R21: every playbook template is approved and lint-clean in every jurisdiction', async () => {
    // Seeding again changes nothing.
    const again = await careloop.db.tenant(t.tenantId, (tx) =>
      seedPlaybookContent(tx, careloop.clock, marketer(), owner()),
    );
    expect(again.map((x) => x.version)).toEqual(again.map(() => 1));
    const list = await careloop.content.listTemplates(owner());
    expect(list.map((x) => x.key).sort()).toEqual(Object.values(PLAYBOOK_TEMPLATE_KEYS).sort());
    expect(list.every((x) => x.approvedVersion === 1 && x.latest.state === 'approved')).toBe(true);
    const approved = await careloop.db.tenant(t.tenantId, (tx) =>
      loadApproved(tx, Object.values(PLAYBOOK_TEMPLATE_KEYS)),
    );
    for (const key of Object.values(PLAYBOOK_TEMPLATE_KEYS)) {
      const a = approved.get(key)!;
      expect(a.version.authorId).toBe(`staff:${t.users.marketer.id}`);
      expect(a.version.approvedBy).toBe(`staff:${t.users.owner.id}`);
      const report = lintTemplate(a.template, { jurisdictions: ['RU', 'EU', 'US'] });
      expect(report.findings, key).toEqual([]);
      expect(a.version.content.variants.map((v) => `${v.channel}.${v.language}`).sort()).toEqual([
        'email.en',
        'email.ru',
        'messenger.en',
        'messenger.ru',
        'sms.en',
        'sms.ru',
      ]);
    }
  });

  it('renders each playbook for sending under its own purpose, with SMS parts counted in UCS-2', async () => {
    const r = await sendable('recall');
    expect(r.ok).toBe(true);
    if (r.ok && r.message.channel === 'sms') {
      expect(r.message.sms.text).toContain('Уважаемая Анна Петровна!');
      expect(r.message.sms.text).toContain('Имеются противопоказания');
      expect(r.message.sms.encoding).toBe('ucs2');
      expect(r.message.sms.parts).toBeGreaterThan(1);
    }
    expect((await sendable('reminder.appointment', 'care.appointment')).ok).toBe(true);
    expect((await sendable('feedback.nps', 'service.feedback')).ok).toBe(true);
    expect((await sendable('screening.mammography', 'marketing.health')).ok).toBe(true);
    // A care reminder is not advertising: it never goes out under a marketing purpose.
    const wrong = await sendable('reminder.appointment', 'marketing.general');
    expect(wrong.ok ? [] : wrong.errors.map((e) => e.code)).toContain('PURPOSE_MISMATCH');
  });
});

describe('approval workflow', () => {
  it('the author cannot approve their own version; a marketer cannot approve at all', async () => {
    const v = await careloop.content.createTemplate(owner(), {
      key: 'own-approval',
      sendPurpose: 'marketing.general',
      content: adContent(['greeting.formal', 'recall.body', 'cta.book', 'footer.advertising']),
    });
    expect(v.state).toBe('draft');
    await careloop.content.submit(owner(), v.templateId, 1);
    expect(await code(careloop.content.approve(owner(), v.templateId, 1))).toBe('CONTENT_APPROVER_IS_AUTHOR');
    expect(await code(careloop.content.approve(marketer(), v.templateId, 1))).toBe('ROLE_NOT_PERMITTED');
    expect((await careloop.content.getTemplate(owner(), 'own-approval')).versions[0]!.state).toBe(
      'in_review',
    );
  });

  it('R14: lint errors block submission (no medical warning); the draft stays a draft', async () => {
    const v = await careloop.content.createTemplate(marketer(), {
      key: 'no-warning',
      sendPurpose: 'marketing.general',
      content: adContent(['greeting.formal', 'recall.body', 'cta.book', 'footer.service']),
    });
    expect(v.lint?.findings.some((f) => f.rule === 'R14' && f.severity === 'error')).toBe(true);
    const refusal = await careloop.content.submit(marketer(), 'no-warning', 1).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'CONTENT_LINT_FAILED' });
    expect((refusal as { details: { issue: string }[] }).details.some((d) => d.issue.startsWith('R14'))).toBe(
      true,
    );
    expect((await careloop.content.getTemplate(marketer(), 'no-warning')).versions[0]!.state).toBe('draft');
    expect(await sendable('no-warning')).toMatchObject({ ok: false });
  });

  it('R14: approval lints again — a rule that applies by then refuses — and the reviewer sends it back', async () => {
    const jurisdiction = (j: 'RU' | 'EU') =>
      careloop.db.system((tx) =>
        tx.updateTable('tenants').set({ jurisdiction: j }).where('tenant_id', '=', t.tenantId).execute(),
      );
    const footer = await careloop.content.createBlock(marketer(), {
      key: 'footer.eu-only',
      kind: 'legal_footer',
      content: {
        ru: {
          text: 'Реклама. {{clinic.name}}, {{clinic.postal_address}}. Отписаться: {{unsubscribe_url}}',
          sms: 'Отказ: {{preferences_url}}',
        },
      },
    });
    const content = adContent(['greeting.formal', 'recall.body', 'cta.book'], {
      blocks: [
        refs['greeting.formal']!,
        refs['recall.body']!,
        refs['cta.book']!,
        { blockId: footer.id, version: 1 },
      ],
    });
    try {
      // Written and submitted under EU rules, which ask for no Russian medical warning…
      await jurisdiction('EU');
      await careloop.content.createTemplate(marketer(), {
        key: 'eu-only',
        sendPurpose: 'marketing.general',
        content,
      });
      expect((await careloop.content.submit(marketer(), 'eu-only', 1)).state).toBe('in_review');
      // …and reviewed once the clinic is under Russian rules again.
      await jurisdiction('RU');
      const refusal = await careloop.content.approve(owner(), 'eu-only', 1).catch((e: unknown) => e);
      expect(refusal).toMatchObject({ code: 'CONTENT_LINT_FAILED' });
      expect(
        (refusal as { details: { issue: string }[] }).details.some((d) => d.issue.startsWith('R14')),
      ).toBe(true);
    } finally {
      await jurisdiction('RU');
    }
    expect(await sendable('eu-only')).toMatchObject({ ok: false });
    const back = await careloop.content.reject(owner(), 'eu-only', 1, 'Add the warning');
    expect(back).toMatchObject({ state: 'draft', reviewNote: 'Add the warning' });
  });

  it('a new version starts as a draft while the approved one keeps sending; approving it retires the old', async () => {
    const key = 'versioned';
    const blocks = ['greeting.formal', 'recall.body', 'cta.book', 'footer.advertising'];
    await careloop.content.createTemplate(marketer(), {
      key,
      sendPurpose: 'marketing.general',
      content: adContent(blocks),
    });
    await careloop.content.submit(marketer(), key, 1);
    await careloop.content.approve(owner(), key, 1);
    expect(await sendable(key)).toMatchObject({ ok: true, version: 1 });

    const v2 = await careloop.content.updateTemplate(
      marketer(),
      key,
      adContent(['greeting.formal', 'announcement.body', 'cta.book', 'footer.advertising']),
    );
    expect(v2).toMatchObject({ version: 2, state: 'draft' });
    expect(await sendable(key)).toMatchObject({ ok: true, version: 1 });
    // Under review, a version is frozen.
    await careloop.content.submit(marketer(), key, 2);
    expect(await code(careloop.content.updateTemplate(marketer(), key, adContent(blocks)))).toBe('CONFLICT');
    await careloop.content.approve(owner(), key, 2);
    expect(await sendable(key)).toMatchObject({ ok: true, version: 2 });
    const detail = await careloop.content.getTemplate(marketer(), key);
    expect(detail.versions.map((v) => v.state)).toEqual(['retired', 'approved']);
  });

  it('a retired template is never sendable', async () => {
    const key = 'to-retire';
    await careloop.content.createTemplate(marketer(), {
      key,
      sendPurpose: 'marketing.general',
      content: adContent(['greeting.formal', 'recall.body', 'cta.book', 'footer.advertising']),
    });
    expect(await sendable(key)).toMatchObject({ ok: false });
    await careloop.content.submit(marketer(), key, 1);
    await careloop.content.approve(owner(), key, 1);
    expect(await sendable(key)).toMatchObject({ ok: true });
    expect(await code(careloop.content.retire(marketer(), key, 1))).toBe('ROLE_NOT_PERMITTED');
    await careloop.content.retire(owner(), key, 1);
    expect(await sendable(key)).toMatchObject({ ok: false });
    expect(await code(careloop.content.approve(owner(), key, 1))).toBe('CONFLICT');
    const audit = await careloop.db.tenant(t.tenantId, (tx) =>
      sql<{
        action: string;
      }>`SELECT action FROM audit_log WHERE action LIKE 'content.template.%' ORDER BY seq`.execute(tx),
    );
    expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['content.template.retired']));
  });
  it('delivery’s stored renderer reads a version’s state once per claim transaction; a retire shows in the next one', async () => {
    const key = 'renderer-reads';
    await careloop.content.createTemplate(marketer(), {
      key,
      sendPurpose: 'marketing.general',
      content: adContent(['greeting.formal', 'recall.body', 'cta.book', 'footer.advertising']),
    });
    await careloop.content.submit(marketer(), key, 1);
    await careloop.content.approve(owner(), key, 1);
    const approved = await careloop.db.tenant(t.tenantId, (tx) => loadApproved(tx, [key]));
    const templateId = approved.get(key)?.version.templateId as string;
    const renderer = storedContentRenderer();
    const input = {
      tenantId: t.tenantId,
      content: { templateId, version: 1 },
      channel: 'sms' as const,
      language: 'ru' as const,
      purpose: 'marketing.general' as const,
      values: SAMPLE_VALUES,
    };
    /** The transaction, counting the queries started on it. */
    const counted = (tx: Tx) => {
      const n = { reads: 0 };
      const proxy = new Proxy(tx, {
        get(target, p) {
          if (p === 'selectFrom') n.reads++;
          const v = Reflect.get(target, p, target) as unknown;
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      return { tx: proxy, n };
    };
    const reads = await careloop.db.tenant(t.tenantId, async (raw) => {
      const { tx, n } = counted(raw);
      expect(await renderer.render(tx, input)).toMatchObject({ ok: true });
      const first = n.reads;
      for (let i = 0; i < 5; i++) expect(await renderer.render(tx, input)).toMatchObject({ ok: true });
      return { first, after: n.reads };
    });
    expect(reads.first).toBeGreaterThan(0);
    expect(reads.after).toBe(reads.first);
    await careloop.content.retire(owner(), key, 1);
    const next = await careloop.db.tenant(t.tenantId, (raw) => renderer.render(counted(raw).tx, input));
    expect(next).toMatchObject({ ok: false, errors: [{ code: 'NOT_SENDABLE', state: 'retired' }] });
  });
});

describe('personalisation tokens under the purpose', () => {
  it('R6/DESIGN §2: a general-marketing template cannot use a token that reveals the specialty', async () => {
    const block = await careloop.content.createBlock(marketer(), {
      key: 'specialty.body',
      kind: 'body',
      content: { ru: { text: 'Ваш врач: {{slot.doctor}}.', sms: null } },
    });
    const content = adContent(['greeting.formal', 'specialty.body', 'cta.book', 'footer.advertising'], {
      blocks: [
        refs['greeting.formal']!,
        { blockId: block.id, version: 1 },
        refs['cta.book']!,
        refs['footer.advertising']!,
      ],
    });
    const refusal = await careloop.content
      .createTemplate(marketer(), { key: 'specialty-general', sendPurpose: 'marketing.general', content })
      .catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((refusal as { details: { issue: string }[] }).details.map((d) => d.issue)).toContain(
      'TOKEN_CLASS_NOT_ALLOWED:slot.doctor',
    );
    // The same content is allowed for health-based marketing, where the purpose permits it…
    await careloop.content.createTemplate(marketer(), {
      key: 'specialty-health',
      sendPurpose: 'marketing.health',
      content,
    });
    await careloop.content.submit(marketer(), 'specialty-health', 1);
    await careloop.content.approve(owner(), 'specialty-health', 1);
    const approved = await careloop.db.tenant(t.tenantId, (tx) => loadApproved(tx, ['specialty-health']));
    const email = (purpose: Scope['purpose']) =>
      renderApproved(system(purpose), approved.get('specialty-health'), {
        channel: 'email',
        language: 'ru',
        values: SAMPLE_VALUES,
      });
    expect(email('marketing.health').ok).toBe(true);
    // …and refused at render under a purpose that does not allow the class.
    const r = email('marketing.general');
    expect(r.ok ? [] : r.errors.map((e) => e.code)).toContain('TOKEN_CLASS_NOT_ALLOWED');
  });

  it('rejects unknown tokens and malformed braces when a block is saved', async () => {
    expect(
      await code(
        careloop.content.createBlock(marketer(), {
          key: 'bad.tokens',
          kind: 'body',
          content: { ru: { text: 'Привет, {{patient.diagnosis}} и {{broken' } },
        }),
      ),
    ).toBe('VALIDATION_FAILED');
  });
});

describe('preview', () => {
  it('shows sample SMS parts and lint findings for a draft, which is not sendable', async () => {
    const p = await careloop.content.preview(marketer(), 'no-warning', { channel: 'sms', language: 'ru' });
    expect(p).toMatchObject({ state: 'draft', sendable: false });
    expect(p.sms?.encoding).toBe('ucs2');
    expect(p.sms?.parts).toBeGreaterThanOrEqual(1);
    expect(p.findings.some((f) => f.rule === 'R14')).toBe(true);
  });

  it('renders for a given patient under a permitted purpose, audited; refused to a role without access', async () => {
    const p = await careloop.content.preview(marketer(), 'birthday', {
      channel: 'email',
      language: 'ru',
      patientId,
    });
    expect(p.message?.channel).toBe('email');
    expect(JSON.stringify(p.message)).toContain('Уважаемая Анна Петровна');
    const audit = await careloop.db.tenant(t.tenantId, (tx) =>
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'content.previewed' AND subject_id = ${patientId}`.execute(
        tx,
      ),
    );
    expect(audit.rows[0]!.n).toBe(1);
    // A care reminder previewed under a marketing purpose would be the wrong purpose for this patient.
    expect(
      await code(
        careloop.content.preview(marketer(), 'reminder.appointment', {
          channel: 'sms',
          language: 'ru',
          patientId,
        }),
      ),
    ).toBe('PURPOSE_NOT_PERMITTED');
    const analyst = staffScope(t.tenantId, 'analyst', 'analytics.aggregate', t.users.analyst.id);
    expect(
      await code(careloop.content.preview(analyst, 'birthday', { channel: 'sms', language: 'ru' })),
    ).toBe('ROLE_NOT_PERMITTED');
  });
});

describe('content API', () => {
  it('marketers author and submit; only the owner approves; previews answer with parts and findings', async () => {
    const s = {
      marketer: await signIn(app, t.users.marketer.email, t.users.marketer.password),
      owner: await signIn(app, t.users.owner.email, t.users.owner.password),
      front_desk: await signIn(app, t.users.front_desk.email, t.users.front_desk.password),
    };
    const h = (role: keyof typeof s) => ({ cookie: s[role].cookie, 'x-csrf-token': s[role].csrf });
    const list = await app.inject({ method: 'GET', url: '/api/content/templates', headers: h('front_desk') });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { key: string }[]).map((x) => x.key)).toContain('recall');

    const created = await app.inject({
      method: 'POST',
      url: '/api/content/templates',
      headers: h('marketer'),
      payload: {
        key: 'api-made',
        sendPurpose: 'marketing.general',
        content: adContent(['greeting.formal', 'recall.body', 'cta.book', 'footer.advertising']),
      },
    });
    expect(created.statusCode).toBe(201);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/content/templates',
          headers: h('front_desk'),
          payload: { key: 'desk', sendPurpose: 'marketing.general', content: adContent(['recall.body']) },
        })
      ).statusCode,
    ).toBe(403);
    const step = (role: keyof typeof s, what: string) =>
      app.inject({
        method: 'POST',
        url: `/api/content/templates/api-made/versions/1/${what}`,
        headers: h(role),
      });
    expect((await step('marketer', 'submit')).statusCode).toBe(200);
    expect((await step('marketer', 'approve')).statusCode).toBe(403);
    const ok = await step('owner', 'approve');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'approved', lint: { findings: [] } });

    const preview = await app.inject({
      method: 'POST',
      url: '/api/content/templates/api-made/preview',
      headers: h('marketer'),
      payload: { channel: 'sms', language: 'ru' },
    });
    expect(preview.statusCode).toBe(200);
    const body = preview.json() as {
      sendable: boolean;
      sms: { parts: number; encoding: string };
      message: object;
    };
    expect(body).toMatchObject({ sendable: true, sms: { encoding: 'ucs2' } });
    expect(body.sms.parts).toBeGreaterThan(1);
    expect(body.message).toMatchObject({ channel: 'sms' });
  });
});
