#!/usr/bin/env python3
"""Where a request's CPU goes, by part of the stack, from a `perf record -g` of the server.

    bench/api/breakdown.py WORK/perf-sqlite-chart.data [more.data ...]

Each sample is charged to one share:

- kernel: the sample is in the kernel (system calls, the scheduler, futexes, fsync);
- JSON: any frame of its stack encodes or decodes JSON (Foundation's coders, the OpenAPI runtime's open containers,
  the core's reader and writer, the stores' stored JSON) -- so the Swift runtime work those do is charged to JSON;
- otherwise the innermost frame that belongs to a known part: the SQLite engine, the database driver (SQLiteNIO,
  PostgresNIO), the ORM and SQL building (FluentKit, SQLKit and their drivers), the HTTP framework (Vapor, SwiftNIO,
  the OpenAPI runtime), crypto (the audit MACs, token hashes), or Stratum's own modules;
- what is left (the Swift runtime, malloc, task switching with no known caller on the stack) is listed as such.

Runtime work (retain/release, generic metadata, dynamic casts, reflection) is charged to the part that called it,
which is the point: Fluent's reflection is Fluent's cost, not the runtime's.
"""
import re
import subprocess
import sys
from collections import Counter

SHARES = [
    "JSON (coders, OpenAPI containers, core reader/writer)",
    "ORM and SQL building (FluentKit, SQLKit)",
    "database driver (SQLiteNIO, PostgresNIO)",
    "SQLite engine",
    "HTTP framework (Vapor, SwiftNIO, OpenAPI runtime)",
    "crypto (audit MACs, token hashes)",
    "Stratum's own code (core, store, web)",
    "kernel (system calls, scheduler, fsync)",
    "Swift runtime and libc, caller not on the stack",
]
JSON_MARKERS = re.compile(r"JSONEncoder|JSONDecoder|JSONEncoderImpl|JSONDecoderImpl|OpenAPIValueContainer|OpenAPIObjectContainer|"
                          r"OpenAPIArrayContainer|convertBodyCodableToJSON|convertJSONToBodyCodable|JSONWriter|JSONParser|"
                          r"RecordJSON|OutcomeJSON|TraceabilityJSON|StoredJSON|RequestReader|ResultWriter")
MODULES = {
    "FluentKit": 1, "FluentSQLiteDriver": 1, "FluentPostgresDriver": 1, "SQLKit": 1, "SQLiteKit": 1, "PostgresKit": 1,
    "SQLiteNIO": 2, "PostgresNIO": 2,
    "Vapor": 4, "NIOCore": 4, "NIOPosix": 4, "NIOHTTP1": 4, "NIOHTTP2": 4, "NIOConcurrencyHelpers": 4, "NIOExtras": 4,
    "NIOHTTPCompression": 4, "NIOWebSocket": 4, "NIOSSL": 4, "NIOEmbedded": 4, "OpenAPIRuntime": 4, "OpenAPIVapor": 4,
    "HTTPTypes": 4, "NIOHTTPTypesHTTP1": 4, "RoutingKit": 4, "AsyncKit": 4, "ConsoleKit": 4, "Logging": 4, "Metrics": 4,
    "Prometheus": 4, "Leaf": 4, "LeafKit": 4, "MultipartKit": 4, "WebSocketKit": 4,
    "Crypto": 5, "CryptoExtras": 5, "_CryptoExtras": 5,
    "StratumCore": 6, "StratumStore": 6, "StratumWeb": 6, "StratumCLI": 6,
}


def module_of(sym):
    m = re.match(r"\$s(\d+)([A-Za-z_][A-Za-z0-9_]*)", sym)
    if not m:
        return None
    n = int(m.group(1))
    return m.group(2)[:n]


def share_of(frames):
    if not frames:
        return 8
    leaf_sym, leaf_dso = frames[0]
    if "kernel" in leaf_dso:
        return 7
    if any(JSON_MARKERS.search(sym) for sym, _ in frames):
        return 0
    for sym, dso in frames:
        if sym.startswith("sqlite3") or sym.startswith("sqlite_nio_sqlite3") or sym.startswith("yy_"):
            return 3
        if sym.startswith("CCryptoBoringSSL") or "boringssl" in sym.lower():
            return 5
        mod = module_of(sym)
        if mod in MODULES:
            return MODULES[mod]
    return 8


def samples(path):
    out = subprocess.run(["perf", "script", "-i", path, "-F", "ip,sym,dso"], capture_output=True, text=True,
                         errors="replace").stdout
    frames = []
    for line in out.splitlines():
        line = line.strip()
        if not line:
            if frames:
                yield frames
            frames = []
            continue
        parts = line.split(None, 1)
        if len(parts) < 2:
            continue
        rest = parts[1]
        dso = rest[rest.rfind("(") + 1:-1] if rest.endswith(")") else ""
        sym = rest[:rest.rfind("(")].strip() if "(" in rest else rest
        sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
        frames.append((sym, dso))
    if frames:
        yield frames


def breakdown(path):
    counts = Counter(share_of(f) for f in samples(path))
    return counts, sum(counts.values())


def main(paths):
    for path in paths:
        counts, total = breakdown(path)
        print(f"{path}: {total} samples")
        for i, name in enumerate(SHARES):
            if counts[i]:
                print(f"  {100.0 * counts[i] / total:5.1f} %  {name}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
