#!/usr/bin/env python3
"""What each audience's phone downloads before its first page works: every js and wasm file its
build's index.html names, brotli-compressed as the server sends them (the `.br` files `make
client` writes). Fails when a build is over its budget (issue #12).

Usage: scripts/size.py DIST_DIR
"""
import os
import re
import sys

KIB = 1024
# The build's folder under dist/ (domain::bundle), and its budget in KiB (None: printed only).
BUILDS = [
    ("physician", "", 250),
    ("records", "_records", None),
    ("door", "_door", 350),
    ("staff", "_staff", None),
]


WORKER_LINK = re.compile(r"<link rel=\"nintei-worker\" href=\"([^\"]+)\"[^>]*>")


def assets(html):
    """Same-origin js and wasm files the page loads, and apart the worker files it only names
    (`rel="nintei-worker"`: loaded when a feature needs them, e.g. the door's QR decoder)."""
    workers = sorted(set(WORKER_LINK.findall(html)))
    html = WORKER_LINK.sub("", html)
    found = re.findall(r"[\"'](/[A-Za-z0-9._/-]+\.(?:js|wasm))[\"']", html)
    return sorted(set(found)), workers


def brotli_size(dist, url, failures, name):
    compressed = os.path.join(dist, url.lstrip("/")) + ".br"
    if not os.path.exists(compressed):
        failures.append(f"{name}: {compressed} is missing (run make client)")
        return 0
    return os.path.getsize(compressed)


def main(dist):
    failures = []
    for name, folder, budget in BUILDS:
        page = os.path.join(dist, folder, "index.html")
        if not os.path.exists(page):
            failures.append(f"{name}: {page} is missing (run make client)")
            continue
        with open(page, encoding="utf-8") as f:
            files, workers = assets(f.read())
        total = 0
        parts = []
        for url in files:
            size = brotli_size(dist, url, failures, name)
            total += size
            parts.append(f"{os.path.basename(url)} {size / KIB:.1f}")
        limit = f" (budget {budget} KiB)" if budget else ""
        print(f"{name:10} {total / KIB:7.1f} KiB brotli{limit}: {', '.join(parts)}")
        if workers:
            later = sum(brotli_size(dist, url, failures, name) for url in workers)
            named = ", ".join(os.path.basename(url) for url in workers)
            print(f"{'':10} {later / KIB:7.1f} KiB brotli when needed: {named}")
        if budget and total > budget * KIB:
            failures.append(f"{name}: {total / KIB:.1f} KiB is over its budget of {budget} KiB")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "dist"))
