export { breachDeadlines, type Deadline, koapTier, NOTICES, type Notice } from './clocks.ts';
export { IncidentService } from './service.ts';
export { countAffected, type Incident, type IncidentInput } from './store.ts';
