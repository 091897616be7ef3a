#!/usr/bin/env python3
"""Certificate and transcript PDF times (issue #13: a certificate in under 300 ms).

Against a release server with demo data: logs in as the demo veteran (a 40-year ledger), reads My Page for the
first certificate's number, then downloads the certificate PDF and the transcript PDF one after
another (a warm-up first). Prints p50, p95 and max per document and its size, and exits 1 when
the certificate's p95 is over the budget."""

import argparse
import http.cookiejar
import json
import statistics
import sys
import time
import urllib.request

PASSWORD = "nintei-demo-2026"
BUDGET_MS = 300


def opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def timed(o, url, n):
    times, size = [], 0
    for _ in range(n):
        t = time.perf_counter()
        with o.open(url, timeout=60) as r:
            body = r.read()
            assert r.headers["content-type"] == "application/pdf", r.headers["content-type"]
        times.append((time.perf_counter() - t) * 1000)
        size = len(body)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[max(0, int(len(times) * 0.95) - 1)],
        "max": times[-1],
        "bytes": size,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:3300")
    p.add_argument("--runs", type=int, default=30)
    a = p.parse_args()
    o = opener()
    req = urllib.request.Request(
        f"{a.base}/api/auth/login",
        data=json.dumps({"email": "veteran.physician@example.jp", "password": PASSWORD}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    o.open(req, timeout=60).read()
    page = json.loads(o.open(f"{a.base}/api/mypage", timeout=60).read())
    number = page["certificates"][0]["number"]
    cert = f"{a.base}/api/mypage/certificates/{number}/pdf"
    transcript = f"{a.base}/api/mypage/transcript.pdf"
    timed(o, cert, 3)
    timed(o, transcript, 3)
    c = timed(o, cert, a.runs)
    t = timed(o, transcript, a.runs)
    for name, r in (("certificate PDF", c), ("transcript PDF", t)):
        print(f"{name}: p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, max {r['max']:.1f} ms, {r['bytes']} bytes ({a.runs} runs)")
    print(f"ledger rows in the transcript: {len(page['ledger'])}")
    if c["p95"] > BUDGET_MS:
        print(f"certificate p95 over the {BUDGET_MS} ms budget", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
