// The screens of the shell's navigation, in order. A screen that is not built yet says what
// it is waiting for (the API pieces issue 18 adds), never shows made-up rows.
export type Screen = {
  route: string;
  title: string;
  /** Not built yet: what is missing, in a sentence a provider can read. */
  coming?: string[];
};

export const SCREENS: Screen[] = [
  { route: "/failed-orders", title: "Failed orders" },
  {
    route: "/alerts",
    title: "Alerts",
    coming: [
      "Open and resolved alerts by kind and integration, each linked to its order or integration.",
      "Dismissing an alert with a note.",
    ],
  },
  {
    route: "/integrations",
    title: "Integrations",
    coming: [
      "Health: the breaker's state, held and failing counts and the last day's attempts by outcome.",
      "Maintenance windows (plan, move, extend, end), resending the orders waiting on an integration, and its limits.",
    ],
  },
  { route: "/consumer-orders", title: "Consumers' orders" },
  { route: "/tokens", title: "My API tokens" },
];

export function screenOf(route: string): Screen | undefined {
  return SCREENS.find((screen) => screen.route === route);
}
