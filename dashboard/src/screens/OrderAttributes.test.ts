import { describe, expect, it } from "vitest";

import { FormProblem, attributesOf, formOf, mergePatch } from "./OrderAttributes";

const ORDER = {
  sku: "CLOUD-VM",
  quantity: 2,
  shipping_method: "STANDARD",
  shipping_address: { street: "1 Market St", city: "Springfield", postal_code: "", floor: 3 },
  gift: { note: "Happy birthday" },
};

describe("the attributes form", () => {
  it("shows the item and address fields as text and the rest as JSON", () => {
    const form = formOf(ORDER);
    expect(form.fields.quantity).toBe("2");
    expect(form.fields["shipping_address.city"]).toBe("Springfield");
    expect(form.fields["shipping_address.country"]).toBe("");
    expect(JSON.parse(form.rest)).toEqual({ shipping_address: { floor: 3 }, gift: { note: "Happy birthday" } });
  });

  it("sends only the fixed postal code as a merge patch", () => {
    const form = formOf(ORDER);
    form.fields["shipping_address.postal_code"] = "12345";
    expect(mergePatch(ORDER, attributesOf(form, ORDER))).toEqual({ shipping_address: { postal_code: "12345" } });
  });

  it("keeps numbers numbers, leaves empty new fields out and removes deleted keys with null", () => {
    const form = formOf(ORDER);
    form.fields.quantity = "3";
    form.rest = JSON.stringify({ shipping_address: { floor: 3 } });
    expect(mergePatch(ORDER, attributesOf(form, ORDER))).toEqual({ quantity: 3, gift: null });
  });

  it("sends an emptied field as empty, for the API to name when the offering requires it", () => {
    const form = formOf(ORDER);
    form.fields["shipping_address.street"] = "";
    expect(mergePatch(ORDER, attributesOf(form, ORDER))).toEqual({ shipping_address: { street: "" } });
  });

  it("is an empty patch when nothing changed", () => {
    expect(mergePatch(ORDER, attributesOf(formOf(ORDER), ORDER))).toEqual({});
  });

  it("refuses other attributes that are not a JSON object, naming them", () => {
    const form = formOf(ORDER);
    form.rest = "[1, 2]";
    expect(() => attributesOf(form, ORDER)).toThrow(FormProblem);
    form.rest = "{not json";
    expect(() => attributesOf(form, ORDER)).toThrow(/Other attributes are not valid JSON/);
  });
});
