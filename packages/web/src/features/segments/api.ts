import { http } from '../../api/http.ts';
import type {
  NewSegment,
  SegmentCountView,
  SegmentDefinition,
  SegmentView,
  SpecialtyOptionView,
} from '../../api/types.ts';

const opt = (signal?: AbortSignal) => (signal ? { signal } : {});

export const listSegments = (signal?: AbortSignal) => http.get<SegmentView[]>('/api/segments', opt(signal));
/** The rule travels in the POST body, never in the URL (R38). */
export const countSegment = (body: SegmentDefinition, signal?: AbortSignal) =>
  http.post<SegmentCountView>('/api/segments/count', body, opt(signal));
export const createSegment = (body: NewSegment) => http.post<SegmentView>('/api/segments', body);
export const listSpecialties = (signal?: AbortSignal) =>
  http.get<SpecialtyOptionView[]>('/api/segments/specialties', opt(signal));
