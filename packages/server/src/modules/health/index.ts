export { type Readiness, readiness } from './health.ts';
