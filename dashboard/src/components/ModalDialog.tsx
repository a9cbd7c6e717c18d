// A modal dialog on the browser's own <dialog>: showModal() keeps the keyboard inside it and
// Escape closes it; the focus goes back to what opened it when it closes.
import { useEffect, useRef, type ReactNode } from "react";

type Props = { title: string; onClose: () => void; children: ReactNode; describedBy?: string };

export function ModalDialog({ title, onClose, children, describedBy }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const element = dialog.current;
    if (element && !element.open) {
      if (typeof element.showModal === "function") element.showModal();
      else element.setAttribute("open", "");
    }
    return () => opener?.focus?.();
  }, []);

  return (
    <dialog
      ref={dialog}
      className="modal"
      aria-labelledby="dialog-title"
      aria-describedby={describedBy}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="dialog-title">{title}</h2>
      {children}
    </dialog>
  );
}
