#!/usr/bin/python3
"""A local SMS provider for the tests: the documented subset of Twilio's Messages API, and a generic JSON
webhook provider, on 127.0.0.1.

- Twilio mode: POST /2010-04-01/Accounts/{AccountSid}/Messages.json (form: To, From, Body, StatusCallback),
  HTTP basic authentication with the account SID and the auth token; answers 201 with the message's `sid`.
  Then, like Twilio, posts the message's status to its StatusCallback (form: MessageSid, MessageStatus,
  ErrorCode), signed with X-Twilio-Signature: base64(HMAC-SHA1(token, url + sorted name+value pairs)).
- Webhook mode: POST /send (JSON: to, from, text, status_url) with `Authorization: Bearer <token>`; answers
  200 {"id": ...}; status reports are JSON signed with X-Relais-Signature: sha256=hex(HMAC-SHA256(token, body)).

Each accepted message is written to DIR/N.json (1, 2, ...). Numbers listed with --undeliverable are reported
"undelivered" (error code 30003, as Twilio's "unreachable handset"); others "delivered".
POST /_test/config (JSON: deliver_to, e.g. http://127.0.0.1:N) says where the service really listens (the
addresses it gives are its public ones). For the tests' "phone": POST /_test/reply (JSON: from, text) makes the provider call the service's inbound
webhook (--inbound-url) with that text, signed, and answers with the service's status and body.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = None
lock = threading.Lock()
counter = [0]
failures_left = [0]
deliver_to = [""]  # set by POST /_test/config once the service listens


def twilio_signature(url, params):
    data = url + "".join(k + v for k, v in sorted(params.items()))
    mac = hmac.new(args.token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def webhook_signature(body):
    return "sha256=" + hmac.new(args.token.encode(), body, hashlib.sha256).hexdigest()


def post_signed(url, fields):
    """Posts `fields` to one of the service's webhooks, signed as the provider; returns (status, body)."""
    if args.mode == "twilio":
        body = urllib.parse.urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(url, fields)}
    else:
        body = json.dumps(fields).encode()
        headers = {"Content-Type": "application/json", "X-Relais-Signature": webhook_signature(body)}
    # The service's public URL is not where it listens in the tests: --deliver-to replaces its origin.
    parsed = urllib.parse.urlsplit(url)
    target = deliver_to[0] + parsed.path
    req = urllib.request.Request(target, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def report_status(url, sid, to):
    time.sleep(args.report_delay_ms / 1000)
    undelivered = to in args.undeliverable
    if args.mode == "twilio":
        fields = {"MessageSid": sid, "MessageStatus": "undelivered" if undelivered else "delivered",
                  "AccountSid": args.account}
        if undelivered:
            fields["ErrorCode"] = "30003"
    else:
        fields = {"id": sid, "status": "undelivered" if undelivered else "delivered"}
        if undelivered:
            fields["error_code"] = "30003"
    try:
        post_signed(url, fields)
    except OSError:
        pass  # the service is gone: a real provider retries; the tests do not need it


class handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/_test/config":
            deliver_to[0] = json.loads(raw)["deliver_to"]
            return self.answer(200, {})
        if self.path == "/_test/reply":
            req = json.loads(raw)
            fields = {"From": req["from"], "To": args.number, "Body": req["text"],
                      "MessageSid": "SM" + os.urandom(16).hex(), "AccountSid": args.account}
            if args.mode != "twilio":
                fields = {"from": req["from"], "to": args.number, "text": req["text"],
                          "id": "in-" + os.urandom(8).hex()}
            if "id" in req:
                fields["MessageSid" if args.mode == "twilio" else "id"] = req["id"]
            status, body = post_signed(args.inbound_url, fields)
            return self.answer(200, {"status": status, "body": body})
        if args.mode == "twilio":
            expected_path = "/2010-04-01/Accounts/%s/Messages.json" % args.account
            if self.path != expected_path:
                return self.answer(404, {"code": 20404, "message": "not found", "status": 404})
            auth = self.headers.get("Authorization", "")
            good = "Basic " + base64.b64encode(("%s:%s" % (args.account, args.token)).encode()).decode()
            if not hmac.compare_digest(auth, good):
                return self.answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            form = dict(urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True))
            to, sender, text, callback = form.get("To"), form.get("From"), form.get("Body"), form.get(
                "StatusCallback")
        else:
            if self.path != "/send":
                return self.answer(404, {"code": "not_found"})
            if not hmac.compare_digest(self.headers.get("Authorization", ""), "Bearer " + args.token):
                return self.answer(401, {"code": "unauthorized"})
            obj = json.loads(raw)
            to, sender, text, callback = obj.get("to"), obj.get("from"), obj.get("text"), obj.get("status_url")
        if not to or not to.startswith("+") or not text:
            return self.answer(400, {"code": 21211, "message": "invalid 'To' number", "status": 400})
        with lock:
            if failures_left[0] > 0:
                failures_left[0] -= 1
                return self.answer(503, {"code": 20500, "message": "try later", "status": 503})
            counter[0] += 1
            n = counter[0]
            sid = "SM%032x" % n
            path = os.path.join(args.dir, "%d.json" % n)
            with open(path + ".tmp", "w") as f:
                json.dump({"sid": sid, "to": to, "from": sender, "body": text, "status_callback": callback}, f)
            os.rename(path + ".tmp", path)
        if callback:
            threading.Thread(target=report_status, args=(callback, sid, to), daemon=True).start()
        if args.mode == "twilio":
            return self.answer(201, {"sid": sid, "status": "queued", "to": to, "from": sender, "body": text})
        return self.answer(200, {"id": sid})


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--mode", choices=["twilio", "webhook"], default="twilio")
    p.add_argument("--account", default="AC0123456789abcdef0123456789abcdef")
    p.add_argument("--token", required=True)
    p.add_argument("--number", default="+33700000000", help="the programme's number (inbound texts' To)")
    p.add_argument("--inbound-url", required=True, help="the service's public inbound webhook address")
    p.add_argument("--undeliverable", action="append", default=[])
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--report-delay-ms", type=int, default=50)
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    failures_left[0] = args.fail_first
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
