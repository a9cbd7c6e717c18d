import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { Tokens } from "./Tokens";

const TOKEN = {
  id: 7,
  name: "old laptop",
  prefix: "rdv_ab12",
  created: "2026-11-30T10:00:00Z",
  last_used_at: null,
  expires_at: null,
};

/** A fake of /api/tokens/ that keeps what it was sent: the browser tests use the real one. */
function tokensApi(initial = [TOKEN]) {
  let tokens = [...initial];
  const calls: { method: string; url: string; body?: unknown }[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const method = init.method ?? "GET";
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    if (method === "GET") return Response.json({ next: null, previous: null, results: tokens });
    if (method === "POST") {
      if (!body.name) {
        return Response.json(
          { code: "invalid", message: "The request has invalid fields; see details.", details: { name: ["This field may not be blank."] } },
          { status: 400 },
        );
      }
      const made = { ...TOKEN, id: 8, name: body.name, prefix: "rdv_new1", expires_at: body.expires_at };
      tokens = [made, ...tokens];
      return Response.json({ ...made, key: "rdv_new1-the-secret-key" }, { status: 201 });
    }
    const id = Number(url.split("/").at(-2));
    tokens = tokens.filter((token) => token.id !== id);
    return new Response(null, { status: 204 });
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("My API tokens", () => {
  it("lists my keys, creates one and shows its key once", async () => {
    const calls = tokensApi();
    render(<Tokens />);
    expect(await screen.findByText("old laptop")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "shop sync" } });
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));

    expect((await screen.findByText("rdv_new1-the-secret-key")).id).toBe("issued-key");
    expect(calls.find((call) => call.method === "POST")?.body).toEqual({ name: "shop sync", expires_at: null });
    await waitFor(() => expect(screen.getAllByText("shop sync").length).toBeGreaterThan(0));

    fireEvent.click(screen.getByRole("button", { name: "I have copied it" }));
    expect(screen.queryByText("rdv_new1-the-secret-key")).toBeNull();
  });

  it("shows a field error the API gives beside the field", async () => {
    tokensApi();
    render(<Tokens />);
    await screen.findByText("old laptop");

    fireEvent.click(screen.getByRole("button", { name: "Create token" }));

    expect((await screen.findByText("This field may not be blank.")).getAttribute("role")).toBe("alert");
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");
  });

  it("revokes a key only after the confirmation", async () => {
    const calls = tokensApi();
    render(<Tokens />);
    fireEvent.click(await screen.findByRole("button", { name: "Revoke old laptop" }));
    expect(calls.some((call) => call.method === "DELETE")).toBe(false);

    fireEvent.click(screen.getByRole("button", { name: "Yes, revoke “old laptop”" }));

    expect(await screen.findByText("You have no API tokens.")).toBeTruthy();
    expect(calls.find((call) => call.method === "DELETE")?.url).toBe("/api/tokens/7/");
    expect(screen.getByText(/Revoked “old laptop”/)).toBeTruthy();
  });
});
