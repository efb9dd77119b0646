export { hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.ts';
export { StaffService } from './service.ts';
export { type SessionPolicy, type StaffSession, StaffSessions } from './sessions.ts';
export {
  countOwners,
  createStaffUser,
  listStaffUsers,
  type NewStaffUser,
  type StaffUser,
  staffNames,
  validateNewUser,
} from './users.ts';
