import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, api, csrfToken, cursorOf, withQuery } from "./client";

/** The ApiError a call fails with (the test fails if it does not fail with one). */
async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

function answer(status: number, body: unknown, contentType = "application/json") {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return vi.fn().mockResolvedValue(
    new Response(status === 204 ? null : text, { status, headers: { "Content-Type": contentType } }),
  );
}

afterEach(() => {
  document.cookie = "csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
  vi.unstubAllGlobals();
});

describe("csrfToken", () => {
  it("reads Django's csrftoken cookie among others", () => {
    expect(csrfToken("sessionid=abc; csrftoken=tok%3Den; theme=dark")).toBe("tok=en");
    expect(csrfToken("sessionid=abc")).toBe("");
  });
});

describe("api", () => {
  it("sends the CSRF token on a write, with the session, as JSON", async () => {
    document.cookie = "csrftoken=the-token";
    const fetch = answer(201, { id: 1 });
    vi.stubGlobal("fetch", fetch);

    await api("POST", "/api/tokens/", { body: { name: "shop sync" } });

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe("/api/tokens/");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect(init.headers["X-CSRFToken"]).toBe("the-token");
    expect(init.headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(init.body)).toEqual({ name: "shop sync" });
  });

  it("sends no CSRF header on a read, and leaves empty query values out", async () => {
    document.cookie = "csrftoken=the-token";
    const fetch = answer(200, { results: [] });
    vi.stubGlobal("fetch", fetch);

    await api("GET", "/api/orders/", { query: { state: "erred", search: "", cursor: undefined } });

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe("/api/orders/?state=erred");
    expect(init.headers["X-CSRFToken"]).toBeUndefined();
  });

  it("turns the API's error shape into an ApiError with its code, message and details", async () => {
    vi.stubGlobal(
      "fetch",
      answer(400, {
        code: "invalid",
        message: "The request has invalid fields; see details.",
        details: { name: ["This field is required."] },
      }),
    );

    const error = await failure(api("POST", "/api/tokens/", { body: {} }));

    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid");
    expect(error.message).toBe("The request has invalid fields; see details.");
    expect(error.fieldErrors("name")).toEqual(["This field is required."]);
    expect(error.fieldErrors("expires_at")).toEqual([]);
  });

  it("gives an answer without the error shape (a proxy's HTML page) a code that says so", async () => {
    vi.stubGlobal("fetch", answer(502, "<html>Bad gateway</html>", "text/html"));

    const error = await failure(api("GET", "/api/me/"));

    expect(error.status).toBe(502);
    expect(error.code).toBe("unexpected_response");
    expect(error.details).toEqual({});
  });

  it("gives a dropped connection the code network_error", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));

    const error = await failure(api("GET", "/api/me/"));

    expect(error.code).toBe("network_error");
    expect(error.status).toBe(0);
  });

  it("answers nothing for a 204", async () => {
    vi.stubGlobal("fetch", answer(204, ""));

    expect(await api("DELETE", "/api/tokens/3/")).toBeUndefined();
  });
});

describe("query and cursors", () => {
  it("repeats a list parameter and reads a page link's cursor", () => {
    expect(withQuery("/api/orders/", { state: ["erred", "done"] })).toBe(
      "/api/orders/?state=erred&state=done",
    );
    expect(cursorOf("http://testserver/api/tokens/?cursor=cD0y")).toBe("cD0y");
    expect(cursorOf(null)).toBeUndefined();
  });
});
