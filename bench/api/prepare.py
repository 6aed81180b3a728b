#!/usr/bin/env python3
"""Prepares the API benchmark's inputs against a running server holding the demo, whatever its size.

    bench/api/prepare.py PORT OUT_DIR [--courses 300]

Writes into OUT_DIR:
  token         a practitioner's bearer token
  clinic        the practitioner's first clinic (where the create load registers patients)
  patients.txt  demo patient ids found by name search (chart and patient-read loads)
  names.txt     "family given" names of those patients, URL-encoded (name-search load)
  courses.txt   accepted courses made for the session-recording load
  session.json  a session body the server records on each of those courses

Works on any demo size: the stock the sessions draw from is a fresh lot of 100,000 parts received by the clinic's
owner (a practitioner may not receive lots; a demo lot may be nearly used up on a large demo, or too small for a
long run), and the patients are collected by name search, which finds at most 26 x 50 whatever the demo holds.
"""
import argparse
import os
import secrets
import string
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import stratum_fixtures as fx  # noqa: E402

DEMO_PASSWORD = "demo-password-2026"


def receive_bench_lot(port, owner_token):
    """A new lot, so that every run has 100,000 parts (the most one lot may hold) whatever earlier runs used."""
    lot = "BENCH-" + secrets.token_hex(4).upper()
    fx.expect(*fx.request(port, "POST", "/api/v1/lots", {
        "product": "Bench cartridge", "quantity": 100000, "gtin": fx.FIXTURE_GTIN, "lot": lot,
        "expiry": "2030-12-31"}, token=owner_token), 201)
    return lot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("out")
    ap.add_argument("--courses", type=int, default=300)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    token, clinic = fx.sign_in(args.port, "practitioner@demo.stratum.test", DEMO_PASSWORD)
    owner, _ = fx.sign_in(args.port, "owner@demo.stratum.test", DEMO_PASSWORD)
    lot = receive_bench_lot(args.port, owner)
    # The fixture picks the roomiest available lot, which is now this one (or an equally full one).
    fx.ensure_stock(args.port, token)

    seen, patients, names = set(), [], []
    for letter in string.ascii_lowercase:
        found = fx.expect(*fx.request(args.port, "GET", f"/api/v1/patients?name={letter}&limit=50", token=token), 200)
        for p in found["items"]:
            if p["id"] in seen:
                continue
            seen.add(p["id"])
            patients.append(p["id"])
            names.append(urllib.parse.quote(f"{p['familyName']} {p['givenName']}".lower()))
    if not patients:
        raise SystemExit("prepare: the server holds no demo patients (start it with --demo)")
    courses, body = [], None
    for n in range(args.courses):
        _, cid, body = fx.prepared_course(args.port, token, clinic, f"Bench{n}")
        courses.append(cid)

    files = {"token": token, "clinic": clinic, "patients.txt": "\n".join(patients) + "\n",
             "names.txt": "\n".join(names) + "\n", "courses.txt": "\n".join(courses) + "\n"}
    for name, text in files.items():
        with open(os.path.join(args.out, name), "w") as f:
            f.write(text)
    with open(os.path.join(args.out, "session.json"), "w") as f:
        fx.json.dump(body, f)
    print(f"prepared {len(patients)} demo patients for the chart, read and search loads, {len(courses)} courses "
          f"for session recording (parts from lot {fx.PART['lot']}; received {lot})")


if __name__ == "__main__":
    main()
