import type { Screen } from '../../app/router.tsx';
import { WorklistScreen } from './WorklistScreen.tsx';

export { worklistMessages } from './messages.ts';

/** The operators of the call centre (the server's WORKLIST_ROLES). */
export const worklistScreens: readonly Screen[] = [
  {
    path: '/worklist',
    title: 'worklist.title',
    nav: true,
    roles: ['front_desk', 'owner'],
    component: WorklistScreen,
  },
];
