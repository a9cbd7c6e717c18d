// The screens of the shell's navigation, in order. A screen that is not built yet says what
// it is waiting for (the API pieces issue 18 adds), never shows made-up rows.
export type Screen = {
  route: string;
  title: string;
  /** Not built yet: what is missing, in a sentence a provider can read. */
  coming?: string[];
  /** It also has a page per item below its route (/alerts/12, /integrations/3). */
  pages?: boolean;
};

export const SCREENS: Screen[] = [
  { route: "/failed-orders", title: "Failed orders" },
  { route: "/alerts", title: "Alerts", pages: true },
  { route: "/integrations", title: "Integrations", pages: true },
  { route: "/consumer-orders", title: "Consumers' orders" },
  { route: "/tokens", title: "My API tokens" },
];

export function screenOf(route: string): Screen | undefined {
  return SCREENS.find(
    (screen) =>
      screen.route === route || (screen.pages && new RegExp(`^${screen.route}/\\d+$`).test(route)),
  );
}
