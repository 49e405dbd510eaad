#!/usr/bin/python3
"""Helpers of scripts/bench-notify (issue 14): HTTP clients that set up and drive a Relais server, and readers
of what the local SMTP sink (tests/support/smtp_sink.py) and SMS provider (tests/support/sms_provider.py)
received. Standard library only (run with /usr/bin/python3, the interpreter that has aiosmtpd).

  free-port                                   a free loopback TCP port
  register   --base URL --count N --out FILE  N volunteer registrations without a password (unique emails
                                              and mobiles), 8 connections; FILE: one volunteer id a line
  activate   --base URL --email E --password P --ids FILE --out JSON
                                              the coordinator validates every volunteer of FILE (8
                                              connections); JSON: first send, last answer, counts
  wait-sink  --dir D --recipients-of FILE --start JSON --timeout S --out JSON
                                              waits until the sink holds one message to each address of
                                              FILE (or the timeout); checks Message-IDs; the figures
  e2e-setup  --base URL --admin E P --coordinator E P --volunteers N
                                              auto-dispatch on, N volunteers with mobiles registered,
                                              validated, signed in, quiet hours off
  e2e-post   --base URL --count N --rate R --out JSON
                                              N public requests at R a second (4 connections)
  e2e-wait   --sms-dir D --count N --timeout S
                                              waits until the provider holds N proposals
  e2e-report --sms-dir D --db DB --posts JSON latency from each POST to its proposal's arrival
"""

import argparse
import email.header
import http.client
import json
import os
import queue
import socket
import sqlite3
import sys
import threading
import time

NEIGHBOURHOOD = "centre"
LOCATION = {"lat": 48.1113, "lon": -1.68}
CATEGORIES = ["shopping", "medicines", "books", "admin", "friendly_call", "walk", "appointment", "digital"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class client:
    """One keep-alive HTTP connection to the server, with an optional session (cookie and CSRF token)."""

    def __init__(self, base):
        host, port = base.replace("http://", "").split(":")
        self.host, self.port = host, int(port.rstrip("/"))
        self.conn = None
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf and method not in ("GET", "HEAD"):
            headers["X-CSRF-Token"] = self.csrf
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, raw, r
            except (http.client.HTTPException, ConnectionError, socket.timeout):
                if self.conn:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")

    def login(self, email, password):
        status, raw, r = self.call("POST", "/api/v1/auth/login", {"email": email, "password": password})
        if status != 200:
            raise SystemExit("bench_notify: %s could not sign in: %d %s" % (email, status, raw[:200]))
        self.cookie = r.getheader("Set-Cookie").split(";")[0]
        self.csrf = json.loads(raw)["csrf_token"]
        return self


def volunteer_body(email, phone, password=None, tag="Banc"):
    body = {
        "first_name": tag,
        "last_name": "Essai",
        "email": email,
        "phone": phone,
        "neighbourhood": NEIGHBOURHOOD,
        "location": LOCATION,
        "skills": CATEGORIES,
        "availability": [{"day": d, "start": "00:00", "end": "23:59"}
                         for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")],
        "languages": ["fr"],
        "max_missions_per_week": 14,
        "consent": True,
    }
    if password:
        body["password"] = password
    return body


def run_parallel(n_workers, items, work):
    """Runs work(client_index, item) over items with n_workers threads; returns the results in order."""
    results = [None] * len(items)
    q = queue.Queue()
    for i, it in enumerate(items):
        q.put((i, it))
    errors = []

    def worker(w):
        while True:
            try:
                i, it = q.get_nowait()
            except queue.Empty:
                return
            try:
                results[i] = work(w, it)
            except Exception as e:  # noqa: BLE001 (reported below)
                errors.append(repr(e))
                results[i] = None

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(n_workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print("bench_notify: %d calls failed, first: %s" % (len(errors), errors[0]), file=sys.stderr)
    return results


def cmd_register(a):
    clients = [client(a.base) for _ in range(8)]
    salt = "%x" % int(time.time())

    def one(w, i):
        email = "campagne-%s-%d@example.org" % (salt, i)
        status, raw, _ = clients[w].call("POST", "/api/v1/volunteers",
                                         volunteer_body(email, "06%08d" % (30000000 + i)))
        if status != 201:
            raise RuntimeError("registration answered %d: %s" % (status, raw[:200]))
        return json.loads(raw)["id"], email

    out = run_parallel(8, list(range(a.count)), one)
    good = [x for x in out if x]
    with open(a.out, "w") as f:
        for vid, email in good:
            f.write("%s %s\n" % (vid, email))
    print(len(good))
    return 0 if len(good) == a.count else 1


def cmd_activate(a):
    ids = [line.split()[0] for line in open(a.ids) if line.strip()]
    clients = [client(a.base).login(a.email, a.password) for _ in range(8)]
    first = [None]
    lock = threading.Lock()

    def one(w, vid):
        t = time.time()
        with lock:
            if first[0] is None:
                first[0] = t
        status, raw, _ = clients[w].call("POST", "/api/v1/volunteers/%s/activate" % vid, {})
        return status

    statuses = run_parallel(8, ids, one)
    last = time.time()
    ok = sum(1 for s in statuses if s == 200)
    json.dump({"first_sent": first[0], "last_answer": last, "ok": ok, "other": len(ids) - ok}, open(a.out, "w"))
    print("%d activations in %.1f s (%.0f/s), %d not 200" % (len(ids), last - first[0], len(ids) / (last - first[0]),
                                                             len(ids) - ok))
    return 0


def header(raw, name):
    """The value of header `name` in the message `raw` (bytes), unfolded; None when absent."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("utf-8", "replace")
    lines = head.replace("\r\n", "\n").split("\n")
    value = None
    for line in lines:
        if value is not None and line[:1] in (" ", "\t"):
            value += line.strip()
            continue
        if value is not None:
            return value
        if line.lower().startswith(name.lower() + ":"):
            value = line.split(":", 1)[1].strip()
    return value


def subject_text(raw):
    try:
        return str(email.header.make_header(email.header.decode_header(raw)))
    except (ValueError, LookupError):
        return raw


def cmd_wait_sink(a):
    wanted = {line.split()[1].lower() for line in open(a.recipients_of) if line.strip()}
    start = json.load(open(a.start))["first_sent"]
    deadline = time.time() + a.timeout
    n = 0
    got = {}  # address -> times received
    others = []  # (n, recipients) of messages to addresses outside the campaign
    message_ids = {}
    missing_id = 0
    first_arrival = last_arrival = None
    while True:
        path = os.path.join(a.dir, "%d.eml" % (n + 1))
        if os.path.exists(path):
            n += 1
            with open(os.path.join(a.dir, "%d.env" % n)) as f:
                rcpts = [line.strip().lower() for line in f.read().splitlines()[1:] if line.strip()]
            with open(path, "rb") as f:
                raw = f.read()
            mid = header(raw, "Message-ID")
            if mid:
                message_ids[mid] = message_ids.get(mid, 0) + 1
            else:
                missing_id += 1
            mine = [r for r in rcpts if r in wanted]
            if mine:
                arrived = os.stat(path).st_mtime
                first_arrival = arrived if first_arrival is None else min(first_arrival, arrived)
                last_arrival = arrived if last_arrival is None else max(last_arrival, arrived)
                for r in mine:
                    got[r] = got.get(r, 0) + 1
            else:
                others.append((n, rcpts, header(raw, "Subject") or ""))
            continue
        if len(got) >= len(wanted) or time.time() > deadline:
            break
        time.sleep(0.05)
    time.sleep(1.0)  # anything late (a message sent twice) would show now
    while os.path.exists(os.path.join(a.dir, "%d.eml" % (n + 1))):
        n += 1
        with open(os.path.join(a.dir, "%d.env" % n)) as f:
            rcpts = [line.strip().lower() for line in f.read().splitlines()[1:] if line.strip()]
        with open(os.path.join(a.dir, "%d.eml" % n), "rb") as f:
            mid = header(f.read(), "Message-ID")
        if mid:
            message_ids[mid] = message_ids.get(mid, 0) + 1
        for r in rcpts:
            if r in wanted:
                got[r] = got.get(r, 0) + 1
    delivered = sum(got.values())
    result = {
        "files": n,
        "campaign_messages": delivered,
        "distinct_recipients": len(got),
        "expected": len(wanted),
        "twice": sum(1 for v in got.values() if v > 1),
        "duplicate_message_ids": sum(v - 1 for v in message_ids.values() if v > 1),
        "without_message_id": missing_id,
        "others": len(others),
        "others_detail": "; ".join(" ".join(r) + " (" + subject_text(s)[:70] + ")" for _, r, s in others[:5]),
        "seconds": (last_arrival - start) if last_arrival else None,
        "sending_seconds": (last_arrival - first_arrival) if last_arrival else None,
        "complete": len(got) == len(wanted),
    }
    result["rate"] = len(got) / result["seconds"] if result["seconds"] else 0
    json.dump(result, open(a.out, "w"))
    print(json.dumps(result))
    return 0


def cmd_e2e_setup(a):
    admin = client(a.base).login(a.admin[0], a.admin[1])
    status, raw, _ = admin.call("PATCH", "/api/v1/programme", {"auto_dispatch": True})
    if status != 200:
        raise SystemExit("bench_notify: PATCH /api/v1/programme answered %d: %s" % (status, raw[:300]))
    coordinator = client(a.base).login(a.coordinator[0], a.coordinator[1])
    password = "velo rennes banc essai 2026"
    salt = "%x" % int(time.time())
    clients = [client(a.base) for _ in range(4)]

    def one(w, i):
        email = "e2e-%s-%d@example.org" % (salt, i)
        # Mobiles, 06 and 07 (07 numbers from 0760: the 070-072 blocks are not allocated).
        phone = ("06%08d" % (11000000 + i)) if i % 2 == 0 else ("076%07d" % (1000000 + i))
        c = clients[w]
        status, raw, _ = c.call("POST", "/api/v1/volunteers", volunteer_body(email, phone, password, "Mobile"))
        if status != 201:
            raise RuntimeError("registration answered %d: %s" % (status, raw[:300]))
        vid = json.loads(raw)["id"]
        return vid, email

    made = run_parallel(4, list(range(a.volunteers)), one)
    made = [m for m in made if m]
    for vid, _ in made:
        status, raw, _ = coordinator.call("POST", "/api/v1/volunteers/%s/activate" % vid, {})
        if status != 200:
            raise SystemExit("bench_notify: activation answered %d: %s" % (status, raw[:300]))

    def prefs(w, m):
        # Quiet hours off: by default a volunteer gets no text between 21:00 and 08:00 city time, and a
        # proposal made then waits for the morning; the benchmark must not depend on the hour it runs.
        c = client(a.base).login(m[1], password)
        status, raw, _ = c.call("PUT", "/api/v1/me/preferences",
                                {"channels": ["sms", "email"], "quiet_hours": {"from": "00:00", "until": "00:00"},
                                 "optional_messages": True})
        if status != 200:
            raise RuntimeError("preferences answered %d: %s" % (status, raw[:300]))
        return True

    done = run_parallel(2, made, prefs)
    ok = sum(1 for d in done if d)
    print("%d volunteers active with mobiles, %d with quiet hours off" % (len(made), ok))
    return 0 if ok == a.volunteers else 1


def request_body(i, salt, email=True):
    now = time.time()
    day = 86400
    frm = time.strftime("%Y-%m-%dT08:00:00Z", time.gmtime(now + day))
    until = time.strftime("%Y-%m-%dT20:00:00Z", time.gmtime(now + 7 * day))
    resident = {"first_name": "Yvonne", "last_name": "Le Gall", "phone": "06%08d" % (50000000 + i),
                "address": "%d rue de Saint-Malo, Rennes" % (i % 120 + 1), "neighbourhood": NEIGHBOURHOOD,
                "location": LOCATION}
    if email:
        resident["email"] = "habitant-%s-%d@example.org" % (salt, i)
    return {"resident": resident, "category": CATEGORIES[i % len(CATEGORIES)], "urgency": "48h",
            "details": "Demande %d du banc d'essai" % i, "window": {"from": frm, "until": until}, "consent": True}


def cmd_e2e_post(a):
    salt = "%x" % int(time.time())
    clients = [client(a.base) for _ in range(4)]
    t0 = time.time() + 0.5
    results = [None] * a.count
    counter = [0]
    lock = threading.Lock()

    def worker(w):
        while True:
            with lock:
                i = counter[0]
                counter[0] += 1
            if i >= a.count:
                return
            due = t0 + i / a.rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            body = request_body(i, salt, email=False)
            sent = time.time()
            status, raw, _ = clients[w].call("POST", "/api/v1/requests", body)
            answered = time.time()
            rid = json.loads(raw)["id"] if status == 201 else None
            results[i] = {"id": rid, "sent": sent, "answered": answered, "status": status}

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    json.dump(results, open(a.out, "w"))
    ok = sum(1 for r in results if r and r["status"] == 201)
    late = sum(1 for i, r in enumerate(results) if r and r["sent"] - (t0 + i / a.rate) > 0.1)
    span = results[-1]["sent"] - results[0]["sent"]
    print("%d requests in %.1f s (%.1f/s), %d answered 201, %d sent more than 100 ms late" % (
        a.count, span, (a.count - 1) / span if span else 0, ok, late))
    return 0


def proposals(sms_dir):
    """{sid: arrival time} of the proposals the provider holds (a proposal's text has its answer link)."""
    out = {}
    for name in os.listdir(sms_dir):
        if not name.endswith(".json"):
            continue
        path = os.path.join(sms_dir, name)
        try:
            with open(path) as f:
                m = json.load(f)
        except (OSError, ValueError):
            continue
        if "/reponse/" in (m.get("body") or ""):
            out[m["sid"]] = os.stat(path).st_mtime
    return out


def cmd_e2e_wait(a):
    deadline = time.time() + a.timeout
    seen = 0
    while time.time() < deadline:
        seen = len(proposals(a.sms_dir))
        if seen >= a.count:
            break
        time.sleep(0.5)
    print(seen)
    return 0


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def cmd_e2e_report(a):
    posts = json.load(open(a.posts))
    arrivals = proposals(a.sms_dir)
    db = sqlite3.connect("file:%s?mode=ro" % a.db, uri=True)
    first_sms = {}  # request id -> earliest arrival of a proposal SMS for it
    for provider_id, request_id in db.execute(
            "SELECT o.provider_id, m.request_id FROM outbox o JOIN mission m ON m.id = o.about_id "
            "WHERE o.kind = 'proposal' AND o.channel = 'sms' AND o.provider_id IS NOT NULL"):
        t = arrivals.get(provider_id)
        if t is not None and (request_id not in first_sms or t < first_sms[request_id]):
            first_sms[request_id] = t
    proposed = db.execute("SELECT COUNT(DISTINCT request_id) FROM mission").fetchone()[0]
    latencies = []
    missing = 0
    for p in posts:
        if not p or p["status"] != 201:
            missing += 1
            continue
        t = first_sms.get(p["id"])
        if t is None:
            missing += 1
            continue
        latencies.append(t - p["sent"])
    latencies.sort()
    result = {
        "requests": len(posts),
        "with_sms": len(latencies),
        "missing": missing,
        "requests_proposed": proposed,
        "proposal_sms": len(arrivals),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else None,
        # A request with no proposal counts as infinitely late in the p99 of every request.
        "p99_all": percentile(latencies + [float("inf")] * missing, 99),
    }
    print(json.dumps(result))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("free-port")
    s = sub.add_parser("register")
    s.add_argument("--base", required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("activate")
    s.add_argument("--base", required=True)
    s.add_argument("--email", required=True)
    s.add_argument("--password", required=True)
    s.add_argument("--ids", required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("wait-sink")
    s.add_argument("--dir", required=True)
    s.add_argument("--recipients-of", required=True)
    s.add_argument("--start", required=True)
    s.add_argument("--timeout", type=float, default=300)
    s.add_argument("--out", required=True)
    s = sub.add_parser("e2e-setup")
    s.add_argument("--base", required=True)
    s.add_argument("--admin", nargs=2, required=True)
    s.add_argument("--coordinator", nargs=2, required=True)
    s.add_argument("--volunteers", type=int, default=100)
    s = sub.add_parser("e2e-post")
    s.add_argument("--base", required=True)
    s.add_argument("--count", type=int, default=1000)
    s.add_argument("--rate", type=float, default=20)
    s.add_argument("--out", required=True)
    s = sub.add_parser("e2e-wait")
    s.add_argument("--sms-dir", required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--timeout", type=float, default=60)
    s = sub.add_parser("e2e-report")
    s.add_argument("--sms-dir", required=True)
    s.add_argument("--db", required=True)
    s.add_argument("--posts", required=True)
    a = p.parse_args()
    if a.cmd == "free-port":
        print(free_port())
        return 0
    return {"register": cmd_register, "activate": cmd_activate, "wait-sink": cmd_wait_sink,
            "e2e-setup": cmd_e2e_setup, "e2e-post": cmd_e2e_post, "e2e-wait": cmd_e2e_wait,
            "e2e-report": cmd_e2e_report}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
