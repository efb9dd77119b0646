import type { Role } from '../../api/types.ts';
import type { Screen } from '../../app/router.tsx';
import { InboundScreen } from './InboundScreen.tsx';

export { inboundMessages } from './messages.ts';

/** Who works the queue: those who record consents at the registry; the server decides on every call. */
const QUEUE_WORKERS = ['owner', 'front_desk'] as const satisfies readonly Role[];

export const inboundScreens: readonly Screen[] = [
  { path: '/inbound', title: 'inbound.title', nav: true, roles: QUEUE_WORKERS, component: InboundScreen },
];
