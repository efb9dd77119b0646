import { http } from '../../api/http.ts';
import type { SendingDomainsView, SendingDomainView } from '../../api/types.ts';

export const getDomains = (signal?: AbortSignal) =>
  http.get<SendingDomainsView>('/api/sending-domains', signal ? { signal } : {});

export const resumeDomain = (domain: string) =>
  http.post<SendingDomainView>(`/api/sending-domains/${encodeURIComponent(domain)}/resume`, {});
