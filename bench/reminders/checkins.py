#!/usr/bin/env python3
"""Portal check-in load (issue 16): the daily check-in through the portal's own pages, on the 10,000-patient demo
that `bench/reminders/bench.py --work DIR` left in DIR. Patients of the demo whose last session is 4 days old (the
server's clock is set back with libfaketime so that the demo's newest sessions are) sign in as a patient does (asks for a link, opens it with the date of birth: the link is read
from the outbox, there is no relay) and sends the day's check-in (multipart form, as the page sends it). Each patient
comes from an address of their own on 127.0.0.0/8, as patients on their phones do (the link requests are throttled
per address). Eight at once.

    python3 bench/reminders/checkins.py --work DIR [--patients 300]

Reference, in the same run: the bare `/health` route from the same client. Target: the check-in POST sustains a whole
day of the demo's 10,000 patients within one hour (2.8 a second), and every check-in is stored once.
"""
import argparse
import concurrent.futures
import datetime
import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PORT = 18391


class Client:
    def __init__(self, source):
        self.source = source
        self.cookies = {}

    def send(self, method, path, body=None, content_type=None):
        c = http.client.HTTPConnection("127.0.0.1", PORT, source_address=(self.source, 0), timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if content_type:
            headers["Content-Type"] = content_type
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if value:
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        c.close()
        return r.status, text

    def form(self, path, fields):
        from urllib.parse import urlencode
        return self.send("POST", path, urlencode(fields), "application/x-www-form-urlencoded")


def hidden(name, html):
    m = re.search(r'name="' + re.escape(name) + r'" value="([^"]+)"', html)
    return m.group(1) if m else None


def multipart(fields):
    boundary = "bench" + uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields]
    return "".join(parts) + f"--{boundary}--\r\n", f"multipart/form-data; boundary={boundary}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--patients", type=int, default=300)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "stratum"))
    a = ap.parse_args()
    db = os.path.join(a.work, "bench.sqlite")
    env = dict(os.environ, DATABASE_URL=db, STRATUM_DATA_DIR=os.path.join(a.work, "data"), STRATUM_PORT=str(PORT),
               LOG_LEVEL="warning", STRATUM_REMINDER_SECONDS="3600")
    env.pop("STRATUM_SMTP_URL", None)
    con = sqlite3.connect(db)
    newest = con.execute("SELECT max(date) FROM treatment_sessions").fetchone()[0]
    if newest is None:
        raise SystemExit("no demo sessions: run bench/reminders/bench.py --work DIR first")
    # The demo's newest sessions are some days old; the server's clock is set back (libfaketime) so that they are 4
    # days old, inside the check-in's 7 days.
    shift = (datetime.date.today() - datetime.date.fromisoformat(newest)).days - 4
    rows = con.execute("""
        SELECT p.id, p.email, p.birth_date, max(s.date) AS last FROM patients p
        JOIN courses c ON c.patient_id = p.id JOIN treatment_sessions s ON s.course_id = c.id
        WHERE p.email IS NOT NULL AND p.merged_into IS NULL
        GROUP BY p.id HAVING last = ?
        ORDER BY p.id LIMIT ?""", (newest, a.patients)).fetchall()
    prefix = ["faketime", "-f", f"-{shift}d"] if shift > 0 else []
    env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    print(f"the server's clock set back {max(shift, 0)} days: the demo's newest sessions ({newest}) are 4 days old")
    server = subprocess.Popen(prefix + [a.binary, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in server.stdout:
        if "Stratum serving" in line:
            break
    try:
        ref = Client("127.0.0.1")
        t = time.monotonic()
        for _ in range(500):
            assert ref.send("GET", "/health")[0] == 200
        health = 500 / (time.monotonic() - t)

        def sign_in(i, email, birth):
            c = Client(f"127.0.{i // 250 + 1}.{i % 250 + 1}")
            _, page = c.send("GET", "/portal/sign-in")
            status, _ = c.form("/portal/sign-in", {"_login": hidden("_login", page), "email": email})
            assert status == 200, status
            body = sqlite3.connect(db).execute(
                "SELECT body FROM mail_outbox WHERE kind = 'portal-link' AND recipient = ? ORDER BY created_at DESC LIMIT 1",
                (email.strip().lower(),)).fetchone()[0]
            token = re.search(r"/portal/sign-in/(\S+)", body).group(1)
            _, page = c.send("GET", f"/portal/sign-in/{token}")
            status, _ = c.form(f"/portal/sign-in/{token}", {"_login": hidden("_login", page), "birthDate": birth})
            assert status == 303, (status, email)
            return c

        t = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            clients = list(pool.map(lambda r: sign_in(*r), [(i, e, b) for i, (_, e, b, _) in enumerate(rows)]))
        signed = time.monotonic() - t

        forms = []
        for c in clients:
            status, page = c.send("GET", "/portal/check-in")
            assert status == 200, status
            forms.append((c, hidden("_csrf", page)))

        def check_in(item):
            c, csrf = item
            body, ctype = multipart([("_csrf", csrf), ("redness", "mild"), ("swelling", "none"), ("pain", "2")])
            started = time.monotonic()
            status, text = c.send("POST", "/portal/check-in", body, ctype)
            return status, time.monotonic() - started

        t = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(check_in, forms))
        elapsed = time.monotonic() - t
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)
    ok = [d for s, d in results if s in (200, 303)]
    stored = sqlite3.connect(db).execute("SELECT count(*) FROM portal_check_ins").fetchone()[0]
    rate = len(ok) / elapsed
    latencies = sorted(ok)
    print(f"{len(rows)} patients treated in the last week signed in through the portal in {signed:.1f} s")
    print(f"check-ins: {len(ok)} of {len(results)} answered, {stored} stored; {rate:.1f} a second with 8 at once "
          f"(median {latencies[len(latencies) // 2] * 1000:.0f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms); "
          f"/health {health:.0f} a second from the same client: {rate / health:.3f}x")
    need = 10000 / 3600
    passed = len(ok) == len(results) and stored >= len(ok) and rate >= need
    print("PASS" if passed else "FAIL", f"(target: {need:.1f} check-ins a second, the demo's 10,000 patients within one hour, each stored)")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
