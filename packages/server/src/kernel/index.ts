export * from './clock.ts';
export * from './errors.ts';
export * from './ids.ts';
export { randomBytesPooled, randomFillPooled } from './random.ts';
export * from './scope.ts';
export { endOfLocalDay, type LocalTime, localDay, localTime, zonedInstant } from './time.ts';
