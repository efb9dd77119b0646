import type { Screen } from '../../app/router.tsx';
import { DeliverabilityScreen } from './DeliverabilityScreen.tsx';

export { deliverabilityMessages } from './messages.ts';

/** Marketers and auditors watch complaint rates; the owner resumes a paused domain (R20). */
export const deliverabilityScreens: readonly Screen[] = [
  {
    path: '/sending-domains',
    title: 'deliverability.title',
    nav: true,
    roles: ['owner', 'marketer', 'auditor'],
    component: DeliverabilityScreen,
  },
];
