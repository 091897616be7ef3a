#!/usr/bin/env python3
"""Health latency under a burst of logins (issue #17, denial of service).

Against a server with demo data: 64 threads log in at once (each with a demo physician's
account and password, from its own address in X-Forwarded-For, which the server trusts with
NINTEI_TRUST_FORWARDED=true), while one thread asks GET /api/health every 20 ms. Prints the
health latencies (p50, p95, max) at rest and during the burst, and how long the burst took.
Argon2 is slow by design; what matters is that everything else stays fast meanwhile."""

import argparse
import json
import statistics
import threading
import time
import urllib.request

PASSWORD = "nintei-demo-2026"


def accounts():
    yield "demo.physician@example.jp"
    for n in range(1, 30):
        yield f"physician{n:02d}@example.jp"


def login(base, email, i):
    req = urllib.request.Request(
        f"{base}/api/auth/login",
        data=json.dumps({"email": email, "password": PASSWORD}).encode(),
        headers={"content-type": "application/json", "x-forwarded-for": f"10.0.{i // 250}.{i % 250 + 1}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def probe(base, stop, out):
    while not stop.is_set():
        t = time.perf_counter()
        with urllib.request.urlopen(f"{base}/api/health", timeout=30) as r:
            r.read()
        out.append((time.perf_counter() - t) * 1000)
        time.sleep(0.02)


def summary(xs):
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, int(len(xs) * 0.95))]
    return f"p50 {statistics.median(xs):.1f} ms, p95 {p95:.1f} ms, max {xs[-1]:.1f} ms ({len(xs)} probes)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="http://127.0.0.1:3300")
    ap.add_argument("--logins", type=int, default=64)
    a = ap.parse_args()
    rest, stop = [], threading.Event()
    t = threading.Thread(target=probe, args=(a.base, stop, rest))
    t.start()
    time.sleep(2)
    stop.set()
    t.join()
    during, stop = [], threading.Event()
    t = threading.Thread(target=probe, args=(a.base, stop, during))
    t.start()
    time.sleep(0.2)
    emails = list(accounts())
    statuses = []
    start = time.perf_counter()
    workers = [
        threading.Thread(target=lambda i=i: statuses.append(login(a.base, emails[i % len(emails)], i)))
        for i in range(a.logins)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    burst = time.perf_counter() - start
    stop.set()
    t.join()
    print(f"health at rest:      {summary(rest)}")
    print(f"health during burst: {summary(during)}")
    print(f"{a.logins} parallel logins: {burst:.2f} s; answers {sorted(set(statuses))}")


if __name__ == "__main__":
    main()
