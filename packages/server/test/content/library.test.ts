import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Careloop } from '../../src/main/careloop.ts';
import { PLAYBOOK_TEMPLATE_KEYS, seedPlaybookContent } from '../../src/modules/content/index.ts';
import { createTestTenant, staffScope, type TestTenant, testCareloop } from '../support/careloop.ts';

let careloop: Careloop;
let t: TestTenant;
beforeAll(async () => {
  careloop = await testCareloop();
  t = await createTestTenant(careloop, ['owner', 'marketer', 'front_desk']);
});
afterAll(async () => {
  await careloop?.close();
});

const marketer = () => staffScope(t.tenantId, 'marketer', 'marketing.general', t.users.marketer.id);
const owner = () => staffScope(t.tenantId, 'owner', 'marketing.general', t.users.owner.id);

describe('playbook content', () => {
  it('seeds every playbook template approved and lint-clean', async () => {
    try {
      await careloop.db.tenant(t.tenantId, (tx) =>
        seedPlaybookContent(tx, careloop.clock, marketer(), owner()),
      );
    } catch (e) {
      console.log(JSON.stringify((e as { details?: unknown }).details, null, 1));
      throw e;
    }
    const list = await careloop.content.listTemplates(owner());
    expect(list.map((x) => x.key).sort()).toEqual(Object.values(PLAYBOOK_TEMPLATE_KEYS).sort());
  });
});
