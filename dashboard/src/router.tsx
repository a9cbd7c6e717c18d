// A small router on the History API: the dashboard has a handful of flat screens, which does
// not need a router library's bytes. Paths are relative to /dashboard/ (Django answers every
// one with index.html, so a deep link or a reload opens the same screen).
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

export const BASE = "/dashboard";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  return () => window.removeEventListener("popstate", onChange);
}

/** The current screen's path, "/" for /dashboard/, "/tokens" for /dashboard/tokens. */
export function currentRoute(): string {
  const path = window.location.pathname;
  const route = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  return route === "" ? "/" : route.replace(/\/+$/, "") || "/";
}

export function useRoute(): string {
  return useSyncExternalStore(subscribe, currentRoute, currentRoute);
}

export function navigate(route: string): void {
  window.history.pushState(null, "", BASE + route);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  function follow(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (event.defaultPrevented || event.button !== 0 || modified) return;
    event.preventDefault();
    navigate(to);
  }
  return <a href={BASE + to} onClick={follow} {...rest} />;
}
