import type { Screen } from '../../app/router.tsx';
import { ContentScreen } from './ContentScreen.tsx';
import { NewTemplateScreen } from './NewTemplateScreen.tsx';
import { CONTENT_AUTHORS, TemplateScreen } from './TemplateScreen.tsx';

export { contentMessages } from './messages.ts';

export const contentScreens: readonly Screen[] = [
  {
    path: '/content',
    title: 'content.title',
    nav: true,
    roles: ['owner', 'marketer', 'front_desk', 'doctor', 'auditor'],
    component: ContentScreen,
  },
  { path: '/content/new', title: 'content.new', roles: CONTENT_AUTHORS, component: NewTemplateScreen },
  {
    path: '/content/:id',
    title: 'content.one',
    roles: ['owner', 'marketer', 'front_desk', 'doctor', 'auditor'],
    component: TemplateScreen,
  },
];
