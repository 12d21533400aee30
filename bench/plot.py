#!/usr/bin/env python3
"""Plot a wsp-bench JSON-lines file (from --json or --json-file) as a PNG.

    python3 bench/plot.py results.jsonl bench/baseline/plot.png

Left: the median paired ratio wsp/raw per scenario (the bar's whiskers are the range of
the per-round ratios), with 1.0 marked. Right: one small panel per scenario with the
per-round values of wsp and raw side by side (medians as bars, rounds as dots). A Wine
or shim column appears when the JSON carries one (later work: the C runner).
Needs matplotlib (pip install matplotlib).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def main(src, dst):
    rows = [json.loads(line) for line in open(src) if line.strip()]
    n = len(rows)
    cols = 4
    panel_rows = (n + cols - 1) // cols
    fig = plt.figure(figsize=(18, 2.6 * max(panel_rows, 3)))
    grid = fig.add_gridspec(panel_rows, cols + 2)

    ax = fig.add_subplot(grid[:, :2])
    names = [r["scenario"] for r in rows][::-1]
    ratios = [r["ratio"] or 0 for r in rows][::-1]
    lo = [r - min(x for x in row["ratio_rounds"] if x is not None)
          for r, row in zip(ratios, rows[::-1])]
    hi = [max(x for x in row["ratio_rounds"] if x is not None) - r
          for r, row in zip(ratios, rows[::-1])]
    colors = ["tab:blue" if row["better"] == "higher" else "tab:orange" for row in rows[::-1]]
    ax.barh(names, ratios, xerr=[lo, hi], color=colors, capsize=3)
    ax.axvline(1.0, color="black", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("wsp / raw (median of paired rounds; log scale)")
    ax.set_title("blue: rate, higher is better; orange: cost, lower is better", fontsize=9)

    for i, row in enumerate(rows):
        a = fig.add_subplot(grid[i // cols, 2 + i % cols])
        sides = [("wsp", row["wsp_rounds"]), ("raw", row["raw_rounds"])]
        for extra in ("shim", "wine"):
            if row.get(extra):
                sides.append((extra, row[extra + "_rounds"]))
        for x, (label, vals) in enumerate(sides):
            vals = [v for v in vals if v is not None]
            a.bar(x, median(vals), color="tab:blue" if label == "wsp" else "tab:gray")
            a.plot([x] * len(vals), vals, "k.", ms=3)
        a.set_xticks(range(len(sides)), [s for s, _ in sides])
        a.set_title(f'{row["scenario"]} ({row["unit"]})', fontsize=9)
        a.tick_params(labelsize=7)

    fig.suptitle("wsp-bench: Rust API over the portable backend vs raw host sockets")
    fig.tight_layout()
    fig.savefig(dst, dpi=80)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
