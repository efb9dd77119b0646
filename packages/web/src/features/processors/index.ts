import type { Screen } from '../../app/router.tsx';
import { ProcessorsScreen } from './ProcessorsScreen.tsx';

export { processorMessages } from './messages.ts';

/** The owner keeps the register and an auditor reads it (R58); the server decides on every call. */
export const processorScreens: readonly Screen[] = [
  {
    path: '/processors',
    title: 'processors.title',
    nav: true,
    roles: ['owner', 'auditor'],
    component: ProcessorsScreen,
  },
];
