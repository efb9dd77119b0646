export { LoginScreen } from './LoginScreen.tsx';
export { authMessages } from './messages.ts';
