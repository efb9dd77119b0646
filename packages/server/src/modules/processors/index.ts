export {
  checkRegistration,
  coverage,
  isAbroad,
  type ProcessorEntry,
  type ProcessorInput,
  type Refusal,
} from './register.ts';
export { ProcessorService } from './service.ts';
export {
  currentProcessors,
  processorHistory,
  type Recipient,
  recipientsOf,
  registerProcessor,
  retireProcessor,
} from './store.ts';
