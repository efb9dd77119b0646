import type { Screen } from '../../app/router.tsx';
import { ImportScreen } from './ImportScreen.tsx';
import { QuarantineScreen } from './QuarantineScreen.tsx';

export { importFieldMessages, importMessages } from './messages.ts';

const IMPORTERS = ['owner', 'front_desk'] as const;

export const importScreens: readonly Screen[] = [
  { path: '/imports', title: 'imports.title', nav: true, roles: IMPORTERS, component: ImportScreen },
  { path: '/imports/:id', title: 'imports.quarantine', roles: IMPORTERS, component: QuarantineScreen },
];
