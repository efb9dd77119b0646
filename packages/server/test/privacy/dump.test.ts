import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { unsealPatient } from '../../src/modules/patients/index.ts';
import { testCareloop } from '../support/careloop.ts';
import { databaseDump } from '../support/db.ts';

let careloop: Careloop;
let tenantId: string;

beforeAll(async () => {
  careloop = await testCareloop();
  tenantId = (
    await careloop.demo.generate({
      patients: 400,
      asOf: new Date('2026-11-23T00:00:00Z'),
      slug: `dump-${newId().slice(-8)}`,
    })
  ).tenantId;
}, 300_000);
afterAll(async () => careloop?.close());

describe('encryption at rest (R27)', () => {
  it('a plain dump of a demo database holds no patient name, phone or e-mail in clear text', async () => {
    const secrets = await careloop.db.tenant(tenantId, async (tx) => {
      const keys = await careloop.vault.forTenant(tx, tenantId);
      const doctors = new Set(
        (await tx.selectFrom('doctors').select('full_name').execute()).map((d) => d.full_name),
      );
      const rows = await tx
        .selectFrom('patients')
        .select(['id', 'key_version', 'key_wrapped', 'identity_enc', 'contact_enc'])
        .limit(80)
        .execute();
      return rows.flatMap((r) => {
        const { identity, contact } = unsealPatient(keys, r, { identity: true, contact: true });
        const fullName = [identity?.lastName, identity?.firstName, identity?.middleName]
          .filter(Boolean)
          .join(' ');
        return [
          ...(doctors.has(fullName) ? [] : [fullName]),
          contact?.phone,
          contact?.phone?.slice(2),
          contact?.email,
          identity?.snils,
          identity?.cardNo,
        ].filter((x): x is string => Boolean(x));
      });
    });
    expect(secrets.length).toBeGreaterThan(250);
    const dump = await databaseDump(careloop.db);
    expect(dump.length).toBeGreaterThan(100_000);
    // The dump really is the demo database: a staff e-mail, stored in clear, is in it.
    expect(dump.indexOf('marketer@dump-')).toBeGreaterThan(-1);
    const leaked = secrets.filter((s) => dump.indexOf(s) !== -1);
    expect(leaked).toEqual([]);
  }, 300_000);
});
