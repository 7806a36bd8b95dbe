"""Run the benchmarks: `python -m bench [name ...]` (all of them when none is named).

Each benchmark runs in its own process (so one cannot slow or break the next), bounded by
a timeout, against the real services it needs: PostgreSQL at AMICABLE_BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/test, used only as the server on which scratch
databases are created and dropped) and Redis at AMICABLE_BENCH_REDIS_URL. Every benchmark
prints one JSON object; the runner adds the machine's load average around it, writes it to
`bench/results/<name>.json` and prints one JSON object holding them all.

The registry below lists the benchmarks; a module that is not there (not written yet on
this branch) is reported as skipped rather than failing the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

SERVER_URL = os.environ.get(
    "AMICABLE_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("AMICABLE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
RESULTS = Path(__file__).parent / "results"
SCRATCH = "{scratch}"  # replaced by a fresh database on SERVER_URL, dropped afterwards


@dataclass
class Run:
    label: str
    argv: list[str] = field(default_factory=list)
    timeout: float = 300


@dataclass
class Benchmark:
    name: str
    runs: list[Run]


REGISTRY = [
    Benchmark(
        "feed",
        [
            Run("postgres", ["--database-url", SCRATCH]),
            Run("sqlite", []),
        ],
    ),
    Benchmark(
        "inbound",
        [Run("postgres", ["--database-url", SERVER_URL, "--mails", "1000"])],
    ),
    Benchmark(
        "dashboard",
        [Run(f"postgres-{n}", ["--database-url", SCRATCH], timeout=420) for n in (1, 2, 3)],
    ),
    Benchmark(
        "outbox",
        [
            Run("postgres", ["--database-url", SERVER_URL], timeout=420),
            # The same with a disk flush per SENT record, for the ratio within one run.
            Run(
                "postgres-synchronous-sent",
                ["--database-url", SERVER_URL, "--synchronous-sent"],
                timeout=420,
            ),
        ],
    ),
    Benchmark(
        "fanout",
        [
            Run("one-process", ["--subscribers", "1000"]),
            Run(
                "two-processes-redis",
                [
                    "--subscribers",
                    "10000",
                    "--processes",
                    "2",
                    "--broadcast-url",
                    REDIS_URL,
                    "--database-url",
                    SERVER_URL,
                ],
                timeout=420,
            ),
        ],
    ),
    Benchmark("memory", [Run("default", [])]),
]


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(SERVER_URL.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _last_json(output: str) -> dict | None:
    """The last JSON object in the output, on one line or indented (benchmarks may log before
    it)."""
    lines = output.splitlines()
    for start in reversed(range(len(lines))):
        if lines[start].startswith("{"):
            with contextlib.suppress(ValueError):
                value = json.loads("\n".join(lines[start:]))
                if isinstance(value, dict):
                    return value
    return None


def _run_one(name: str, run: Run) -> dict:
    scratch = f"amicable_bench_{name}_{os.getpid()}"
    argv = list(run.argv)
    if SCRATCH in argv:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{scratch}"'))
        asyncio.run(_admin(f'CREATE DATABASE "{scratch}"'))
        url = f"{SERVER_URL.rsplit('/', 1)[0]}/{scratch}"
        argv = [url if a == SCRATCH else a for a in argv]
    load_before = os.getloadavg()
    started = time.monotonic()
    # A session of its own, so a timeout ends the benchmark and every server it started.
    process = subprocess.Popen(
        [sys.executable, "-m", f"bench.{name}", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=Path(__file__).parent.parent,
    )
    try:
        out, err = process.communicate(timeout=run.timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return {"label": run.label, "error": f"timed out after {run.timeout:.0f} s"}
    finally:
        if SCRATCH in run.argv:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
    result: dict = {"label": run.label}
    parsed = _last_json(out.decode())
    if process.returncode != 0 or parsed is None:
        result["error"] = f"exit {process.returncode}: {err.decode()[-2000:]}"
    else:
        result.update(parsed)
    result["seconds"] = round(time.monotonic() - started, 1)
    result["load_average_1m"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args()
    known = {b.name: b for b in REGISTRY}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
    chosen = [known[n] for n in args.names] if args.names else REGISTRY
    RESULTS.mkdir(exist_ok=True)
    summary: dict[str, object] = {"cpus": os.cpu_count()}
    for benchmark in chosen:
        if importlib.util.find_spec(f"bench.{benchmark.name}") is None:
            summary[benchmark.name] = {"skipped": "no such module on this branch"}
            continue
        outcome = {"benchmark": benchmark.name, "runs": []}
        for run in benchmark.runs:
            result = _run_one(benchmark.name, run)
            outcome["runs"].append(result)  # type: ignore[attr-defined]
            print(json.dumps({benchmark.name: result}), file=sys.stderr, flush=True)
        (RESULTS / f"{benchmark.name}.json").write_text(json.dumps(outcome, indent=2) + "\n")
        summary[benchmark.name] = outcome
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
