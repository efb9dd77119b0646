export { type Config, type DeliveryConfig, loadConfig, SETTINGS_HELP } from './config.ts';
