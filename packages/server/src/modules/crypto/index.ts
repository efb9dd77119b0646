export { type Key, keyObject, newKey, open, seal } from './aead.ts';
export { addMasterKeyVersion, loadMasterKeys, type MasterKeys, parseMasterKeys } from './master-keys.ts';
export { addDataKeyVersion, retireUnusedDataKeys, rewrapPatientKeys } from './rotation.ts';
export { KeyService } from './service.ts';
export {
  blindIndexBitsFor,
  blindIndexCollisions,
  openJson,
  type PatientKey,
  sealJson,
  TenantKeys,
  Vault,
} from './vault.ts';
