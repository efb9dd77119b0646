import type { Screen } from '../../app/router.tsx';
import { CardScreen } from './CardScreen.tsx';
import { SearchScreen } from './SearchScreen.tsx';

export { patientMessages } from './messages.ts';

const STAFF_WITH_PATIENTS = ['owner', 'front_desk', 'doctor', 'auditor'] as const;

export const patientScreens: readonly Screen[] = [
  {
    path: '/patients',
    title: 'patients.title',
    nav: true,
    roles: STAFF_WITH_PATIENTS,
    component: SearchScreen,
  },
  { path: '/patients/:id', title: 'patients.card', roles: STAFF_WITH_PATIENTS, component: CardScreen },
];
