#!/usr/bin/env python3
"""Plot a wsp-bench JSON-lines file (from --json or --json-file) as a PNG.

    python3 bench/plot.py results.jsonl bench/baseline/plot.png

Left: per scenario, the median paired ratio wsp/raw (whiskers: the range of the per-round
ratios) and, when the run had --shim / --wine, shim/raw and Wine/raw (medians over the raw
median; a row without a raw side of its own uses the row its "raw_ref" names), 1.0
marked, log scale. Right: one small panel per scenario with the per-round values of each
side (medians as bars, rounds as dots): wsp, raw, shim, Wine.
Needs matplotlib (Debian: python3-matplotlib).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"wsp": "tab:blue", "raw": "tab:gray", "shim": "tab:green", "wine": "tab:red"}
LABELS = {"wsp": "wsp", "raw": "raw", "shim": "shim", "wine": "Wine"}


def median(v):
    s = sorted(v)
    n = len(s)
    if n == 0:
        return None
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def ratios(row, raw_of):
    """(label, value, (lo, hi) or None) for each ratio the row has."""
    out = []
    rr = [x for x in row.get("ratio_rounds") or [] if x is not None]
    if row.get("ratio") is not None and rr:
        out.append(("wsp", row["ratio"], (min(rr), max(rr))))
    raw = row.get("raw")
    if raw is None and row.get("raw_ref"):
        raw = raw_of.get(row["raw_ref"])
    if raw:
        for side in ("shim", "wine"):
            if side == "shim" and row.get("shim_raw") is not None:
                out.append((side, row["shim_raw"], None))  # paired per-round ratios
            elif row.get(side) is not None:
                out.append((side, row[side] / raw, None))
    return out


def main(src, dst):
    rows = [json.loads(line) for line in open(src) if line.strip()]
    raw_of = {r["scenario"]: r.get("raw") for r in rows}
    n = len(rows)
    cols = 4
    panel_rows = (n + cols - 1) // cols
    fig = plt.figure(figsize=(18, 2.6 * max(panel_rows, 3)))
    grid = fig.add_gridspec(panel_rows, cols + 2)

    ax = fig.add_subplot(grid[:, :2])
    height = 0.27
    seen = set()
    for y, row in enumerate(rows[::-1]):
        rs = ratios(row, raw_of)
        if not rs and row.get("shim") and row.get("wine"):
            ax.text(1.0, y, f'  no raw side; shim/Wine = {row["shim"] / row["wine"]:.3g}',
                    va="center", fontsize=8)
        for k, (side, value, rng) in enumerate(rs):
            off = (k - (len(rs) - 1) / 2) * height
            err = None
            if rng:
                err = [[value - rng[0]], [rng[1] - value]]
            label = f"{LABELS[side]}/raw" if side not in seen else None
            seen.add(side)
            ax.barh(y + off, value, height=height, xerr=err, color=COLORS[side], capsize=2,
                    label=label)
    ax.set_yticks(range(n), [
        f'{r["scenario"]} {"↑" if r["better"] == "higher" else "↓"}' for r in rows[::-1]
    ])
    ax.axvline(1.0, color="black", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("side / raw (medians; wsp: median of paired rounds; log scale)")
    ax.set_title("↑ rate: higher is better; ↓ cost: lower is better", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")

    for i, row in enumerate(rows):
        a = fig.add_subplot(grid[i // cols, 2 + i % cols])
        sides = []
        for side in ("wsp", "raw", "shim", "wine"):
            vals = [v for v in row.get(side + "_rounds") or [] if v is not None]
            if vals:
                sides.append((side, vals))
        for x, (side, vals) in enumerate(sides):
            a.bar(x, median(vals), color=COLORS[side])
            a.plot([x] * len(vals), vals, "k.", ms=3)
        a.set_xticks(range(len(sides)), [LABELS[s] for s, _ in sides])
        if any(s == "wine" for s, _ in sides):
            a.set_yscale("log")
        a.set_title(f'{row["scenario"]} ({row["unit"]})', fontsize=9)
        a.tick_params(labelsize=7)

    fig.suptitle("wsp-bench: Rust API (wsp), host sockets (raw), the C program over the "
                 "ws2_32 shim (shim) and under Wine")
    fig.tight_layout()
    fig.savefig(dst, dpi=80)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
