import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { testCareloop } from '../support/careloop.ts';
import { startDns } from '../support/dns.ts';
import { type Clinic, demoClinic } from './support.ts';

const clock = new ManualClock('2026-11-23T09:00:00Z');
let careloop: Careloop;
let clinic: Clinic;
let dns: Awaited<ReturnType<typeof startDns>>;

beforeAll(async () => {
  dns = await startDns();
  careloop = await testCareloop({
    clock,
    config: {
      delivery: {
        smtp: {
          host: '127.0.0.1',
          port: 2525,
          secure: false,
          from: 'Клиника <news@clinic.test>',
          dkimSelector: 'mail',
        },
        dnsServers: [dns.server],
      },
    },
  });
  clinic = await demoClinic(careloop, 200);
});
afterAll(async () => {
  await careloop?.close();
  await dns?.close();
});

describe('R19: sender authentication before a campaign starts', () => {
  it('a campaign that may send e-mail waits for SPF, DKIM and DMARC on the From domain; an SMS campaign does not', async () => {
    const marketer = clinic.scope('marketer');
    const byEmail = await careloop.campaigns.create(marketer, { playbook: 'recall', channel: 'email' });
    const preferred = await careloop.campaigns.create(marketer, {
      playbook: 'birthday',
      channel: 'preferred',
    });
    const bySms = await careloop.campaigns.create(marketer, { playbook: 'recall', channel: 'sms' });
    dns.set('clinic.test', 'v=spf1 include:relay.example.net -all');

    for (const c of [byEmail, preferred]) {
      await expect(careloop.campaigns.launch(marketer, c.id)).rejects.toMatchObject({
        code: 'SENDER_NOT_AUTHENTICATED',
        details: [
          { field: 'dkim', issue: 'no DKIM key for selector mail' },
          { field: 'dmarc', issue: 'no DMARC record (v=DMARC1)' },
        ],
      });
    }
    // Nothing was enrolled or queued by the refused launch.
    const queued = await careloop.db.tenant(clinic.tenantId, (tx) =>
      tx.selectFrom('outbox_messages').select('id').where('campaign_id', '=', byEmail.id).execute(),
    );
    expect(queued).toHaveLength(0);
    expect((await careloop.campaigns.launch(marketer, bySms.id)).created).toBe(true);

    // The records are published: the same launch goes ahead.
    dns.set('mail._domainkey.clinic.test', 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA');
    dns.set('_dmarc.clinic.test', 'v=DMARC1; p=none; rua=mailto:dmarc@clinic.test');
    const run = await careloop.campaigns.launch(marketer, byEmail.id);
    expect(run.created).toBe(true);
    expect(run.run.eligible).toBeGreaterThan(0);
  });
});
