import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { MenuButton } from "./MenuButton";

afterEach(cleanup);

function menu() {
  const chosen = vi.fn();
  render(
    <MenuButton
      label="Actions"
      items={[
        { key: "a", label: "Approve", onSelect: () => chosen("approve") },
        { key: "r", label: "Reject…", onSelect: () => chosen("reject") },
      ]}
    />,
  );
  return { chosen, button: screen.getByRole("button", { name: "Actions" }) };
}

describe("MenuButton", () => {
  it("opens on ArrowDown with the first item focused, and the arrows wrap around", () => {
    const { button } = menu();
    fireEvent.keyDown(button, { key: "ArrowDown" });
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(document.activeElement?.textContent).toBe("Approve");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    expect(document.activeElement?.textContent).toBe("Reject…");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    expect(document.activeElement?.textContent).toBe("Approve");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
    expect(document.activeElement?.textContent).toBe("Reject…");
  });

  it("closes on Escape and gives the focus back to its button", () => {
    const { button, chosen } = menu();
    fireEvent.click(button);
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(chosen).not.toHaveBeenCalled();
  });

  it("runs the chosen item once, closed, with the focus on its button", () => {
    const { button, chosen } = menu();
    fireEvent.click(button);
    fireEvent.click(screen.getByRole("menuitem", { name: "Reject…" }));
    expect(chosen.mock.calls).toEqual([["reject"]]);
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("is disabled when nothing applies", () => {
    render(<MenuButton label="Nothing" items={[]} />);
    expect((screen.getByRole("button", { name: "Nothing" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
