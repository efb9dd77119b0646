import { http } from '../../api/http.ts';
import type { IncidentRequest, IncidentView } from '../../api/types.ts';

export const listIncidents = (signal?: AbortSignal) =>
  http.get<IncidentView[]>('/api/incidents', signal ? { signal } : {});

export const recordIncident = (body: IncidentRequest) => http.post<IncidentView>('/api/incidents', body);

export const recordNotice = (id: string, notice: IncidentView['deadlines'][number]['notice']) =>
  http.post<{ ok: true }>(`/api/incidents/${encodeURIComponent(id)}/notices/${notice}`, {});
