import { http } from '../../api/http.ts';
import type { OverviewView } from '../../api/types.ts';

export const getOverview = (signal?: AbortSignal) =>
  http.get<OverviewView>('/api/overview', signal ? { signal } : {});
