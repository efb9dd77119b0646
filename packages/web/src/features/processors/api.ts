import { http } from '../../api/http.ts';
import type { ProcessorRegisterView, ProcessorRegistration, ProcessorView } from '../../api/types.ts';

/** The register, every version, with the providers this installation is set up to call. */
export const getRegister = (signal?: AbortSignal) =>
  http.get<ProcessorRegisterView>('/api/processors', signal ? { signal } : {});

/** Registers a provider, or changes its entry: a new version that retires the previous one. */
export const registerProcessor = (body: ProcessorRegistration) =>
  http.post<ProcessorView>('/api/processors', body);

export const retireProcessor = (provider: string) =>
  http.post<{ ok: true }>(`/api/processors/${encodeURIComponent(provider)}/retire`, {});
