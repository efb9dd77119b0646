import type { Screen } from '../../app/router.tsx';
import { SegmentsScreen } from './SegmentsScreen.tsx';

export { segmentMessages } from './messages.ts';

export const segmentScreens: readonly Screen[] = [
  {
    path: '/segments',
    title: 'segments.title',
    nav: true,
    roles: ['owner', 'marketer', 'analyst'],
    component: SegmentsScreen,
  },
];
