import type { Role } from '@careloop/contracts/vocab';
import { type AnchorHTMLAttributes, type ComponentType, type MouseEvent, useSyncExternalStore } from 'react';
import type { MessageKey } from '../i18n/messages.ts';

/**
 * A small history router. Paths carry only opaque UUIDs, never names, phones or search
 * terms (R38): search forms keep their terms in memory and POST them.
 */
export interface ScreenProps {
  readonly params: Readonly<Record<string, string>>;
}

export interface Screen {
  /** '/patients/:id' — parameters are opaque ids only. */
  readonly path: string;
  /** Message key of the page title (and the navigation label). */
  readonly title: MessageKey;
  /** Listed in the navigation (screens with parameters are not). */
  readonly nav?: boolean;
  /** Roles that see the screen; the server enforces the same on every call. Absent: every role. */
  readonly roles?: readonly Role[];
  readonly component: ComponentType<ScreenProps>;
}

const listeners = new Set<() => void>();
const subscribe = (fn: () => void) => {
  listeners.add(fn);
  window.addEventListener('popstate', fn);
  return () => {
    listeners.delete(fn);
    window.removeEventListener('popstate', fn);
  };
};

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const fn of listeners) fn();
  window.scrollTo(0, 0);
}

export const usePathname = (): string => useSyncExternalStore(subscribe, () => location.pathname);

export function match(screens: readonly Screen[], pathname: string) {
  const parts = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  for (const screen of screens) {
    const pattern = screen.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i]!;
      const v = decodeURIComponent(parts[i]!);
      if (p.startsWith(':')) params[p.slice(1)] = v;
      else if (p !== v) ok = false;
    }
    if (ok) return { screen, params };
  }
  return null;
}

/** An in-app link: a real <a href> (keyboard, middle-click) that navigates without reloading. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}
