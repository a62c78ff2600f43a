"""The client side of a latency benchmark, run as its own process so that it does not share the
measured server's interpreter (and GIL): in one process, the client parsing a response or drawing
its progress bar held the lock the server needed to finish the next request, and that wait was
counted inside Flask (docs/benchmarks.md, runs M–O).

    python scripts/bench/http_client.py HOST PORT LABEL FIELD < paths.json > results.json

Sends each GET path of the JSON list on one keep-alive connection, in order, and writes
{"ms": [round trip per request], "values": [FIELD of each JSON response]} to stdout; the progress
bar goes to stderr. A response other than 200 stops it with the status and body."""
from __future__ import annotations

import http.client
import json
import sys
import time

from common import progressbar


def run(host: str, port: int, label: str, field: str, paths: list[str]) -> dict:
    conn = http.client.HTTPConnection(host, port)
    ms, values = [], []
    with progressbar(len(paths), label) as bar:
        for path in paths:
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            ms.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise SystemExit(f"GET {path}: HTTP {response.status}: {body[:500]!r}")
            values.append(json.loads(body)[field])
            bar.update(1)
    conn.close()
    return {"ms": ms, "values": values}


if __name__ == "__main__":
    host, port, label, field = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    json.dump(run(host, port, label, field, json.load(sys.stdin)), sys.stdout)
