export * from './auth.ts';
export * from './common.ts';
export * from './consents.ts';
export * from './imports.ts';
export * from './patients.ts';
export * from './rights.ts';
export * from './segments.ts';
export * from './system.ts';
