import type { Screen } from '../../app/router.tsx';
import { REVIEW_ROLES } from './access.ts';
import { MergesScreen } from './MergesScreen.tsx';
import { QueueScreen } from './QueueScreen.tsx';

export { duplicateMessages } from './messages.ts';

export const duplicateScreens: readonly Screen[] = [
  { path: '/duplicates', title: 'duplicates.title', nav: true, roles: REVIEW_ROLES, component: QueueScreen },
  { path: '/duplicates/merges', title: 'duplicates.merges', roles: REVIEW_ROLES, component: MergesScreen },
];
