import { useEffect, useRef } from "react";

import type { Schemas } from "./api/client";
import { LogoutButton } from "./components/LogoutButton";
import { Link, navigate, useRoute } from "./router";
import { Alerts } from "./screens/Alerts";
import { Coming } from "./screens/Coming";
import { ConsumerOrders } from "./screens/ConsumerOrders";
import { FailedOrders } from "./screens/FailedOrders";
import { OrderPage, orderUuidOf } from "./screens/OrderPage";
import { Integrations } from "./screens/Integrations";
import { homeFor, isConsumerOnly, screenOf, screensFor } from "./screens/screens";
import { Tokens } from "./screens/Tokens";

function roleNames(me: Schemas["Me"]): string {
  return me.roles.length ? me.roles.join(", ") : "no role";
}

export function Shell({ me }: { me: Schemas["Me"] }) {
  const route = useRoute();
  const screen = screenOf(route);
  const orderUuid = orderUuidOf(route);
  const main = useRef<HTMLElement>(null);
  const home = homeFor(me);
  const consumerOnly = isConsumerOnly(me);
  // A consumer who opens a provider screen's address is told so, not shown lists that would
  // be empty; their own order's page (linked from Consumers' orders) stays open.
  const providerScreen = consumerOnly && screen !== undefined && !screen.consumer;

  useEffect(() => {
    if (route === "/") navigate(home);
  }, [route, home]);

  const opened = useRef(false);

  // A screen opened from the navigation takes the focus (a screen reader reads it next); the
  // first one does not, so the first Tab still reaches the skip link and the navigation.
  useEffect(() => {
    const title = screen?.title ?? (orderUuid ? "Order" : "Not found");
    document.title = `${title} · Redrive`;
    if (opened.current) main.current?.focus();
    if (screen) opened.current = true;
  }, [screen, orderUuid]);

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to the screen
      </a>
      <header className="topbar">
        <span className="brand">Redrive</span>
        <span className="who">
          {me.username} <span className="muted">({roleNames(me)})</span>
        </span>
        <LogoutButton />
      </header>
      <div className="body">
        <nav aria-label="Dashboard" className="sidenav">
          <ul>
            {screensFor(me).map((item) => (
              <li key={item.route}>
                <Link to={item.route} aria-current={item.route === screen?.route ? "page" : undefined}>
                  {item.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" ref={main} tabIndex={-1}>
          {route === "/" ? null : providerScreen ? (
            <section id="provider-screen">
              <h1>This screen is for providers</h1>
              <p>
                Your organizations place orders and provide no offering, so the provider screens
                have nothing for you. <Link to={home}>Go to Consumers' orders</Link>.
              </p>
            </section>
          ) : orderUuid ? (
            <OrderPage key={orderUuid} uuid={orderUuid} me={me} />
          ) : !screen ? (
            <section>
              <h1>Nothing here</h1>
              <p>
                There is no screen at this address.{" "}
                <Link to={home}>Go to {consumerOnly ? "Consumers' orders" : "Failed orders"}</Link>.
              </p>
            </section>
          ) : screen.route === "/tokens" ? (
            <Tokens />
          ) : screen.route === "/failed-orders" ? (
            <FailedOrders />
          ) : screen.route === "/consumer-orders" ? (
            <ConsumerOrders me={me} />
          ) : screen.route === "/alerts" ? (
            <Alerts route={route} />
          ) : screen.route === "/integrations" ? (
            <Integrations route={route} me={me} />
          ) : (
            <Coming screen={screen} />
          )}
        </main>
      </div>
    </div>
  );
}
