"""Debian's Chromium as every browser run drives it (the browser tests and bench.dashboard):
Playwright launches the machine's own browser, never one it downloads."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
