"""Benchmark: does a turn cost more the longer the conversation? One customer, many turns.

    .venv/bin/python -m benchmarks.long_conversation [--turns 150] [--block 10]
        [--gateway URL --rasa URL]

One conversation of `--turns` short turns (questions about the service and thanks, which the
bot answers at once, so the tracker grows by a few events a turn), sent one after the other
through the gateway, then another through Rasa direct, on the embedded stack of `make run`
(started on spare ports with a fresh database, stopped at the end) or on running servers.
Prints the median and the slowest turn time of each block of `--block` turns, and the
ratio of the last block's median to the first's: issue 14 measured 99 ms for turns 1-10,
171 ms for 71-80 and 213 ms for 141-150 when Rasa replayed the whole tracker every turn.
Written as JSON to var/benchmarks/long-<time>.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.load import OUT, Served, attached, embedded_stack, model_path

# Questions the bot answers at once, whatever the step, and thanks: short turns.
MESSAGES = (
    "jam berapa layanan buka?",
    "berapa lama pengaduan diselesaikan?",
    "terima kasih",
    "apakah pengaduan dipungut biaya?",
    "dokumen apa saja yang perlu disiapkan?",
    "oke makasih",
)


def conversation(client: httpx.Client, webhook: str, turns: int) -> list[float]:
    """Send `turns` messages in one new conversation; each turn's seconds."""
    sender = f"long-{secrets.token_hex(6)}"
    seconds = []
    for number in range(turns):
        began = time.perf_counter()
        response = client.post(
            webhook, json={"sender": sender, "message": MESSAGES[number % len(MESSAGES)]}
        )
        seconds.append(time.perf_counter() - began)
        if response.status_code != 200 or not response.json():
            raise SystemExit(f"turn {number + 1}: {response.status_code} {response.text[:200]}")
    return seconds


def blocks(seconds: list[float], size: int) -> list[dict[str, Any]]:
    """Median and maximum of each block of `size` turns, in milliseconds."""
    found = []
    for start in range(0, len(seconds), size):
        part = seconds[start : start + size]
        found.append(
            {
                "turns": f"{start + 1}-{start + len(part)}",
                "median_ms": round(statistics.median(part) * 1000, 1),
                "max_ms": round(max(part) * 1000, 1),
            }
        )
    return found


@contextlib.contextmanager
def servers(args: argparse.Namespace, run_dir: Path) -> Iterator[Served]:
    if args.gateway and args.rasa:
        with attached(args.gateway, args.rasa, {}) as served:
            yield served
        return
    with embedded_stack(model_path(args.model), run_dir, count_action_calls=False) as served:
        yield served


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=150)
    parser.add_argument("--block", type=int, default=10)
    parser.add_argument("--gateway", help="a running gateway's URL")
    parser.add_argument("--rasa", help="a running Rasa server's URL")
    parser.add_argument("--model", help="the model file (default: the cached one of the data)")
    args = parser.parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = OUT / f"long-{stamp}"
    found: dict[str, Any] = {"turns": args.turns, "block": args.block}
    with (
        servers(args, run_dir) as (gateway, rasa, _pids, _relay),
        httpx.Client(timeout=60) as client,
    ):
        for name, base in (("gateway", gateway), ("rasa", rasa)):
            conversation(client, f"{base}/webhooks/rest/webhook", 5)  # warm up, not counted
            seconds = conversation(client, f"{base}/webhooks/rest/webhook", args.turns)
            measured = blocks(seconds, args.block)
            found[name] = {
                "blocks": measured,
                "last_over_first": round(measured[-1]["median_ms"] / measured[0]["median_ms"], 2),
            }
    for name in ("gateway", "rasa"):
        print(f"\n{name}: median (max) ms per block of {args.block} turns")
        for block in found[name]["blocks"]:
            print(
                f"  turns {block['turns']:>9}  {block['median_ms']:7.1f}  ({block['max_ms']:.1f})"
            )
        print(f"  last block's median / first block's: {found[name]['last_over_first']}")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"long-{stamp}.json"
    path.write_text(json.dumps(found, indent=2), encoding="utf-8")
    print(f"\nWritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
