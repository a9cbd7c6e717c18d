// The screens of the shell's navigation, in order. A screen that is not built yet says what
// it is waiting for (the API pieces issue 18 adds), never shows made-up rows.
import type { Schemas } from "../api/client";

export type Screen = {
  route: string;
  title: string;
  /** Not built yet: what is missing, in a sentence a provider can read. */
  coming?: string[];
  /** It also has a page per item below its route (/alerts/12, /integrations/3). */
  pages?: boolean;
  /** A consumer's screen: shown to a user whose organizations only place orders. */
  consumer?: boolean;
};

export const SCREENS: Screen[] = [
  { route: "/failed-orders", title: "Failed orders" },
  { route: "/alerts", title: "Alerts", pages: true },
  { route: "/integrations", title: "Integrations", pages: true },
  { route: "/consumer-orders", title: "Consumers' orders", consumer: true },
  { route: "/tokens", title: "My API tokens", consumer: true },
];

export function screenOf(route: string): Screen | undefined {
  return SCREENS.find(
    (screen) =>
      screen.route === route || (screen.pages && new RegExp(`^${screen.route}/\\d+$`).test(route)),
  );
}

/** A consumer only: not staff, manages no offering, and every organization they own only
 * places orders (provides nothing). A user who owns no organization keeps the provider
 * screens (their role says provider; the lists say what they may see). */
export function isConsumerOnly(me: Schemas["Me"]): boolean {
  return (
    !me.is_staff &&
    me.offerings_managed.length === 0 &&
    me.organizations_owned.length > 0 &&
    me.organizations_owned.every((organization) => !organization.is_provider)
  );
}

/** The screens this user's navigation shows: a consumer's only, or all of them. */
export function screensFor(me: Schemas["Me"]): Screen[] {
  return isConsumerOnly(me) ? SCREENS.filter((screen) => screen.consumer) : SCREENS;
}

/** Where the dashboard opens for this user. */
export function homeFor(me: Schemas["Me"]): string {
  return isConsumerOnly(me) ? "/consumer-orders" : "/failed-orders";
}
