#!/usr/bin/env python3
"""Prepares the API benchmark's inputs against a running server holding the scaled demo.

    bench/api/prepare.py PORT OUT_DIR [--courses 300]

Writes OUT_DIR/token (a practitioner's bearer token), OUT_DIR/patients.txt (demo patient ids found by name
search, for the chart load), OUT_DIR/courses.txt (accepted courses made for the session-recording load) and
OUT_DIR/session.json (a session body the server records on each of those courses).
"""
import argparse
import os
import string
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import stratum_fixtures as fx  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("out")
    ap.add_argument("--courses", type=int, default=300)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    token, clinic = fx.sign_in(args.port, "practitioner@demo.stratum.test", "demo-password-2026")
    # Stock is received by the clinic's owner (a practitioner may not receive lots): the sessions then find it.
    owner, _ = fx.sign_in(args.port, "owner@demo.stratum.test", "demo-password-2026")
    fx.ensure_stock(args.port, owner)

    patients = []
    for letter in string.ascii_lowercase:
        found = fx.expect(*fx.request(args.port, "GET", f"/api/v1/patients?name={letter}&limit=50", token=token), 200)
        patients += [p["id"] for p in found["items"]]
    courses, body = [], None
    for n in range(args.courses):
        _, cid, body = fx.prepared_course(args.port, token, clinic, f"Bench{n}")
        courses.append(cid)

    with open(os.path.join(args.out, "token"), "w") as f:
        f.write(token)
    with open(os.path.join(args.out, "patients.txt"), "w") as f:
        f.write("\n".join(patients) + "\n")
    with open(os.path.join(args.out, "courses.txt"), "w") as f:
        f.write("\n".join(courses) + "\n")
    with open(os.path.join(args.out, "session.json"), "w") as f:
        fx.json.dump(body, f)
    print(f"prepared {len(patients)} demo patients for the chart load and {len(courses)} courses for session recording")


if __name__ == "__main__":
    main()
