export {
  DEMO_CREDENTIALS,
  DEMO_SLUG,
  type DemoCredential,
  type DemoOptions,
  type DemoSummary,
  demoCredentials,
  generateDemo,
} from './generate.ts';
export { Random } from './random.ts';
export { DemoService } from './service.ts';
