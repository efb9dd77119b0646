import type { Screen } from '../../app/router.tsx';
import { AuditScreen } from './AuditScreen.tsx';

export { auditMessages } from './messages.ts';

export const auditScreens: readonly Screen[] = [
  { path: '/audit', title: 'audit.title', nav: true, roles: ['auditor', 'owner'], component: AuditScreen },
];
