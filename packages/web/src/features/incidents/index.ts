import type { Screen } from '../../app/router.tsx';
import { IncidentsScreen } from './IncidentsScreen.tsx';

export { incidentMessages } from './messages.ts';

/** The owner and the auditor keep the incident register (R43); the server decides on every call. */
export const incidentScreens: readonly Screen[] = [
  {
    path: '/incidents',
    title: 'incidents.title',
    nav: true,
    roles: ['owner', 'auditor'],
    component: IncidentsScreen,
  },
];
