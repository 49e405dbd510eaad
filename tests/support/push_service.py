#!/usr/bin/python3
"""A local Web Push service for the tests, on 127.0.0.1: what Mozilla's or Google's push service does with an
application server's message, checked as strictly as they check it.

- GET /push/NAME/_test/subscription[?application_server_key=K] makes (once, then returns the same) a
  subscription as a browser's PushSubscription.toJSON() gives it: {"endpoint", "keys": {"p256dh", "auth"}},
  with a P-256 key pair and an auth secret this service keeps, as the browser would. With K (base64url), the
  subscription is bound to that VAPID key, as pushManager.subscribe({applicationServerKey}) binds it: a push
  signed by another key is refused (403).
- POST /push/NAME is a push (RFC 8030): it needs `Content-Encoding: aes128gcm`, a `TTL`, an optional
  `Urgency` and `Topic`, and `Authorization: vapid t=JWT, k=KEY` (RFC 8292) whose ES256 signature verifies
  with KEY, whose aud is this service's origin and whose exp is in the future but at most 24 h away (401
  otherwise). The body (at most 4096 bytes, else 413) is decrypted (RFC 8291, aes128gcm of RFC 8188) with
  the subscription's keys (400 if it does not decrypt); the plain payload is recorded and the answer is 201.
  Unknown NAME: 404.
- GET /_test/messages: the pushes received so far, in order: [{name, payload, ttl, urgency, topic, sub, aud,
  exp, k}] (payload as text; payload_b64 if it is not UTF-8).
- POST /_test/config (JSON): {"name": N, "status": 410} makes /push/N answer that status from now on (null
  clears it: the subscription "expired" at the push service); {"fail_next": n, "fail_status": 503} answers
  the next n pushes, to any endpoint, with that status (temporary failures).

With --cert and --key it speaks HTTPS (endpoints https://127.0.0.1:PORT/...), for the client's CA file option.
Never a real push service: keys and payloads are test data. Needs Debian's python3-cryptography.
"""

import argparse
import base64
import json
import os
import re
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

args = None
lock = threading.Lock()
subscriptions = {}  # name -> {"key": EC private key, "p256dh": bytes, "auth": bytes, "server_key": str|None}
messages = []
fixed_status = {}  # name -> status
fail_next = [0, 503]

NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url_decode(text):
    if not B64URL.match(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def origin():
    return "%s://127.0.0.1:%d" % ("https" if args.cert else "http", args.port)


def hkdf(salt, ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def check_vapid(header):
    """The claims of a valid `vapid t=..., k=...` header, and its key; raises ValueError saying why not."""
    if not header.lower().startswith("vapid "):
        raise ValueError("not the vapid scheme")
    params = {}
    for part in header[6:].split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            raise ValueError("malformed parameter")
        params[name.strip().lower()] = value.strip()
    token, key = params.get("t"), params.get("k")
    if not token or not key:
        raise ValueError("t= or k= missing")
    point = b64url_decode(key)
    if len(point) != 65:
        raise ValueError("k is not a 65-byte P-256 key")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("t is not a JWT")
    head = json.loads(b64url_decode(parts[0]))
    if head.get("alg") != "ES256" or head.get("typ", "JWT") != "JWT":
        raise ValueError("JWT header is not ES256")
    sig = b64url_decode(parts[2])
    if len(sig) != 64:
        raise ValueError("signature is not r||s")
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        public.verify(der, (parts[0] + "." + parts[1]).encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("bad signature")
    claims = json.loads(b64url_decode(parts[1]))
    if claims.get("aud") != origin():
        raise ValueError("aud is not this push service's origin")
    exp = claims.get("exp")
    now = time.time()
    if not isinstance(exp, int) or exp <= now or exp > now + 24 * 3600:
        raise ValueError("exp is past or more than 24 h away")
    sub = claims.get("sub", "")
    if not isinstance(sub, str) or not (sub.startswith("mailto:") or sub.startswith("https:")):
        raise ValueError("sub is not a mailto: or https: contact")
    return claims, key


def decrypt(sub, body):
    """RFC 8291 / RFC 8188 decryption of an aes128gcm body with the subscription's keys."""
    if len(body) < 21:
        raise ValueError("no header")
    salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    if idlen != 65 or len(body) < 21 + idlen:
        raise ValueError("keyid is not a P-256 key")
    as_public = body[21:21 + idlen]
    records = body[21 + idlen:]
    if rs < 18 or len(records) > rs or len(records) < 17:
        raise ValueError("bad record size")
    sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public)
    ecdh = sub["key"].exchange(ec.ECDH(), sender)
    ikm = hkdf(sub["auth"], ecdh, b"WebPush: info\x00" + sub["p256dh"] + as_public, 32)
    cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    plain = AESGCM(cek).decrypt(nonce, records, None)
    end = len(plain.rstrip(b"\x00"))
    if end == 0 or plain[end - 1] != 2:
        raise ValueError("not a single last record (delimiter 0x02)")
    return plain[:end - 1]


def subscription_of(name, server_key):
    with lock:
        sub = subscriptions.get(name)
        if sub is None:
            key = ec.generate_private_key(ec.SECP256R1())
            p256dh = key.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
            sub = {"key": key, "p256dh": p256dh, "auth": os.urandom(16), "server_key": server_key or None}
            subscriptions[name] = sub
        return sub


class handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client reuses its connection

    def log_message(self, *a):
        pass

    def answer(self, status, obj=None, headers=None):
        body = json.dumps(obj if obj is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_test/messages":
            with lock:
                return self.answer(200, list(messages))
        m = re.match(r"^/push/([^/]+)/_test/subscription$", url.path)
        if m and NAME.match(m.group(1)):
            query = dict(urllib.parse.parse_qsl(url.query))
            sub = subscription_of(m.group(1), query.get("application_server_key"))
            return self.answer(200, {"endpoint": origin() + "/push/" + m.group(1),
                                     "keys": {"p256dh": b64url_encode(sub["p256dh"]),
                                              "auth": b64url_encode(sub["auth"])}})
        return self.answer(404, {"error": "not found"})

    def do_POST(self):
        raw = self.body()
        if self.path == "/_test/config":
            req = json.loads(raw or b"{}")
            with lock:
                if "name" in req:
                    if req.get("status"):
                        fixed_status[req["name"]] = int(req["status"])
                    else:
                        fixed_status.pop(req["name"], None)
                if "fail_next" in req:
                    fail_next[0] = int(req["fail_next"])
                    fail_next[1] = int(req.get("fail_status", 503))
            return self.answer(200, {})
        m = re.match(r"^/push/([^/]+)$", self.path)
        if not m:
            return self.answer(404, {"error": "not found"})
        name = m.group(1)
        with lock:
            if fail_next[0] > 0:
                fail_next[0] -= 1
                return self.answer(fail_next[1], {"error": "try later"}, {"Retry-After": "1"})
            if name in fixed_status:
                return self.answer(fixed_status[name], {"error": "subscription expired"})
            sub = subscriptions.get(name)
        if sub is None:
            return self.answer(404, {"error": "no such subscription"})
        if self.headers.get("Content-Encoding", "").lower() != "aes128gcm":
            return self.answer(415, {"error": "Content-Encoding must be aes128gcm"})
        ttl = self.headers.get("TTL", "")
        if not ttl.isdigit():
            return self.answer(400, {"error": "TTL missing or not a number"})
        urgency = self.headers.get("Urgency", "normal")
        if urgency not in ("very-low", "low", "normal", "high"):
            return self.answer(400, {"error": "bad Urgency"})
        topic = self.headers.get("Topic")
        if topic is not None and (len(topic) > 32 or not B64URL.match(topic)):
            return self.answer(400, {"error": "bad Topic"})
        try:
            claims, key = check_vapid(self.headers.get("Authorization", ""))
        except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError) as e:
            return self.answer(401, {"error": "VAPID: %s" % e})
        if sub["server_key"] is not None and key != sub["server_key"]:
            return self.answer(403, {"error": "VAPID key is not the subscription's applicationServerKey"})
        if len(raw) > 4096:
            return self.answer(413, {"error": "payload too large"})
        try:
            payload = decrypt(sub, raw)
        except (ValueError, InvalidTag) as e:
            return self.answer(400, {"error": "does not decrypt: %s" % (str(e) or "bad tag")})
        record = {"name": name, "ttl": int(ttl), "urgency": urgency, "topic": topic, "sub": claims["sub"],
                  "aud": claims["aud"], "exp": claims["exp"], "k": key}
        try:
            record["payload"] = payload.decode("utf-8")
        except UnicodeDecodeError:
            record["payload_b64"] = b64url_encode(payload)
        with lock:
            messages.append(record)
            n = len(messages)
        return self.answer(201, {}, {"Location": origin() + "/message/%d" % n})


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", help="serve HTTPS with this certificate (PEM), as real push services do")
    p.add_argument("--key", help="the certificate's private key (PEM)")
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    server.daemon_threads = True
    if args.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.cert, args.key)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
