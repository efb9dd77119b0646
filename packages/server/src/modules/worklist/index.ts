/**
 * The call-centre worklist: call tasks with scripts from approved content, masked contacts
 * revealed per policy, and outcomes that update the patient so nobody is pestered again.
 */
export {
  CALL_OUTCOMES,
  type CallOutcome,
  DEFAULT_WORKLIST_POLICY,
  effectsOf,
  type OutcomeEffects,
  type Suppression,
  type WorklistPolicy,
} from './outcomes.ts';
export { type CallTaskView, type OutcomeInput, WORKLIST_ROLES, WorklistService } from './service.ts';
export { type CallTaskInput, createCallTasks, heldFromMarketing } from './tasks.ts';
