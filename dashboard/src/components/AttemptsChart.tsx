// The last day's attempts of an integration by outcome, one stacked bar per hour, in plain SVG
// (no chart library: the bundle stays small). The numbers are also in a table under it, for a
// screen reader and for copying.
import type { Schemas } from "../api/client";

type Hour = Schemas["AttemptHour"];
export const OUTCOMES = [
  { key: "success", label: "Succeeded", colour: "#2f7d32" },
  { key: "transient", label: "Failed, retried automatically", colour: "#b26a00" },
  { key: "action_required", label: "Failed, action required", colour: "#a4161a" },
] as const;

/** The axis' top: the smallest 1, 2 or 5 times a power of ten at or above the largest bar
 * (1 when there were no attempts), so that the gridlines fall on round numbers. */
export function axisTop(largest: number): number {
  if (!(largest > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(largest));
  for (const step of [1, 2, 5, 10]) if (step * power >= largest) return step * power;
  return 10 * power;
}

/** Gridline values from 0 to ``top``: halves, or only the ends when a half is not whole. */
export function ticks(top: number): number[] {
  return top % 2 === 0 ? [0, top / 2, top] : [0, top];
}

export type Segment = { key: (typeof OUTCOMES)[number]["key"]; y: number; height: number };

/** One hour's bar as segments stacked from the bottom (success lowest), in pixels of a plot
 * ``height`` high whose top is ``top`` attempts; empty outcomes have no segment. */
export function stack(hour: Hour, top: number, height: number): Segment[] {
  const segments: Segment[] = [];
  let base = height;
  for (const { key } of OUTCOMES) {
    const size = (hour[key] / top) * height;
    if (size <= 0) continue;
    base -= size;
    segments.push({ key, y: base, height: size });
  }
  return segments;
}

const total = (hour: Hour) => hour.success + hour.transient + hour.action_required;
const hourLabel = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));

const WIDTH = 720;
const HEIGHT = 180;
const LEFT = 40;
const BOTTOM = 22;

export function AttemptsChart({ hours }: { hours: Hour[] }) {
  const top = axisTop(Math.max(0, ...hours.map(total)));
  const plot = HEIGHT - BOTTOM - 8;
  const slot = (WIDTH - LEFT) / Math.max(hours.length, 1);
  const sums = OUTCOMES.map(({ key, label }) => ({
    label,
    count: hours.reduce((sum, hour) => sum + hour[key], 0),
  }));
  const summary = `Attempts in the last ${hours.length} hours: ${sums
    .map((sum) => `${sum.count} ${sum.label.toLowerCase()}`)
    .join(", ")}.`;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={summary}
        preserveAspectRatio="xMidYMid meet"
      >
        {ticks(top).map((value) => {
          const y = 8 + plot - (value / top) * plot;
          return (
            <g key={value}>
              <line x1={LEFT} x2={WIDTH} y1={y} y2={y} stroke="#d5dbe3" />
              <text x={LEFT - 6} y={y + 4} textAnchor="end" fontSize="11" fill="#4f5b6b">
                {value}
              </text>
            </g>
          );
        })}
        {hours.map((hour, index) => (
          <g key={hour.hour_start} transform={`translate(${LEFT + index * slot + 2}, 8)`}>
            <title>{`${hourLabel(hour.hour_start)}: ${hour.success} succeeded, ${hour.transient} transient, ${hour.action_required} action required`}</title>
            {stack(hour, top, plot).map((segment) => (
              <rect
                key={segment.key}
                data-outcome={segment.key}
                x={0}
                y={segment.y}
                width={Math.max(slot - 4, 1)}
                height={segment.height}
                fill={OUTCOMES.find((o) => o.key === segment.key)?.colour}
              />
            ))}
            {index % 3 === 0 && (
              <text x={slot / 2} y={plot + 16} textAnchor="middle" fontSize="11" fill="#4f5b6b">
                {hourLabel(hour.hour_start)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul className="legend">
          {OUTCOMES.map((outcome, index) => (
            <li key={outcome.key}>
              <span className="swatch" style={{ background: outcome.colour }} aria-hidden="true" />
              {outcome.label}: {sums[index].count}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
