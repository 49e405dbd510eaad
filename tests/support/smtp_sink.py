#!/usr/bin/python3
"""A real SMTP server for the email channel's tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py --port N --dir DIR [--cert FILE --key FILE [--implicit-tls]] [--user U --password P]
                   [--fail-first K] [--delay-ms D]

Each accepted message is written to DIR as <n>.eml (n counting from 1), with its envelope in <n>.env
(MAIL FROM, then one RCPT TO per line), so a test counts deliveries at the sink. With --cert/--key the server
offers STARTTLS and requires it before AUTH and MAIL, or with --implicit-tls speaks TLS from the first byte
(SMTPS, a client's smtps:// URL); with --user/--password it requires AUTH PLAIN or LOGIN. The connections
accepted are counted in DIR/connections (a client that reuses its connection for a batch makes one).
--fail-first K answers 451 (try again later) to the first K messages: a temporary failure. --delay-ms D waits
D milliseconds before answering each message (a slow server; what arrives is still written). Prints "ready"
on standard output once it listens.
"""

import argparse
import asyncio
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class CountingController(Controller):
    """Counts the connections it accepts once count_file is set (after start(): its own check is not one)."""

    count_file = None
    connections = 0

    def factory(self):
        if self.count_file is not None:
            self.connections += 1
            with open(self.count_file + ".tmp", "w", encoding="utf-8") as f:
                f.write(str(self.connections))
            os.replace(self.count_file + ".tmp", self.count_file)
        return super().factory()


class Sink:
    def __init__(self, directory, fail_first, delay):
        self.directory = directory
        self.fail_left = fail_first
        self.delay = delay
        # A restarted sink goes on numbering after what the folder already holds.
        self.count = len([f for f in os.listdir(directory) if f.endswith(".eml")])

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)  # a slow server: messages are in flight for a while
        if self.fail_left > 0:
            self.fail_left -= 1
            return "451 4.3.0 Try again later"
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        with open(base + ".env.tmp", "w", encoding="utf-8") as f:
            f.write(envelope.mail_from + "\n")
            for rcpt in envelope.rcpt_tos:
                f.write(rcpt + "\n")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".env.tmp", base + ".env")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--delay-ms", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)

    kwargs = {"hostname": "127.0.0.1", "port": a.port}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        if a.implicit_tls:
            kwargs["ssl_context"] = ctx
        else:
            kwargs["tls_context"] = ctx
            kwargs["require_starttls"] = True
    if a.user:
        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == a.user
                  and auth_data.password.decode() == a.password)
            return AuthResult(success=ok, handled=False)
        kwargs["authenticator"] = authenticate
        kwargs["auth_required"] = True
        # Over STARTTLS only when there is a certificate (aiosmtpd refuses AUTH in clear text by default).
        kwargs["auth_require_tls"] = bool(a.cert)

    controller = CountingController(Sink(a.dir, a.fail_first, a.delay_ms / 1000.0), **kwargs)
    controller.start()
    controller.count_file = os.path.join(a.dir, "connections")
    print("ready", flush=True)

    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
