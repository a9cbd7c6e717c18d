// Times as the browser's time zone shows them, and that zone's name, which every screen with
// times states (the API speaks UTC, ISO 8601).
const FORMAT = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

export function timeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "your browser's time zone";
}

export function formatTime(iso: string): string {
  return FORMAT.format(new Date(iso));
}
