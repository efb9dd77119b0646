import { contentScreens } from '../features/content/index.ts';
import { homeScreens } from '../features/home/index.ts';
import { patientScreens } from '../features/patients/index.ts';
import type { Screen } from './router.tsx';

/**
 * Every screen of the dashboard, in navigation order: one line per feature.
 * A feature exports its screens from its index.ts (see packages/web/README.md).
 */
// biome-ignore format: one feature per line keeps parallel additions from conflicting
export const SCREENS: readonly Screen[] = [
  ...homeScreens,
  ...patientScreens,
  ...contentScreens,
];
