#!/usr/bin/env python3
"""A loopback SMTP relay for the mail tests (aiosmtpd): writes each message it accepts to a folder, and can refuse.

    python3 Tests/mail/smtp_sink.py --dir DIR [--refuse N] [--tls] [--auth USER:PASSWORD]

Prints "READY <port>" once it listens on 127.0.0.1. Each accepted message is DIR/<n>.eml: the envelope's sender and
recipients on the first two lines, then the message as received. The first N messages are refused with 451 (try again
later); a recipient whose address starts with "reject" is refused with 550 (permanently). With --tls the relay
offers STARTTLS with a self-signed certificate for "localhost" (written to DIR/relay.pem, made with openssl) and
requires it; with --auth it requires AUTH with that user and password, over TLS only.
"""
import argparse
import os
import socket
import ssl
import subprocess
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, folder, refuse):
        self.folder = folder
        self.refuse = refuse
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        self.count += 1
        path = os.path.join(self.folder, f"{self.count}.eml")
        with open(path + ".tmp", "wb") as f:
            f.write(f"{envelope.mail_from}\n{','.join(envelope.rcpt_tos)}\n".encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 accepted"


def tls_context(folder):
    cert, key = os.path.join(folder, "relay.pem"), os.path.join(folder, "relay.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert],
        check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok)
    return check


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--refuse", type=int, default=0)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--auth")
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    options = {}
    if args.tls:
        options.update(tls_context=tls_context(args.dir), require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)
        options.update(authenticator=authenticator(user, password), auth_required=True, auth_require_tls=True)
    controller = Controller(Sink(args.dir, args.refuse), hostname="127.0.0.1", port=port, server_hostname="localhost", **options)
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
