export * from './api/index.ts';
export * from './errors.ts';
export * from './imports.ts';
export * from './issues.ts';
export * from './vocab.ts';
