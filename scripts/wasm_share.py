#!/usr/bin/env python3
"""How much of the client's wasm is the domain crate (the eligibility engine and its types).

Reads the linker's output (before wasm-bindgen and wasm-opt, which drop function names), sums
the code-section body sizes of functions whose (mangled) names belong to `domain`, and applies
that share to the final, gzip-compressed file that browsers download.

Usage: scripts/wasm_share.py TARGET_DIR DIST_DIR
"""
import glob
import gzip
import os
import re
import sys


def leb(data, i):
    result = shift = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def sections(data):
    i = 8
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        yield sid, data[i:i + size]
        i += size


def analyse(path):
    data = open(path, "rb").read()
    imported = 0
    bodies = []
    names = {}
    for sid, body in sections(data):
        if sid == 2:  # imports: function imports take the first indices
            count, j = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    n, j = leb(body, j)
                    j += n
                kind = body[j]
                j += 1
                if kind == 0:
                    _, j = leb(body, j)
                    imported += 1
                elif kind == 1:
                    j += 1
                    flags, j = leb(body, j)
                    _, j = leb(body, j)
                    if flags & 1:
                        _, j = leb(body, j)
                elif kind == 2:
                    flags, j = leb(body, j)
                    _, j = leb(body, j)
                    if flags & 1:
                        _, j = leb(body, j)
                elif kind == 3:
                    j += 2
                else:
                    _, j = leb(body, j + 1)
        elif sid == 10:  # code
            count, j = leb(body, 0)
            for _ in range(count):
                size, j = leb(body, j)
                bodies.append(size)
                j += size
        elif sid == 0:
            n, j = leb(body, 0)
            if body[j:j + n] != b"name":
                continue
            j += n
            while j < len(body):
                sub = body[j]
                size, j = leb(body, j + 1)
                if sub == 1:
                    k = j
                    count, k = leb(body, k)
                    for _ in range(count):
                        idx, k = leb(body, k)
                        ln, k = leb(body, k)
                        names[idx] = body[k:k + ln].decode("utf-8", "replace")
                        k += ln
                j += size
    if not names:
        sys.exit(f"{path} has no name section")
    ours = re.compile(r"6domain|domain\.\.|domain::")
    total = sum(bodies)
    domain = sum(size for i, size in enumerate(bodies) if ours.search(names.get(i + imported, "")))
    return total, domain


def main():
    target, dist = sys.argv[1], sys.argv[2]
    raw = os.path.join(target, "wasm32-unknown-unknown", "wasm-release", "app.wasm")
    final = glob.glob(os.path.join(dist, "*_bg.wasm"))[0]
    total, domain = analyse(raw)
    share = domain / total
    final_bytes = open(final, "rb").read()
    gz = len(gzip.compress(final_bytes, 9))
    print(f"client wasm: {len(final_bytes) / 1024:.0f} KiB, {gz / 1024:.0f} KiB gzip")
    print(f"domain crate (engine, rules, types): {domain / 1024:.0f} of {total / 1024:.0f} KiB of code = {share:.1%}")
    print(f"engine's share of the compressed download: about {share * gz / 1024:.0f} KiB gzip")


if __name__ == "__main__":
    main()
