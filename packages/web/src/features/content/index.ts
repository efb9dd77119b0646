import type { Screen } from '../../app/router.tsx';
import { ContentScreen } from './ContentScreen.tsx';

export { contentMessages } from './messages.ts';

export const contentScreens: readonly Screen[] = [
  {
    path: '/content',
    title: 'content.title',
    nav: true,
    roles: ['owner', 'marketer', 'front_desk', 'doctor', 'auditor'],
    component: ContentScreen,
  },
];
