/** Aggregate figures for the dashboard: set-based SQL, small counts suppressed for aggregate-only roles. */
export {
  lastTwelveMonths,
  MIN_CELL,
  type OverviewFigures,
  protectOverview,
  suppressSmallCounts,
} from './overview.ts';
export { AnalyticsService, type Overview } from './service.ts';
export { rebuildVisitStats } from './visit-stats.ts';
