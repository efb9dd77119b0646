import type { Screen } from '../../app/router.tsx';
import { CampaignsScreen } from './CampaignsScreen.tsx';

export { campaignMessages } from './messages.ts';

export const campaignScreens: readonly Screen[] = [
  {
    path: '/campaigns',
    title: 'campaigns.title',
    nav: true,
    roles: ['owner', 'marketer'],
    component: CampaignsScreen,
  },
];
