"""Run the benchmark: `python -m bench` from the repository root (`make bench`).

    python -m bench                      # every measurement; writes bench/results.json
    python -m bench --quick              # smoke run, fewer repetitions
    python -m bench --only a,c           # some measurements only

It reports and never asserts: a missed target is printed as "MISS", a measurement whose
dependency is not there yet as "skipped: <why>". The exit code is 0 unless a measurement
crashed (then 1, after the table and the JSON are written). A full run writes
bench/results.json; a --quick or --only run writes bench/results.local.json (gitignored) unless
--output says otherwise. bench/README.md explains each figure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import browser, check, exercise_check, notebooks, room_load, size, startup, store
from bench.common import BENCH, REPO, STARTED, Measurement, Settings, Skip, log, verdict
from bench.machine import describe_machine, machine_line

# The letters are the keys of results.json's "measurements"; keep them stable.
MODULES: dict[str, ModuleType] = {
    "a": startup,
    "b": notebooks,
    "c": check,
    "d": store,
    "e": size,
    "f": browser,
    "g": exercise_check,
    "h": room_load,
}
MEASUREMENTS: dict[str, tuple[str, Callable[[Settings, Measurement], None]]] = {
    key: (module.TITLE, module.run) for key, module in MODULES.items()
}


def run_one(key: str, settings: Settings) -> Measurement:
    """Run one lettered measurement; a crash becomes its error status, never the run's end."""
    title, function = MEASUREMENTS[key]
    result = Measurement(key, title)
    log(f"({key}) {title}")
    result.data["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    started = time.monotonic()
    try:
        function(settings, result)
    except Skip as skip:
        result.status, result.why = "skipped", str(skip)
    except Exception as err:  # report it, run the others
        result.status = "error"
        result.why = f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err) else ''}"
        result.data["traceback"] = traceback.format_exc()
        traceback.print_exc()
    result.seconds = round(time.monotonic() - started, 1)
    log(f"({key}) {result.status} in {result.seconds} s")
    return result


def table(results: list[Measurement]) -> str:
    """Return the results as an aligned plain-text table."""
    lines: list[tuple[str, str, str, str, str]] = []
    for result in results:
        if result.status == "skipped":
            lines.append((result.key, result.title, f"skipped: {result.why}", "", ""))
            continue
        for index, row in enumerate(result.rows):
            lines.append(
                (
                    result.key if index == 0 else "",
                    row.label,
                    row.figure,
                    row.target,
                    verdict(row.passed),
                )
            )
        if result.status == "error":
            lines.append(
                (
                    result.key if not result.rows else "",
                    result.title,
                    f"ERROR: {result.why}",
                    "",
                    "",
                )
            )
    header = ("", "measurement", "figure", "target", "")
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(5)]
    widths[2] = min(widths[2], 80)

    def fmt(line: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))

    out = [fmt(header).rstrip(), "  ".join("-" * width for width in widths)]
    out += [fmt(line).rstrip() for line in lines]
    return "\n".join(out)


def markdown(path: Path) -> str:
    """Return the table of a results file as Markdown (for bench/README.md)."""
    report = json.loads(path.read_text(encoding="utf-8"))
    lines = ["| | measurement | figure | target | |", "|---|---|---|---|---|"]
    for key, item in report["measurements"].items():
        if item["status"] == "skipped":
            lines.append(f"| {key} | {item['title']} | skipped: {item['why']} | | |")
            continue
        for index, row in enumerate(item["rows"]):
            label = row["label"].strip()
            label = label if not row["label"].startswith("  ") else f"↳ {label}"
            cells = [key if index == 0 else "", label, row["figure"], row["target"]]
            cells.append(verdict(row["passed"]))
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if item["status"] == "error":
            lines.append(f"| {key} | {item['title']} | ERROR: {item['why']} | | |")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    """The command line: --quick, --only, --output, --markdown."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--only", default="", help="comma-separated letters, e.g. a,c,d")
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    parser.add_argument(
        "--markdown",
        nargs="?",
        const=BENCH / "results.json",
        type=Path,
        metavar="RESULTS",
        help="print the table of a results file (default bench/results.json) as Markdown "
        "and exit, measuring nothing",
    )
    return parser


def _report(
    args: argparse.Namespace,
    settings: Settings,
    machine: dict[str, Any],
    started: datetime,
    results: list[Measurement],
) -> dict[str, Any]:
    """The content of results.json."""
    return {
        "generated": started.isoformat(timespec="seconds"),
        "command": "python -m bench"
        + (" --quick" if args.quick else "")
        + (f" --only {args.only}" if args.only else ""),
        "mode": "quick" if args.quick else "full",
        "total_seconds": round(time.monotonic() - STARTED, 1),
        "machine": machine,
        "settings": asdict(settings),
        "measurements": {
            result.key: {
                "title": result.title,
                "status": result.status,
                "why": result.why,
                "seconds": result.seconds,
                "rows": [asdict(row) for row in result.rows],
                **result.data,
            }
            for result in results
        },
    }


def _print_summary(report: dict[str, Any], results: list[Measurement], output: Path) -> None:
    """Print the heading, a note if the machine was busy, the table and what was missed."""
    machine = report["machine"]
    print(
        f"japan_nato benchmark ({report['mode']}, {report['total_seconds']:.0f} s) on "
        f"{machine_line(machine)}"
    )
    busy = [
        f"({r.key}) {r.data['load_average_before'][0]:.1f}"
        for r in results
        if r.data.get("load_average_before", [0])[0] > (machine["cores"] or 1)
    ]
    if busy:
        print(
            f"note: the machine was busy (1-minute load above {machine['cores']} cores before "
            f"{', '.join(busy)}); timings are noisier than on an idle machine"
        )
    print(table(results))
    missed = [
        f"({r.key}) {row.label.strip()}" for r in results for row in r.rows if row.passed is False
    ]
    skipped = [f"({r.key})" for r in results if r.status == "skipped"]
    crashed = [f"({r.key})" for r in results if r.status == "error"]
    print(
        f"targets missed: {len(missed)}"
        + (f" ({'; '.join(missed)})" if missed else "")
        + f"; skipped: {', '.join(skipped) or 'none'}; errors: {', '.join(crashed) or 'none'}"
    )
    with contextlib.suppress(ValueError):
        print(f"results: {output.relative_to(REPO)}")


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the measurements, print the table, write the JSON."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.markdown is not None:
        print(markdown(args.markdown))
        return 0
    keys = [k.strip() for k in args.only.split(",") if k.strip()] or list(MEASUREMENTS)
    unknown = [k for k in keys if k not in MEASUREMENTS]
    if unknown:
        parser.error(f"unknown measurement(s) {unknown}; choose from {', '.join(MEASUREMENTS)}")
    full = not args.quick and keys == list(MEASUREMENTS)
    output = args.output or (BENCH / ("results.json" if full else "results.local.json"))
    settings = Settings.make(args.quick)

    machine = describe_machine()
    log(f"machine: {machine_line(machine)}")
    started = datetime.now(UTC)
    results = [run_one(key, settings) for key in MEASUREMENTS if key in keys]
    machine["load_average_at_end"] = list(os.getloadavg())
    report = _report(args, settings, machine, started, results)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    _print_summary(report, results, output)
    return 1 if any(r.status == "error" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
