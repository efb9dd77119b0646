import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { http, onSessionLost, setCsrfToken } from '../api/http.ts';
import type { SessionView } from '../api/types.ts';

/**
 * The staff session: an HttpOnly cookie the script never sees, plus the CSRF token
 * kept in memory. A 401 from any call (idle sign-out after 15 minutes, R39) drops the
 * session and the sign-in screen says why.
 */
interface SessionState {
  readonly session: SessionView | null;
  /** True while the first session check runs. */
  readonly checking: boolean;
  /** The session ended by itself (expired) rather than by signing out. */
  readonly expired: boolean;
  readonly login: (email: string, password: string) => Promise<void>;
  readonly logout: () => Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

/** Drops everything the browser might hold for this origin (R38). */
export function clearClientStorage(): void {
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // Storage may be disabled; nothing to clear then.
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionView | null>(null);
  const [checking, setChecking] = useState(true);
  const [expired, setExpired] = useState(false);

  const adopt = useCallback((s: SessionView | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    setSession(s);
  }, []);

  useEffect(() => {
    onSessionLost(() => {
      setSession((prev) => {
        if (prev) setExpired(true);
        return null;
      });
      setCsrfToken(null);
    });
    http
      .get<SessionView>('/api/auth/session')
      .then(adopt)
      .catch(() => adopt(null))
      .finally(() => setChecking(false));
    return () => onSessionLost(null);
  }, [adopt]);

  const login = useCallback(
    async (email: string, password: string) => {
      const s = await http.post<SessionView>('/api/auth/login', { email, password });
      setExpired(false);
      adopt(s);
    },
    [adopt],
  );

  const logout = useCallback(async () => {
    await http.post('/api/auth/logout').catch(() => undefined);
    adopt(null);
    clearClientStorage();
    // A fresh page: no patient data survives in memory either.
    location.assign('/');
  }, [adopt]);

  const value = useMemo(
    () => ({ session, checking, expired, login, logout }),
    [session, checking, expired, login, logout],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The signed-in session; screens are only rendered with one. */
export function useStaff(): SessionView {
  const { session } = useSession();
  if (!session) throw new Error('useStaff without a session');
  return session;
}
