export * from './errors.ts';
export * from './vocab.ts';
