"""How the commands talk to a person or to a log: help with examples, progress, summaries.

A progress bar (tqdm) is drawn only when stdout is a terminal; when it is a pipe or a file
(cron, CI, ``| tee``) the same progress comes out as plain lines, with no carriage returns or
escape codes to garble a log.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, DjangoHelpFormatter, OutputWrapper
from tqdm import tqdm


class ExampleHelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's option ordering, with the description and the examples kept as written."""


class CommandWithExamples(BaseCommand):
    """A command whose ``--help`` shows ``help`` and ``examples`` with their line breaks."""

    examples = ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        kwargs.setdefault("formatter_class", ExampleHelpFormatter)
        if self.examples:
            kwargs.setdefault("epilog", self.examples)
        return super().create_parser(prog_name, subcommand, **kwargs)


class Progress:
    """Progress of ``total`` items: a tqdm bar on a terminal, else a line per ``advance``
    (unless ``plain_lines`` is false: a command that writes a line per item needs no more)."""

    def __init__(
        self,
        stdout: OutputWrapper,
        *,
        total: int,
        label: str,
        unit: str = "order",
        plain_lines: bool = True,
    ):
        self.stdout = stdout
        self.plain_lines = plain_lines
        self.total = total
        self.label = label
        self.unit = unit
        self.done = 0
        self.bar = (
            tqdm(total=total, desc=label, unit=unit, file=stdout._out, dynamic_ncols=True)
            if stdout.isatty()
            else None
        )

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
        elif self.plain_lines:
            self.stdout.write(f"{self.label}: {self.done}/{self.total} {self.unit}s")

    def write(self, line: str) -> None:
        """A line of output that does not break the bar."""
        if self.bar is not None:
            self.bar.write(line, file=self.stdout._out)
        else:
            self.stdout.write(line)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def write_summary(
    stdout: OutputWrapper,
    *,
    matched: int,
    done_label: str,
    done: int,
    skipped_count: int,
    skipped_by_reason: dict[str, int],
    skipped: Iterable[Any],
    show_skipped: int,
) -> None:
    """Counts, skipped orders by reason, and the first ``show_skipped`` skipped orders."""
    width = max(len(done_label), len("matched"), len("skipped")) + 1
    stdout.write("Summary:")
    stdout.write(f"  {'matched:':<{width}} {matched}")
    stdout.write(f"  {done_label + ':':<{width}} {done}")
    stdout.write(f"  {'skipped:':<{width}} {skipped_count}")
    for reason, count in sorted(skipped_by_reason.items(), key=lambda item: -item[1]):
        stdout.write(f"    {count:>6}  {reason}")
    shown = list(skipped)[:show_skipped]
    if shown:
        more = skipped_count - len(shown)
        stdout.write(
            f"  first {len(shown)} skipped"
            + (f" ({more} more not shown; raise --show-skipped)" if more > 0 else "")
            + ":"
        )
        for order in shown:
            stdout.write(f"    {order.number}  {order.uuid}  {order.reason}")
