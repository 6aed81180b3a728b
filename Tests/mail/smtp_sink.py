#!/usr/bin/env python3
"""A loopback SMTP relay for the mail tests (aiosmtpd): writes each message it accepts to a folder, and can refuse.

    python3 Tests/mail/smtp_sink.py --dir DIR [--refuse N]

Prints "READY <port>" once it listens on 127.0.0.1. Each accepted message is DIR/<n>.eml: the envelope's sender and
recipients on the first two lines, then the message as received. The first N messages are refused with 451 (try again
later); a recipient whose address starts with "reject" is refused with 550 (permanently).
"""
import argparse
import os
import socket
import sys
import time

from aiosmtpd.controller import Controller


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--refuse", type=int, default=0)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(args.dir, args.refuse), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
