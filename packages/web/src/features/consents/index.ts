import type { Screen } from '../../app/router.tsx';
import { DocumentsScreen } from './DocumentsScreen.tsx';

export { kindMessages } from './kind-messages.ts';
export { consentDocMessages } from './messages.ts';

export const consentScreens: readonly Screen[] = [
  {
    path: '/consents',
    title: 'consents.title',
    nav: true,
    roles: ['owner', 'front_desk', 'auditor', 'marketer'],
    component: DocumentsScreen,
  },
];
