export {
  checkRegistration,
  coverage,
  isAbroad,
  type ProcessorEntry,
  type ProcessorInput,
  type Refusal,
} from './register.ts';
export { ProcessorService } from './service.ts';
export { currentProcessors, processorHistory, registerProcessor, retireProcessor } from './store.ts';
