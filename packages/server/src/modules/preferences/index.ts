export { issueLink, issueLinks, type LinkPurpose, type PatientLink, resolveLink } from './links.ts';
export { type PreferenceItem, PreferenceService, type PreferenceView, type RequestMeta } from './service.ts';
export { CHANNEL_TEXT, KIND_TEXT, kindText, PAGE_TEXT } from './texts.ts';
