#!/usr/bin/env python3
"""Load script for check-in (issue #5): a 1,000-attendee session checked in and out from 10
devices, with retries, then posted.

Run against a server with demo data (`make run`, or `make load` which starts one):

    python3 scripts/load_checkin.py --base http://127.0.0.1:3000

Each device is one thread with its own keep-alive connection and the organizer's login. Every
attendee is checked in (at the session start) and out (at its end) by registry number, as the
fallback search does; 10 % of scans are sent twice with the same client-made id, as a phone
retries after a timeout, and the answer must name the same record. Then the session is posted and
the script checks that exactly one credit per attendee was written. It prints throughput,
latency percentiles and the result; the exit code is 1 when any check fails. Standard library
only.
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9))


class Device:
    """One phone at the door: a keep-alive connection with the organizer's session cookie."""

    def __init__(self, base, cookie=None):
        url = urllib.parse.urlparse(base)
        self.host, self.port = url.hostname, url.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cookie = cookie

    def request(self, method, path, body=None):
        headers = {"content-type": "application/json"}
        if self.cookie:
            headers["cookie"] = self.cookie
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(3):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                text = resp.read()
                if resp.getheader("set-cookie"):
                    self.cookie = resp.getheader("set-cookie").split(";")[0]
                return resp.status, (json.loads(text) if text else None)
            except (ConnectionError, http.client.HTTPException, TimeoutError):
                # A dropped connection: reconnect and resend the same request (same client id).
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", default="http://127.0.0.1:3000")
    ap.add_argument("--attendees", type=int, default=1000)
    ap.add_argument("--devices", type=int, default=10)
    ap.add_argument("--retry-share", type=float, default=0.10)
    ap.add_argument("--organizer", default="kyoto.organizer@example.jp")
    ap.add_argument("--staff", default="kyoto.staff@example.jp")
    ap.add_argument("--password", default="nintei-demo-2026")
    args = ap.parse_args()

    login = Device(args.base)
    status, _ = login.request("POST", "/api/auth/login", {"email": args.organizer, "password": args.password})
    if status != 200:
        sys.exit(f"login as {args.organizer} failed ({status}); is the server running with demo data?")

    # A session that ended a few minutes ago today (JST): scans must fall on its day and not in
    # the future.
    now = datetime.now(JST)
    end = (now - timedelta(minutes=2)).replace(second=0, microsecond=0)
    start = end - timedelta(minutes=60)
    if start.date() != now.date():
        sys.exit("run this after 01:05 JST: the session must start and end today")
    run_tag = uuid.uuid4().hex[:6]
    form = {
        "title": f"負荷試験 {run_tag}",
        "category": "occupational.lifelong.specialized",
        "subject": "",
        "units": "1",
        "date": start.date().isoformat(),
        "starts_at": start.strftime("%H:%M"),
        "ends_at": end.strftime("%H:%M"),
        "venue": "京都府医師会館 大ホール",
        "prefecture": "26",
        "online": False,
        "capacity": str(args.attendees + 100),
        "lecturers": "",
    }
    status, session = login.request("POST", "/api/organizer/sessions", form)
    if status != 201:
        sys.exit(f"creating the session failed ({status}): {session}")
    sid = session["id"]
    # Kyoto's staff designate it (only a designated session takes scans).
    staff = Device(args.base)
    status, _ = staff.request("POST", "/api/auth/login", {"email": args.staff, "password": args.password})
    if status != 200:
        sys.exit(f"login as {args.staff} failed ({status})")
    status, done = staff.request("POST", f"/api/review/sessions/{sid}/designate", {"number": ""})
    if status != 200:
        sys.exit(f"designating the session failed ({status}): {done}")

    base_number = random.randint(2_000_000, 8_000_000)
    registries = [str(base_number + i) for i in range(args.attendees)]
    shards = [registries[i :: args.devices] for i in range(args.devices)]
    latencies, problems = [], []
    lock = threading.Lock()
    sent = [0]

    def scan(device, registry, kind, at):
        body = {
            "client_id": uuid.uuid4().hex,
            "kind": kind,
            "at": at.astimezone(timezone.utc).isoformat(),
            "registry_number": registry,
        }
        repeats = 2 if random.random() < args.retry_share else 1
        first = None
        for _ in range(repeats):
            t0 = time.perf_counter()
            status, answer = device.request("POST", f"/api/organizer/sessions/{sid}/scans", body)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                sent[0] += 1
            if status not in (200, 201):
                with lock:
                    problems.append(f"{registry} {kind}: {status} {answer}")
                return
            if first is None:
                first = answer["scan_id"]
            elif answer["scan_id"] != first:
                with lock:
                    problems.append(f"{registry} {kind}: a retry made a second record")

    def run_device(registries_of_device):
        device = Device(args.base, login.cookie)
        for r in registries_of_device:
            scan(device, r, "in", start + timedelta(minutes=random.randint(-10, 4)))
        for r in registries_of_device:
            scan(device, r, "out", end - timedelta(minutes=random.randint(0, 4)))

    threads = [threading.Thread(target=run_device, args=(s,)) for s in shards]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0

    t1 = time.perf_counter()
    status, posted = login.request("POST", f"/api/organizer/sessions/{sid}/post", {"grants": []})
    post_seconds = time.perf_counter() - t1
    status_att, rows = login.request("GET", f"/api/organizer/sessions/{sid}/attendance")

    lat = sorted(latencies)
    print(f"session {sid}: {args.attendees} attendees, {args.devices} devices, "
          f"{sent[0]} scan requests ({sent[0] - 2 * args.attendees} retries)")
    print(f"check-in and check-out took {wall:.1f} s (budget 300 s)")
    print(f"throughput {sent[0] / wall:.0f} scans/s")
    print(f"latency p50 {percentile(lat, 50) * 1000:.1f} ms, p95 {percentile(lat, 95) * 1000:.1f} ms, "
          f"p99 {percentile(lat, 99) * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms")
    written = posted.get("credits_written") if isinstance(posted, dict) else None
    print(f"posting took {post_seconds * 1000:.0f} ms and wrote {written} credits")
    ok = True
    if problems:
        ok = False
        print(f"FAIL: {len(problems)} scan problems, e.g. {problems[:3]}")
    if status != 200 or written != args.attendees:
        ok = False
        print(f"FAIL: expected exactly {args.attendees} credits, got {written} ({status})")
    if status_att != 200 or len(rows) != args.attendees:
        ok = False
        print(f"FAIL: attendance lists {len(rows) if rows else 0} attendees")
    if wall > 300:
        ok = False
        print("FAIL: slower than 5 minutes")
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
