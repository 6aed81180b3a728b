#!/usr/bin/env python3
"""Reminder load benchmark (issue 16): a day's 2,000 appointments in the 10,000-patient demo, their 48-hour reminders
queued by the server's worker and handed to a loopback SMTP relay (aiosmtpd) in under a minute.

    python3 bench/reminders/bench.py [--appointments 2000] [--patients 10000] [--work DIR]

Needs release builds of `stratum` and `ReminderBench` (`swift build -c release --product stratum` and
`--product ReminderBench`). Steps: load the demo (serve --demo, stopped once serving); book the day through the
booking door (ReminderBench); measure a reference in the same run, the relay taking the same number of messages from
Python's smtplib, one connection each as Stratum sends; then start the server with the relay and time from its start
until the relay holds every reminder. Prints the figures, the ratio to the reference, and PASS or FAIL (< 60 s, each
reminder exactly once, every one with the pre-care).
"""
import argparse
import base64
import os
import re
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SINK = os.path.join(ROOT, "Tests", "mail", "smtp_sink.py")
PRECARE = "Stop retinoids (retinol, tretinoin) and acid products"


def start_sink(folder):
    os.makedirs(folder, exist_ok=True)
    p = subprocess.Popen([sys.executable, SINK, "--dir", folder], stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    assert line.startswith("READY "), line
    return p, int(line.split()[1])


def count(folder):
    return len([f for f in os.listdir(folder) if f.endswith(".eml")])


def serve(binary, env, until):
    p = subprocess.Popen([binary, "serve"] + (["--demo", "--demo-patients", str(env.pop("_PATIENTS"))] if "_PATIENTS" in env else []),
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:
        if until in line:
            return p
    raise SystemExit(f"the server stopped before printing {until!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--appointments", type=int, default=2000)
    ap.add_argument("--patients", type=int, default=10000)
    ap.add_argument("--work", default=None)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "stratum"))
    ap.add_argument("--setup", default=os.path.join(ROOT, ".build", "release", "ReminderBench"))
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="reminder-bench-")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = dict(os.environ, DATABASE_URL=os.path.join(work, "bench.sqlite"), STRATUM_DATA_DIR=os.path.join(work, "data"),
               STRATUM_PORT="18390", LOG_LEVEL="warning", STRATUM_REMINDER_SECONDS="3600", STRATUM_PUBLIC_URL="https://stratum.bench.example")
    env.pop("STRATUM_SMTP_URL", None)

    t = time.monotonic()
    p = serve(a.binary, dict(env, _PATIENTS=a.patients), "Stratum serving")
    p.send_signal(signal.SIGINT)
    p.wait(60)
    print(f"demo of {a.patients} patients loaded in {time.monotonic() - t:.1f} s")
    # The demo load's own worker round ran before the day was booked: nothing is due yet.
    setup = subprocess.run([a.setup], env=dict(env, APPOINTMENTS=str(a.appointments)), capture_output=True, text=True)
    print(setup.stdout.strip() or setup.stderr.strip())
    if setup.returncode != 0:
        raise SystemExit("set-up failed: " + setup.stderr)

    # Reference: the relay taking as many messages straight from smtplib, a connection each.
    ref_dir = os.path.join(work, "ref")
    sink, port = start_sink(ref_dir)
    t = time.monotonic()
    for i in range(a.appointments):
        with smtplib.SMTP("127.0.0.1", port) as s:
            s.sendmail("clinic@bench.example", [f"p{i}@example.com"], f"Subject: ref {i}\r\nMessage-ID: <ref-{i}@bench>\r\n\r\nreference\r\n")
    reference = time.monotonic() - t
    sink.kill()
    print(f"reference: the relay took {a.appointments} messages from smtplib in {reference:.1f} s")

    out_dir = os.path.join(work, "relay")
    sink, port = start_sink(out_dir)
    t = time.monotonic()
    p = serve(a.binary, dict(env, STRATUM_SMTP_URL=f"smtp://127.0.0.1:{port}", STRATUM_MAIL_FROM="clinic@bench.example",
                             STRATUM_REMINDER_SECONDS="1"), "Stratum serving")
    ready = time.monotonic() - t
    deadline = t + 180
    while count(out_dir) < a.appointments and time.monotonic() < deadline:
        time.sleep(0.05)
    elapsed = time.monotonic() - t
    time.sleep(5)  # nothing more may arrive: each reminder once
    p.send_signal(signal.SIGINT)
    p.wait(60)
    sink.kill()
    files = [os.path.join(out_dir, f) for f in os.listdir(out_dir) if f.endswith(".eml")]
    ids, with_precare = set(), 0
    for f in files:
        text = open(f, encoding="utf-8", errors="replace").read()
        head, body = re.split(r"\r?\n\r?\n", text, maxsplit=1)
        for line in head.splitlines():
            if line.lower().startswith("message-id:"):
                ids.add(line.split(":", 1)[1].strip())
        decoded = base64.b64decode("".join(body.split())).decode("utf-8", "replace")
        if PRECARE in decoded:
            with_precare += 1
    print(f"server ready in {ready:.1f} s; {len(files)} reminders at the relay ({len(ids)} distinct, {with_precare} with the pre-care) "
          f"{elapsed:.1f} s after the server started: {elapsed / reference:.2f}x the reference")
    ok = len(files) == a.appointments and len(ids) == a.appointments and with_precare == a.appointments and elapsed < 60
    print("PASS" if ok else "FAIL", f"(target: {a.appointments} reminders, each once, with the pre-care, in under 60 s)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
