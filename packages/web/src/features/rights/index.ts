import type { Screen } from '../../app/router.tsx';
import { RequestScreen } from './RequestScreen.tsx';
import { RequestsScreen } from './RequestsScreen.tsx';

export { rightsMessages } from './messages.ts';

const OFFICERS = ['auditor', 'owner'] as const;

export const rightsScreens: readonly Screen[] = [
  { path: '/requests', title: 'rights.title', nav: true, roles: OFFICERS, component: RequestsScreen },
  { path: '/requests/:id', title: 'rights.one', roles: OFFICERS, component: RequestScreen },
];
