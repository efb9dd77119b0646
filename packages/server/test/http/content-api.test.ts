import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { seedPlaybookContent } from '../../src/modules/content/index.ts';
import { createTestTenant, staffScope, type TestTenant, testCareloop } from '../support/careloop.ts';
import { appWithLog, signIn } from './support.ts';

/**
 * The content editor's API: an unsaved draft is checked (findings by block position, SMS parts),
 * saved with its block texts inline in one transaction, and moved through review by HTTP.
 */

let careloop: Careloop;
let app: App;
let t: TestTenant;
const s: Record<string, { cookie: string; csrf: string }> = {};
const ROLES = ['owner', 'marketer', 'analyst'] as const;
const lib: Record<string, { id: string; version: number; kind: string; content: unknown; url?: string }> = {};

beforeAll(async () => {
  careloop = await testCareloop();
  ({ app } = await appWithLog(careloop));
  t = await createTestTenant(careloop, ROLES);
  const scope = (role: 'owner' | 'marketer') =>
    staffScope(t.tenantId, role, 'marketing.general', t.users[role].id);
  await careloop.db.tenant(t.tenantId, (tx) =>
    seedPlaybookContent(tx, careloop.clock, scope('marketer'), scope('owner')),
  );
  for (const role of ROLES) s[role] = await signIn(app, t.users[role].email, t.users[role].password);
  const blocks = await app.inject({ method: 'GET', url: '/api/content/blocks', headers: h('marketer') });
  for (const b of blocks.json() as (typeof lib)[string][] & { key: string }[]) lib[b.key] = b;
}, 60_000);
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

const h = (role: string) => ({ cookie: s[role]!.cookie, 'x-csrf-token': s[role]!.csrf });
const call = (role: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  app.inject({ method, url, headers: h(role), ...(payload ? { payload } : {}) });

/** A library block as the editor holds it: loaded from this exact version. */
const fromLibrary = (key: string) => {
  const b = lib[key]!;
  return {
    blockId: b.id,
    version: b.version,
    kind: b.kind,
    content: b.content,
    ...(b.url !== undefined ? { url: b.url } : {}),
  };
};

const CLAIM = 'У вас гипертония? Запишитесь на приём к кардиологу.';
const FINE = 'Самое время запланировать профилактический осмотр.';

const draft = (body: string, extra: { blockId?: string; version?: number } = {}) => ({
  name: 'Осенний осмотр',
  purpose: 'advertising',
  kind: 'standard',
  medical: true,
  blocks: [
    fromLibrary('greeting.formal'),
    { ...extra, kind: 'body', content: { ru: { text: body } } },
    fromLibrary('cta.book'),
    fromLibrary('footer.advertising'),
  ],
  variants: [
    { channel: 'sms', language: 'ru' },
    { channel: 'email', language: 'ru', subject: 'Пора на осмотр', preheader: 'Клиника рядом' },
  ],
});

type Finding = { rule: string; severity: string; field: string; message_ru: string; message_en: string };
type Version = {
  templateId: string;
  version: number;
  state: string;
  content: { blocks: { blockId: string; version: number }[] };
  lint: { findings: Finding[] };
  authorName?: string;
  approverName?: string;
  approvedAt?: string;
  reviewNote: string | null;
};
type Detail = { versions: Version[]; blocks: { id: string; key: string; version: number; kind: string }[] };

const countTemplates = async () =>
  (
    await careloop.db.tenant(t.tenantId, (tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM content_template_versions`.execute(tx),
    )
  ).rows[0]!.n;

describe('checking an unsaved draft', () => {
  it('R15/R16: names each finding by rule and block position, counts SMS parts in UCS-2, and writes nothing', async () => {
    const before = await countTemplates();
    const res = await call('marketer', 'POST', '/api/content/drafts/check', {
      sendPurpose: 'marketing.general',
      draft: draft(CLAIM),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      purpose: string;
      findings: Finding[];
      previews: { channel: string; language: string; sms: { encoding: string; parts: number } | null }[];
    };
    expect(body.purpose).toBe('advertising');
    const r15 = body.findings.filter((f) => f.rule === 'R15' && f.severity === 'error');
    expect(r15.length).toBeGreaterThan(0);
    expect(r15[0]!.message_ru).toContain('заболевания');
    expect(r15[0]!.message_en).toContain('disease');
    // The claim is quoted from the body block, so the finding names that block (by position) in each variant.
    expect(r15.map((f) => f.field).sort()).toEqual(['email.ru.block:b1', 'sms.ru.block:b1']);
    const sms = body.previews.find((p) => p.channel === 'sms')!;
    expect(sms.sms?.encoding).toBe('ucs2');
    expect(sms.sms?.parts).toBeGreaterThan(1);
    expect(body.previews.map((p) => `${p.channel}.${p.language}`)).toEqual(['sms.ru', 'email.ru']);
    expect(await countTemplates()).toBe(before);

    // A broken token is reported on the block that holds it, by position; so is a purpose mismatch.
    const broken = await call('marketer', 'POST', '/api/content/drafts/check', {
      sendPurpose: 'care.appointment',
      draft: draft('Ждём вас, {{patient.diagnosis}}.'),
    });
    const findings = (broken.json() as { findings: Finding[] }).findings;
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'STRUCTURE', field: 'sms.ru.block:b1' }),
        expect.objectContaining({ rule: 'R13', field: 'purpose' }),
      ]),
    );
    // The clean text passes.
    const clean = await call('marketer', 'POST', '/api/content/drafts/check', {
      sendPurpose: 'marketing.general',
      draft: draft(FINE),
    });
    expect((clean.json() as { findings: Finding[] }).findings).toEqual([]);
    // Roles outside the library are refused.
    expect(
      (
        await call('analyst', 'POST', '/api/content/drafts/check', {
          sendPurpose: 'marketing.general',
          draft: draft(FINE),
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('saving drafts and the review workflow over HTTP', () => {
  it('R13–R15: a marketer saves a draft with its texts inline, cannot submit it with errors, fixes it and submits; the owner approves; names and times in the history', async () => {
    const created = await call('marketer', 'POST', '/api/content/drafts', {
      key: 'autumn',
      sendPurpose: 'marketing.general',
      draft: draft(CLAIM),
    });
    expect(created.statusCode).toBe(201);
    const v1 = created.json() as Version;
    expect(v1).toMatchObject({ version: 1, state: 'draft' });
    expect(v1.lint.findings.some((f) => f.rule === 'R15')).toBe(true);

    // Library texts as loaded keep their versions; the new text is a block keyed after the template.
    let detail = (await call('marketer', 'GET', '/api/content/templates/autumn')).json() as Detail;
    const pinned = detail.versions[0]!.content.blocks;
    expect(pinned[0]).toEqual({
      blockId: lib['greeting.formal']!.id,
      version: lib['greeting.formal']!.version,
    });
    const body = detail.blocks.find((b) => b.id === pinned[1]!.blockId)!;
    expect(body).toMatchObject({ key: 'autumn.body', kind: 'body', version: 1 });
    expect(detail.versions[0]!.authorName).toBe(`marketer ${t.slug}`);

    const submit = (role: string, v = 1) =>
      call(role, 'POST', `/api/content/templates/autumn/versions/${v}/submit`);
    const refused = await submit('marketer');
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ error: { code: 'CONTENT_LINT_FAILED' } });
    expect(
      (refused.json() as { error: { details: { issue: string }[] } }).error.details.some((d) =>
        d.issue.startsWith('R15'),
      ),
    ).toBe(true);

    // The fix edits the same draft version; the changed text becomes the block's next version.
    const saved = await call('marketer', 'PUT', '/api/content/drafts/autumn', {
      draft: draft(FINE, { blockId: body.id, version: 1 }),
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ version: 1, state: 'draft', lint: { findings: [] } });
    detail = (await call('marketer', 'GET', '/api/content/templates/autumn')).json() as Detail;
    expect(detail.versions[0]!.content.blocks[1]).toEqual({ blockId: body.id, version: 2 });
    expect(detail.versions[0]!.content.blocks[3]).toEqual({
      blockId: lib['footer.advertising']!.id,
      version: lib['footer.advertising']!.version,
    });

    expect((await submit('marketer')).statusCode).toBe(200);
    // Under review, the draft is frozen.
    expect(
      (await call('marketer', 'PUT', '/api/content/drafts/autumn', { draft: draft(FINE) })).statusCode,
    ).toBe(409);
    const byMarketer = await call('marketer', 'POST', '/api/content/templates/autumn/versions/1/approve');
    expect(byMarketer.statusCode).toBe(403);
    expect(byMarketer.json()).toMatchObject({ error: { code: 'ROLE_NOT_PERMITTED' } });
    const approved = await call('owner', 'POST', '/api/content/templates/autumn/versions/1/approve');
    expect(approved.statusCode).toBe(200);

    detail = (await call('marketer', 'GET', '/api/content/templates/autumn')).json() as Detail;
    expect(detail.versions[0]).toMatchObject({
      state: 'approved',
      authorName: `marketer ${t.slug}`,
      approverName: `owner ${t.slug}`,
    });
    expect(Date.parse(detail.versions[0]!.approvedAt!)).not.toBeNaN();
  });

  it('the author of a version cannot approve it, even as owner; the reviewer sends it back with a reason; an owner retires', async () => {
    // The owner writes version 2 while version 1 keeps sending.
    const detail = (await call('owner', 'GET', '/api/content/templates/autumn')).json() as Detail;
    const bodyRef = detail.versions[0]!.content.blocks[1]!;
    const v2 = await call('owner', 'PUT', '/api/content/drafts/autumn', {
      draft: draft(`${FINE} Ждём вас.`, { blockId: bodyRef.blockId, version: bodyRef.version }),
    });
    expect(v2.json()).toMatchObject({ version: 2, state: 'draft' });
    expect((await call('owner', 'POST', '/api/content/templates/autumn/versions/2/submit')).statusCode).toBe(
      200,
    );
    const own = await call('owner', 'POST', '/api/content/templates/autumn/versions/2/approve');
    expect(own.statusCode).toBe(403);
    expect(own.json()).toMatchObject({ error: { code: 'CONTENT_APPROVER_IS_AUTHOR' } });

    const back = await call('owner', 'POST', '/api/content/templates/autumn/versions/2/reject', {
      note: 'Короче, пожалуйста',
    });
    expect(back.json()).toMatchObject({ state: 'draft', reviewNote: 'Короче, пожалуйста' });

    expect(
      (await call('marketer', 'POST', '/api/content/templates/autumn/versions/1/retire')).statusCode,
    ).toBe(403);
    const retired = await call('owner', 'POST', '/api/content/templates/autumn/versions/1/retire');
    expect(retired.json()).toMatchObject({ state: 'retired' });
    const list = (await call('marketer', 'GET', '/api/content/templates')).json() as {
      key: string;
      approvedVersion: number | null;
      latest: { version: number; state: string };
    }[];
    expect(list.find((x) => x.key === 'autumn')).toMatchObject({
      approvedVersion: null,
      latest: { version: 2, state: 'draft' },
    });
  });

  it('refuses a draft naming a block that is not in the library, and a taken key, writing nothing', async () => {
    const before = await countTemplates();
    const ghost = draft(FINE);
    ghost.blocks[1] = { ...ghost.blocks[1]!, blockId: '01890000-0000-7000-8000-000000000000', version: 1 };
    const res = await call('marketer', 'POST', '/api/content/drafts', {
      key: 'ghost',
      sendPurpose: 'marketing.general',
      draft: ghost,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const taken = await call('marketer', 'POST', '/api/content/drafts', {
      key: 'autumn',
      sendPurpose: 'marketing.general',
      draft: draft(FINE),
    });
    expect(taken.statusCode).toBe(409);
    expect(await countTemplates()).toBe(before);
    const blocks = await careloop.db.tenant(t.tenantId, (tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM content_blocks WHERE key LIKE 'ghost.%'`.execute(tx),
    );
    expect(blocks.rows[0]!.n).toBe(0);
  });
});
