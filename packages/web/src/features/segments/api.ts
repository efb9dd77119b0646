import { http } from '../../api/http.ts';
import type {
  NewSegment,
  SegmentCountView,
  SegmentDefinition,
  SegmentPatch,
  SegmentView,
  SpecialtyOptionView,
} from '../../api/types.ts';

const opt = (signal?: AbortSignal) => (signal ? { signal } : {});

export const listSegments = (signal?: AbortSignal) => http.get<SegmentView[]>('/api/segments', opt(signal));
/** The rule travels in the POST body, never in the URL (R38). */
export const countSegment = (body: SegmentDefinition, signal?: AbortSignal) =>
  http.post<SegmentCountView>('/api/segments/count', body, opt(signal));
export const createSegment = (body: NewSegment) => http.post<SegmentView>('/api/segments', body);
/** Send the version the editor started from: a change saved meanwhile makes this a CONFLICT. */
export const updateSegment = (id: string, body: SegmentPatch) =>
  http.patch<SegmentView>(`/api/segments/${id}`, body);
export const deleteSegment = (id: string) => http.delete(`/api/segments/${id}`);
export const listSpecialties = (signal?: AbortSignal) =>
  http.get<SpecialtyOptionView[]>('/api/segments/specialties', opt(signal));
