"""WCAG 2.1 AA contrast of the stylesheet's text colours on the backgrounds they are used on (4.5:1 for body text).
Reads the custom properties of stratum.css, so a colour change that breaks contrast fails here, without a browser."""
from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[2] / "Sources" / "StratumWeb" / "Public" / "css" / "stratum.css"

# (text, background): every pair the templates put text on.
PAIRS = [
    ("--ink", "--surface"), ("--ink", "--bg"), ("--ink", "--surface-2"),
    ("--muted", "--surface"), ("--muted", "--bg"), ("--muted", "--surface-2"),
    ("--accent", "--surface"), ("--accent", "--bg"), ("#ffffff", "--accent"), ("#ffffff", "--accent-strong"),
    ("--accent-strong", "--accent-soft"),
    ("--ok", "--ok-bg"), ("--caution", "--caution-bg"), ("--stop", "--stop-bg"), ("--info", "--info-bg"),
    ("--ok", "--surface"), ("--caution", "--surface"), ("--stop", "--surface"), ("--info", "--surface"),
    ("#ffffff", "--ok"), ("#ffffff", "--caution"), ("#ffffff", "--stop"), ("#ffffff", "--info"),
    ("#ffffff", "--danger"), ("--danger", "--surface"),
    # Today's alert cards (.alert-stop, .alert-caution): their heading, links and muted counts on the tinted ground.
    ("--ink", "--stop-bg"), ("--accent", "--stop-bg"), ("--muted", "--stop-bg"),
    ("--ink", "--caution-bg"), ("--accent", "--caution-bg"), ("--muted", "--caution-bg"),
]


def variables() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", CSS.read_text(), re.S).group(1)
    return dict(re.findall(r"(--[a-z0-9-]+)\s*:\s*(#[0-9a-fA-F]{6})\b", root))


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_formula_matches_known_ratios():
    assert round(ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(ratio("#767676", "#ffffff"), 2) == 4.54


def test_text_colours_meet_aa_on_their_backgrounds():
    v = variables()
    failures = []
    for fg, bg in PAIRS:
        a, b = v.get(fg, fg), v.get(bg, bg)
        assert a.startswith("#") and b.startswith("#"), f"{fg} or {bg} is not defined as a hex colour in :root"
        r = ratio(a, b)
        if r < 4.5:
            failures.append(f"{fg} on {bg}: {r:.2f}:1")
    assert not failures, "below 4.5:1 — " + "; ".join(failures)
