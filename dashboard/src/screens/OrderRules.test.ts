import { describe, expect, it } from "vitest";

import { actionsFor, cancelAllowed } from "./OrderRules";

const ACME = { uuid: "org-acme", name: "Acme", is_provider: true };
const GLOBEX = { uuid: "org-globex", name: "Globex Shop", is_provider: false };
type Offering = { uuid: string; name: string; type: "remote" | "basic"; provider: { uuid: string; name: string } };
const VM: Offering = { uuid: "off-vm", name: "Cloud VM", type: "remote", provider: { uuid: "org-acme", name: "Acme" } };
const BY_HAND: Offering = { ...VM, uuid: "off-hand", type: "basic" };

const owner = { is_staff: false, roles: ["Organization owners" as const], organizations_owned: [ACME], offerings_managed: [] };
const manager = { is_staff: false, roles: ["Offering managers" as const], organizations_owned: [], offerings_managed: [{ uuid: "off-vm", name: "Cloud VM", provider: "Acme" }] };
const shop = { is_staff: false, roles: ["Organization owners" as const], organizations_owned: [GLOBEX], offerings_managed: [] };
const noRole = { ...owner, roles: [] };

function order(state: string, offering = VM) {
  return {
    state: state as "erred",
    offering: { uuid: offering.uuid, name: offering.name, type: offering.type },
    consumer_organization: { uuid: GLOBEX.uuid, name: GLOBEX.name },
  };
}

describe("actionsFor", () => {
  it("offers retry and edit on an erred order to the provider side only", () => {
    expect(actionsFor(owner, order("erred"), VM)).toEqual(["retry", "edit"]);
    expect(actionsFor(manager, order("erred"), VM)).toEqual(["retry", "edit"]);
    expect(actionsFor(shop, order("erred"), VM)).toEqual([]);
  });

  it("offers approve and reject to the side whose approval is pending", () => {
    expect(actionsFor(owner, order("pending_provider"), VM)).toEqual(["approve", "reject", "edit"]);
    expect(actionsFor(shop, order("pending_provider"), VM)).toEqual(["cancel"]);
    expect(actionsFor(shop, order("pending_consumer"), VM)).toEqual(["approve", "reject", "cancel"]);
    expect(actionsFor(owner, order("pending_consumer"), VM)).toEqual(["edit"]);
  });

  it("offers mark done for executing orders of manual offerings only", () => {
    expect(actionsFor(owner, order("executing", BY_HAND), BY_HAND)).toEqual(["set_done", "edit"]);
    expect(actionsFor(manager, order("executing"), VM)).toEqual(["edit"]);
  });

  it("offers nothing on a finished order, and nothing to a user without a role", () => {
    for (const state of ["done", "canceled", "rejected"]) {
      expect(actionsFor(owner, order(state), VM)).toEqual([]);
    }
    expect(actionsFor(noRole, order("erred"), VM)).toEqual([]);
  });

  it("knows the owners of the provider only once the offering says who provides it", () => {
    expect(actionsFor(owner, order("erred"), null)).toEqual([]);
    expect(actionsFor({ ...owner, is_staff: true, roles: ["Staff"] }, order("erred"), null)).toEqual(["retry", "edit"]);
  });
});

describe("cancelAllowed", () => {
  it("lets the consumer's owners cancel pending orders and executing manual ones", () => {
    expect(cancelAllowed(shop, order("pending_provider"), "remote")).toBe(true);
    expect(cancelAllowed(shop, order("executing"), "remote")).toBe(false);
    expect(cancelAllowed(shop, order("executing", BY_HAND), "basic")).toBe(true);
    expect(cancelAllowed(shop, order("erred"), "remote")).toBe(false);
  });

  it("refuses managers (no cancel permission) and other organizations", () => {
    const managerOfShop = { ...manager, organizations_owned: [GLOBEX], roles: ["Offering managers" as const] };
    expect(cancelAllowed(managerOfShop, order("pending_provider"), "remote")).toBe(false);
    expect(cancelAllowed(owner, order("pending_provider"), "remote")).toBe(false);
  });
});
