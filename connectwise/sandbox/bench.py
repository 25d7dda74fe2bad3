"""Time the sandbox's own share of a sync: build + serialise pages.

    python -m connectwise.sandbox.bench [--tickets 100000] [--pages 30]

Walks keyset pages of 1000 (`id > N`, orderBy id asc) the way a full sync
does, then `fields=id` pages and a lastUpdated scan, and prints median
and worst milliseconds per page. Not part of the test suite.
"""

import argparse
import statistics
import time

import orjson

from .data import Dataset
from .query import read_query, select


def page_times(collection, pages: int, fields=None) -> list[float]:
    times, after = [], 0
    for _ in range(pages):
        params = {"conditions": f"id > {after}", "orderBy": "id asc"}
        params["pageSize"] = "1000"
        if fields:
            params["fields"] = fields
        started = time.perf_counter()
        rows, _ = select(collection, read_query(params, collection.schema))
        orjson.dumps(rows)
        times.append((time.perf_counter() - started) * 1000)
        after = rows[-1]["id"]
    return times


def scan_ms(collection, since: str) -> float:
    params = {"conditions": f"lastUpdated > [{since}]", "pageSize": "1000"}
    started = time.perf_counter()
    select(collection, read_query(params, collection.schema))
    return (time.perf_counter() - started) * 1000


def report(label: str, times: list[float]) -> None:
    median, worst = statistics.median(times), max(times)
    print(f"{label:28s} median {median:6.1f} ms   worst {worst:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=30)
    args = parser.parse_args()
    data = Dataset(companies=5000, contacts=50_000, tickets=args.tickets, seed=1)
    tickets = data.collection("tickets")
    assert tickets.schema  # sampled once, as the first request would
    report("tickets page, first read", page_times(tickets, args.pages))
    report("tickets page, read again", page_times(tickets, args.pages))
    report("tickets page, fields=id", page_times(tickets, args.pages, "id"))
    for label, since in (("first", "2024-06-01"), ("new date", "2024-07-01")):
        took = scan_ms(tickets, f"{since}T00:00:00Z")
        print(f"{'lastUpdated scan, ' + label:28s} {took:6.1f} ms")


if __name__ == "__main__":
    main()
