import type { Screen } from '../../app/router.tsx';
import { HomeScreen } from './HomeScreen.tsx';

export { homeMessages } from './messages.ts';

export const homeScreens: readonly Screen[] = [
  { path: '/', title: 'home.title', nav: true, component: HomeScreen },
];
