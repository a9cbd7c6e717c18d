import { describe, expect, it } from "vitest";

import { patchLines, readPatch } from "./resubmitPatch";

describe("the attributes patch of Edit many, then resend", () => {
  it("reads a JSON object", () => {
    expect(readPatch(' {"shipping_method": "GROUND", "gift": null} ')).toEqual({
      patch: { shipping_method: "GROUND", gift: null },
      problem: null,
    });
  });

  it.each([
    ["", /Write the attributes patch first/],
    ["{shipping_method: GROUND}", /not valid JSON/],
    ['["GROUND"]', /must be a JSON object/],
    ['"GROUND"', /must be a JSON object/],
    ["null", /must be a JSON object/],
    ["{}", /empty: it would change nothing/],
  ])("refuses %j naming the problem", (text, problem) => {
    const reading = readPatch(text);
    expect(reading.patch).toBeNull();
    expect(reading.problem).toMatch(problem);
  });

  it("shows each changed path, a removed key as removed", () => {
    expect(
      patchLines({ shipping_method: "GROUND", shipping_address: { postal_code: "10115", note: null }, tags: ["a"] }),
    ).toEqual([
      'shipping_method → "GROUND"',
      'shipping_address.postal_code → "10115"',
      "shipping_address.note: removed",
      'tags → ["a"]',
    ]);
  });
});
