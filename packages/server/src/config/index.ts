export { type Config, loadConfig, SETTINGS_HELP } from './config.ts';
