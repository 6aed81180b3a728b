#!/usr/bin/env python3
"""The API benchmark in one command: starts the release server itself, loads the demo, runs wrk per route, and prints
each figure with its ratio to the bare route of the same run and PASS/FAIL against the targets of issue 13.

    bench/api/bench.py [--sqlite] [--postgres] [--two-servers] [--seconds 15] [--patients 10000] [--strict]

With none of --sqlite/--postgres/--two-servers it runs all three. PostgreSQL runs happen on the throwaway cluster of
scripts/with-postgres (this script re-runs itself under it), or on STRATUM_TEST_POSTGRES_URL when that is set.
Exits 0 when the tables printed, whatever the verdicts; with --strict it exits 3 when any verdict is FAIL. Exits 1
when the benchmark itself could not run (server did not start, prepare failed, wrk missing).
See bench/api/README.md for what each figure means.
"""
import argparse
import datetime
import glob
import json
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import stratum_fixtures as fx  # noqa: E402

# Issue 13, Build item 6. Throughput targets are requests answered 2xx per second; p99 in milliseconds.
SQLITE_TARGETS = {
    "chart": {"share": 0.40, "p99": 25.0, "strict_p99": True},
    "session": {"rps": 1000, "p99": 50.0, "strict_p99": True},
}
POSTGRES_TARGETS = {
    "create": {"rps": 1000, "p99": 21.0},
    "read": {"rps": 1800, "p99": 14.0},
    "search": {"rps": 2000, "p99": 10.0},
}
TWO_SERVER_TARGET = 1.6

# name, label, lua script, audited (each answered request leaves at least one audit row)
ROUTES = {
    "health": ("GET /health (bare route)", "health.lua", False),
    "chart": ("GET /api/v1/patients/{id}/chart", "chart.lua", True),
    "session": ("POST /api/v1/courses/{id}/sessions", "record.lua", True),
    "check": ("POST /api/v1/check (no write)", "post.lua", False),
    "create": ("POST /api/v1/patients", "create.lua", True),
    "read": ("GET /api/v1/patients/{id}", "read.lua", True),
    "search": ("GET /api/v1/patients?name=", "search.lua", True),
}


# Filled from the command line and by Server: which routes to profile with perf, and the server behind each port.
PROFILE_ROUTES = set()
SERVER_PIDS = {}


def say(*args):
    print(*args, flush=True)


class Failed(Exception):
    """The benchmark could not run (not a missed target)."""


# --- the server --------------------------------------------------------------------------------------------------

class Server:
    def __init__(self, binary, env, port, log_path, demo_patients=None):
        self.port = port
        self.log_path = log_path
        args = [binary, "serve"] + (["--demo", "--demo-patients", str(demo_patients)] if demo_patients else [])
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(args, env={**env, "STRATUM_PORT": str(port)}, stdout=self.log, stderr=self.log)
        SERVER_PIDS[port] = self.proc.pid

    def wait_ready(self, timeout):
        started = time.time()
        last_note = started
        while time.time() - started < timeout:
            if self.proc.poll() is not None:
                raise Failed(f"the server on port {self.port} exited with {self.proc.returncode} (log: {self.log_path})")
            try:
                if fx.request(self.port, "GET", "/ready", timeout=2)[0] == 200:
                    return time.time() - started
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.time() - last_note >= 30:
                say(f"  ... still starting (loading the demo?) after {time.time() - started:.0f} s")
                last_note = time.time()
            time.sleep(0.2)
        self.stop()
        raise Failed(f"the server on port {self.port} was not ready within {timeout} s (log: {self.log_path})")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def port_free(port):
    """Nobody listens there. (A test bind would fail on the last run's connections in TIME_WAIT, which the server's
    own bind, with SO_REUSEADDR, ignores.)"""
    import socket
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


# --- the audit trail ---------------------------------------------------------------------------------------------

def psql_binary():
    found = shutil.which("psql")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    if not candidates:
        raise Failed("psql not found (needed to count audit rows on PostgreSQL)")
    return candidates[-1]


def sql_scalar(database_url, query):
    """One value from the database, read beside the running server (SQLite read-only; PostgreSQL through psql)."""
    if database_url.startswith("postgres"):
        out = subprocess.run([psql_binary(), "-XAtq", "-d", database_url, "-c", query], capture_output=True, text=True)
        if out.returncode != 0:
            raise Failed(f"psql: {out.stderr.strip()}")
        return out.stdout.strip()
    db = sqlite3.connect(f"file:{database_url}?mode=ro", uri=True, timeout=30)
    try:
        return str(db.execute(query).fetchone()[0])
    finally:
        db.close()


def audit_rows(database_url):
    """The audit trail's row count, or None (and a warning) when it cannot be read: the row then FAILs, not the run."""
    try:
        return int(sql_scalar(database_url, "SELECT count(*) FROM audit_events"))
    except (Failed, sqlite3.Error, ValueError) as e:
        say(f"  warning: cannot count audit rows: {e}")
        return None


def audit_verify(binary, env):
    out = subprocess.run([binary, "audit", "verify"], env=env, capture_output=True, text=True)
    text = (out.stdout + out.stderr).strip().splitlines()
    return out.returncode, "; ".join(text)


# --- wrk ---------------------------------------------------------------------------------------------------------

def start_wrk(route, port, seconds, threads, connections, work, extra_env, tag):
    _, script, _ = ROUTES[route]
    result = os.path.join(work, f"wrk-{tag}.json")
    if os.path.exists(result):
        os.remove(result)
    env = {**os.environ, "STRATUM_BENCH_LUA": HERE, "STRATUM_RESULT": result, **extra_env}
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
           os.path.join(HERE, script), f"http://127.0.0.1:{port}" + ("/api/v1/check" if route == "check" else "")]
    log = open(os.path.join(work, f"wrk-{tag}.txt"), "w")
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT), result, log


def finish_wrk(handle, seconds):
    proc, result, log = handle
    try:
        proc.wait(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise Failed(f"wrk did not finish (see {log.name})")
    log.close()
    if proc.returncode != 0 or not os.path.exists(result):
        raise Failed(f"wrk failed with {proc.returncode}: {open(log.name).read().strip()[-400:]}")
    with open(result) as f:
        r = json.load(f)
    duration = r["duration_us"] / 1e6
    socket_errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
    return {"requests": r["requests"], "ok": r["requests"] - r["non2xx"], "non2xx": r["non2xx"],
            "socket_errors": socket_errors, "rps": (r["requests"] - r["non2xx"]) / duration,
            "p50": r["p50_us"] / 1000, "p99": r["p99_us"] / 1000}


def wrk_env(prep, route):
    env = {"STRATUM_TOKEN": prep["token"], "STRATUM_CLINIC": prep["clinic"]}
    lists = {"chart": "patients.txt", "read": "patients.txt", "search": "names.txt", "session": "courses.txt"}
    if route in lists:
        env["STRATUM_LIST"] = os.path.join(prep["dir"], lists[route])
    if route == "session":
        env["STRATUM_BODY"] = os.path.join(prep["dir"], "session.json")
    if route == "check":
        env["STRATUM_BODY"] = os.path.join(ROOT, "examples", "check-session.json")
    return env


def measure(route, servers, seconds, connections, prep, database_url, work, tag, run_letter="a"):
    """Runs wrk against every server at once (connections split evenly), then counts the audit rows the run added."""
    audited = ROUTES[route][2]
    before = audit_rows(database_url) if audited else None
    perf = start_perf(route, servers, seconds, work, tag)
    cpu_before = cpu_times()
    handles = []
    for n, port in enumerate(servers):
        conns = max(1, connections // len(servers))
        env = {**wrk_env(prep, route), "STRATUM_RUN": f"{run_letter}{chr(97 + n)}"}
        handles.append(start_wrk(route, port, seconds, min(2, conns) if len(servers) == 1 else 1, conns, work, env,
                                 f"{tag}-{route}-{n}"))
    parts = [finish_wrk(h, seconds) for h in handles]
    cpu = cpu_busy(cpu_before, cpu_times())
    if perf:
        finish_perf(perf, seconds)
    fig = {"route": route, "connections": connections, "servers": len(servers),
           "requests": sum(p["requests"] for p in parts), "ok": sum(p["ok"] for p in parts),
           "non2xx": sum(p["non2xx"] for p in parts), "socket_errors": sum(p["socket_errors"] for p in parts),
           "rps": sum(p["rps"] for p in parts), "p50": max(p["p50"] for p in parts), "p99": max(p["p99"] for p in parts),
           "cpu": cpu}
    if audited:
        time.sleep(1)  # requests wrk abandoned at its deadline may still be finishing; they audit too
        after = audit_rows(database_url)
        fig["audit_rows"] = after - before if after is not None and before is not None else "unknown"
    return fig


def cpu_times():
    """The machine's CPU counters (/proc/stat): (busy, total) jiffies over all cores, or None off Linux."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def cpu_busy(before, after):
    """The share of all cores busy during the run (servers, database, wrk and anything else on the machine): near
    100 % means the route is bound by this machine's cores, not by waiting."""
    if not before or not after or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def start_perf(route, servers, seconds, work, tag):
    """With --profile ROUTE: samples the server's stacks while wrk drives the route (the figures then carry perf's
    overhead: profile in a separate run from the one you report)."""
    if route not in PROFILE_ROUTES or len(servers) != 1:
        return None
    data = os.path.join(work, f"perf-{tag}-{route}.data")
    proc = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-p", str(SERVER_PIDS[servers[0]]), "-o", data,
                             "--", "sleep", str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, data


def finish_perf(perf, seconds):
    proc, data = perf
    proc.wait(timeout=seconds + 60)
    text = data.replace(".data", ".txt")
    # Flat (self time per function, Swift names demangled); the .data beside it holds the call graphs.
    flat = ["perf", "report", "-i", data, "--no-children", "--stdio", "-g", "none", "--percent-limit", "0.3"]
    report = (subprocess.run(flat + ["--sort", "dso"], capture_output=True, text=True).stdout
              + subprocess.run(flat, capture_output=True, text=True).stdout)
    if shutil.which("swift"):
        report = subprocess.run(["swift", "demangle", "--simplified"], input=report, capture_output=True,
                                text=True).stdout or report
    # The shares by part of the stack (framework, database, JSON, Stratum's own code): breakdown.py says how.
    shares = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "breakdown.py"), data],
                            capture_output=True, text=True).stdout
    with open(text, "w") as out:
        out.write(shares + "\n" + report)
    say(f"  profile of {os.path.basename(data)[5:-5]}: {text}")
    for line in shares.splitlines()[1:]:
        say("    " + line.strip())


# --- verdicts and the table ---------------------------------------------------------------------------------------

def judge(fig, target, bare_rps):
    """The target's text and PASS/FAIL, or ('reported', '-') when the issue sets no target for this figure."""
    problems = []
    if fig["non2xx"] or fig["socket_errors"]:
        problems.append(f"{fig['non2xx']} non-2xx, {fig['socket_errors']} socket errors")
    if fig.get("audit_rows") == "unknown":
        problems.append("the audit rows could not be counted")
    elif fig.get("audit_rows") is not None and fig["audit_rows"] < fig["ok"]:
        problems.append(f"only {fig['audit_rows']} audit rows for {fig['ok']} answers")
    if not target:
        return "reported", ("FAIL" if problems else "-"), problems
    parts, ok = [], True
    if "share" in target:
        parts.append(f">= {target['share']:.0%} of bare")
        ok &= bare_rps > 0 and fig["rps"] / bare_rps >= target["share"]
    if "rps" in target:
        parts.append(f">= {target['rps']:,}/s")
        ok &= fig["rps"] >= target["rps"]
    if "p99" in target:
        strict = target.get("strict_p99")
        parts.append(f"p99 {'<' if strict else '<='} {target['p99']:g} ms")
        ok &= fig["p99"] < target["p99"] if strict else fig["p99"] <= target["p99"]
    return ", ".join(parts), ("PASS" if ok and not problems else "FAIL"), problems


def print_table(title, figs, targets):
    bare = next((f["rps"] for f in figs if f["route"] == "health"), 0)
    say(f"\n== {title}")
    head = (f"{'route':36} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x bare':>7} {'cpu':>5}  {'audit rows':>14}  "
            f"{'target':34} verdict")
    say(head)
    say("-" * len(head))
    verdicts = []
    for f in figs:
        target_text, verdict, problems = judge(f, targets.get(f["route"]), bare)
        share = f"{f['rps'] / bare:6.1%}" if bare else "   n/a"
        audit = f"{f['audit_rows']:,}/{f['ok']:,}" if isinstance(f.get("audit_rows"), int) else f.get("audit_rows", "-")
        cpu = f"{f['cpu']:5.0%}" if f.get("cpu") is not None else "  n/a"
        say(f"{ROUTES[f['route']][0]:36} {f['connections']:>5} {f['rps']:>9,.0f} {f['p50']:>8.2f} {f['p99']:>8.2f} "
            f"{share:>7} {cpu:>5}  {audit:>14}  {target_text:34} {verdict}")
        for p in problems:
            say(f"{'':36}   ! {p}")
        verdicts.append(verdict)
    return verdicts


# --- one database ---------------------------------------------------------------------------------------------------

def prepare(port, work, courses):
    out = os.path.join(work, "prepared")
    run = subprocess.run([sys.executable, os.path.join(HERE, "prepare.py"), str(port), out, "--courses", str(courses)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise Failed(f"prepare.py failed: {(run.stdout + run.stderr).strip()[-1200:]}")
    say("  " + run.stdout.strip())
    read = lambda name: open(os.path.join(out, name)).read().strip()  # noqa: E731
    return {"dir": out, "token": read("token"), "clinic": read("clinic")}


def start_with_demo(args, env, port, work, name):
    if not port_free(port):
        raise Failed(f"port {port} is in use (choose another with --port)")
    say(f"  starting {name} on port {port} with --demo --demo-patients {args.patients}")
    server = Server(args.binary, env, port, os.path.join(work, f"server-{name}.log"), args.patients)
    took = server.wait_ready(args.ready_timeout)
    say(f"  ready after {took:.0f} s")
    return server


def run_routes(args, port, prep, database_url, work, tag):
    figs = []
    for route in ["health", "chart", "session", "check", "create", "read", "search"]:
        if route in args.routes:
            conns = args.clients if route in ("create", "read", "search") else args.connections
            figs.append(measure(route, [port], args.seconds, conns, prep, database_url, work, tag))
    return figs


def bench_sqlite(args, work):
    say("\n# embedded SQLite")
    data = os.path.join(work, "sqlite")
    os.makedirs(data)
    database_url = os.path.join(data, "stratum.sqlite")
    env = {**os.environ, "DATABASE_URL": database_url, "STRATUM_DATA_DIR": data,
           "STRATUM_AUDIT_KEY": secrets.token_hex(32), "LOG_LEVEL": "warning"}
    server = start_with_demo(args, env, args.port, work, "sqlite")
    try:
        prep = prepare(args.port, work, args.courses)
        figs = run_routes(args, args.port, prep, database_url, work, "sqlite")
    finally:
        server.stop()
    verdicts = print_table(f"SQLite, demo of {args.patients} patients, {args.seconds} s per route", figs, SQLITE_TARGETS)
    code, line = audit_verify(args.binary, env)
    say(f"audit verify (SQLite): exit {code}: {line}")
    say("durable: the server refuses to start unless SQLite runs WAL with synchronous=FULL (requireSafeSettings)")
    verdicts.append("PASS" if code == 0 else "FAIL")
    return verdicts


def bench_postgres(args, work):
    database_url = os.environ["STRATUM_TEST_POSTGRES_URL"]
    data = os.path.join(work, "postgres")
    os.makedirs(data)
    env = {**os.environ, "DATABASE_URL": database_url, "STRATUM_DATA_DIR": data,
           "STRATUM_AUDIT_KEY": secrets.token_hex(32), "LOG_LEVEL": "warning"}
    say("\n# PostgreSQL " + sql_scalar(database_url, "SHOW server_version")
        + f" (fsync={sql_scalar(database_url, 'SHOW fsync')}, "
        + f"synchronous_commit={sql_scalar(database_url, 'SHOW synchronous_commit')})")
    migrate = subprocess.run([args.binary, "migrate"], env=env, capture_output=True, text=True)
    if migrate.returncode != 0:
        raise Failed(f"stratum migrate failed: {(migrate.stdout + migrate.stderr).strip()[-800:]}")
    verdicts = []
    first = start_with_demo(args, env, args.port, work, "postgres-1")
    second = None
    try:
        prep = prepare(args.port, work, args.courses)
        if args.postgres:
            figs = run_routes(args, args.port, prep, database_url, work, "postgres")
            verdicts += print_table(f"PostgreSQL, demo of {args.patients} patients, {args.seconds} s per route", figs,
                                    POSTGRES_TARGETS)
        if args.two_servers:
            verdicts += two_servers(args, env, first, prep, database_url, work)
            second = True
    finally:
        first.stop()
    code, line = audit_verify(args.binary, env)
    say(f"audit verify (PostgreSQL{', after both servers wrote' if second else ''}): exit {code}: {line}")
    verdicts.append("PASS" if code == 0 else "FAIL")
    return verdicts


def two_servers(args, env, first, prep, database_url, work):
    """Patient registration through one app server, then through two on the same database at the same offered load
    (the same number of connections in total, half to each)."""
    port2 = args.port + 1
    if not port_free(port2):
        raise Failed(f"port {port2} is in use (the second app server uses --port + 1)")
    say(f"\n  starting a second app server on port {port2} on the same database (no --demo: it is loaded)")
    second = Server(args.binary, env, port2, os.path.join(work, "server-postgres-2.log"))
    try:
        second.wait_ready(120)
        one = measure("create", [first.port], args.seconds, args.write_clients, prep, database_url, work, "one", "o")
        two = measure("create", [first.port, port2], args.seconds, args.write_clients, prep, database_url, work, "two", "t")
    finally:
        second.stop()
    ratio = two["rps"] / one["rps"] if one["rps"] else 0
    say(f"\n== Two app servers on one PostgreSQL database: patient registration, {args.write_clients} connections in "
        f"total, {args.seconds} s")
    verdicts = []
    for label, fig in [("one server", one), ("two servers (summed)", two)]:
        _, verdict, problems = judge(fig, None, 0)
        cpu = f"cpu {fig['cpu']:.0%}  " if fig.get("cpu") is not None else ""
        say(f"{label:22} {fig['rps']:>9,.0f} req/s  p50 {fig['p50']:.2f} ms  p99 {fig['p99']:.2f} ms  {cpu}"
            f"audit rows {fig['audit_rows']}/{fig['ok']}" + (f"  FAIL: {'; '.join(problems)}" if problems else ""))
        if verdict == "FAIL":
            verdicts.append("FAIL")
    verdict = "PASS" if ratio >= TWO_SERVER_TARGET else "FAIL"
    say(f"two / one = {ratio:.2f}x (target >= {TWO_SERVER_TARGET}x)  {verdict}")
    return verdicts + [verdict]


# --- main -----------------------------------------------------------------------------------------------------------

def describe(args):
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    built = datetime.datetime.fromtimestamp(os.path.getmtime(args.binary), datetime.timezone.utc)
    say(f"Stratum API benchmark, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, tree at {commit}")
    say(f"binary {args.binary} (built {built:%Y-%m-%d %H:%M} UTC); {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.2f} at start; wrk on the same machine")
    say(f"demo of {args.patients} patients; {args.seconds} s per route; {args.connections} connections for the "
        f"chart, session and check, {args.clients} clients (one keep-alive connection each) for create/read/search")
    if "release" not in args.binary:
        say("WARNING: the targets are for a release build (swift build -c release --product stratum)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sqlite", action="store_true", help="embedded SQLite figures and targets")
    ap.add_argument("--postgres", action="store_true", help="PostgreSQL figures and targets")
    ap.add_argument("--two-servers", action="store_true", help="two app servers on one PostgreSQL database")
    ap.add_argument("--seconds", type=int, default=15, help="wrk duration per route (default 15)")
    ap.add_argument("--patients", type=int, default=10000, help="demo size (default 10000)")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "stratum"))
    ap.add_argument("--port", type=int, default=8281, help="first server's port; the second app server uses port+1")
    ap.add_argument("--connections", type=int, default=32, help="connections for the chart/session/check routes")
    ap.add_argument("--clients", type=int, default=8, help="clients for patient create/read/search (default 8)")
    ap.add_argument("--write-clients", type=int, default=16, help="connections in total for the two-server run")
    ap.add_argument("--courses", type=int, default=300, help="courses prepared for session recording")
    ap.add_argument("--routes", default=",".join(ROUTES), help="comma-separated routes to drive (default all; "
                    "the bare route always runs: every ratio is to it)")
    ap.add_argument("--ready-timeout", type=int, default=7200, help="seconds to wait for the demo to load")
    ap.add_argument("--work", help="keep servers' data, logs and wrk output here (default: a temp dir, removed)")
    ap.add_argument("--profile", default="", help="comma-separated routes to profile with perf "
                    "(health, chart, session, check, create, read, search); reports land in --work")
    ap.add_argument("--strict", action="store_true", help="exit 3 when any verdict is FAIL")
    args = ap.parse_args()
    if not (args.sqlite or args.postgres or args.two_servers):
        args.sqlite = args.postgres = args.two_servers = True
    args.binary = os.path.abspath(args.binary)
    PROFILE_ROUTES.update(r for r in args.profile.split(",") if r)
    args.routes = {r for r in args.routes.split(",") if r} | {"health"}
    unknown = (PROFILE_ROUTES | args.routes) - set(ROUTES)
    if unknown:
        raise SystemExit(f"bench: --routes/--profile: unknown route(s) {', '.join(sorted(unknown))}; allowed {', '.join(ROUTES)}")
    if PROFILE_ROUTES and not args.work:
        raise SystemExit("bench: --profile needs --work DIR to keep the profiles")
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"bench: {args.binary} not found; build it: swift build -c release --product stratum")
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk not found (Debian: apt-get install wrk)")
    needs_postgres = args.postgres or args.two_servers
    if needs_postgres and not os.environ.get("STRATUM_TEST_POSTGRES_URL"):
        # Re-run under a throwaway cluster, which scripts/with-postgres removes whatever happens.
        os.execv(os.path.join(ROOT, "scripts", "with-postgres"),
                 [os.path.join(ROOT, "scripts", "with-postgres"), sys.executable, os.path.abspath(__file__)] + sys.argv[1:])

    work = args.work or tempfile.mkdtemp(prefix="stratum-bench-")
    os.makedirs(work, exist_ok=True)
    describe(args)
    verdicts = []
    try:
        if args.sqlite:
            verdicts += bench_sqlite(args, work)
        if needs_postgres:
            verdicts += bench_postgres(args, work)
    except Failed as e:
        say(f"\nbench: could not run: {e}\n(servers' logs and wrk output kept in {work})")
        return 1
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    failed = verdicts.count("FAIL")
    say(f"\n{verdicts.count('PASS')} PASS, {failed} FAIL" + ("" if failed == 0 or args.strict else
                                                            " (exit 0: pass --strict to fail the command on a FAIL)"))
    return 3 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
