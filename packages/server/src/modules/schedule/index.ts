/**
 * The clinic's schedule as the call centre and campaign offers use it: the earliest free
 * slots to offer, and taking one for a patient, first come first served.
 */
export {
  FREE_SLOTS_MAX,
  FREE_SLOTS_SPAN_DAYS,
  type FreeSlot,
  type FreeSlotFilter,
  type FreeSlots,
  findFreeSlots,
  type TakenSlot,
  takeSlot,
} from './slots.ts';
