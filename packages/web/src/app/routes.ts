import { homeScreens } from '../features/home/index.ts';
import type { Screen } from './router.tsx';

/**
 * Every screen of the dashboard, in navigation order: one line per feature.
 * A feature exports its screens from its index.ts (see packages/web/README.md).
 */
export const SCREENS: readonly Screen[] = [...homeScreens];
