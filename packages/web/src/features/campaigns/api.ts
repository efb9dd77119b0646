import { http } from '../../api/http.ts';
import type {
  AudiencePreview,
  CampaignInput,
  CampaignPatch,
  CampaignResults,
  CampaignView,
  PlaybookView,
  RunView,
} from '../../api/types.ts';

const opt = (signal?: AbortSignal) => (signal ? { signal } : {});

export const listPlaybooks = (lang: 'ru' | 'en', signal?: AbortSignal) =>
  http.get<PlaybookView[]>(`/api/playbooks?lang=${lang}`, opt(signal));
export const listCampaigns = (signal?: AbortSignal) =>
  http.get<CampaignView[]>('/api/campaigns', opt(signal));
export const createCampaign = (body: CampaignInput) => http.post<CampaignView>('/api/campaigns', body);
export const updateCampaign = (id: string, body: CampaignPatch) =>
  http.patch<CampaignView>(`/api/campaigns/${id}`, body);
export const previewCampaign = (id: string) => http.get<AudiencePreview>(`/api/campaigns/${id}/preview`);
export const launchCampaign = (id: string) => http.post<RunView>(`/api/campaigns/${id}/launch`);
export const campaignResults = (id: string, signal?: AbortSignal) =>
  http.get<CampaignResults>(`/api/campaigns/${id}/results`, opt(signal));
