#!/usr/bin/env python3
"""Runs every bench_* program in a directory, prints one table of figures with
their same-run baselines, ratios and targets, and writes the rows as JSON."""
import json
import os
import subprocess
import sys

PROGRAM_TIMEOUT_S = 900  # each program's own deadlines are shorter; this is the last word


def main(bench_dir, out_path):
    rows = []
    programs = sorted(p for p in os.listdir(bench_dir)
                      if p.startswith("bench_") and os.access(os.path.join(bench_dir, p), os.X_OK))
    for prog in programs:
        try:  # a benchmark must end, whatever goes wrong
            proc = subprocess.run([os.path.join(bench_dir, prog)], capture_output=True, text=True,
                                  timeout=PROGRAM_TIMEOUT_S)
        except subprocess.TimeoutExpired as e:
            print(f"{prog} did not finish in {PROGRAM_TIMEOUT_S} s:\n{e.stderr or ''}", file=sys.stderr)
            return 1
        if proc.returncode != 0:
            print(f"{prog} failed ({proc.returncode}):\n{proc.stderr}", file=sys.stderr)
            return 1
        rows += [json.loads(line[6:]) for line in proc.stdout.splitlines() if line.startswith("BENCH ")]
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(rows, f, indent=2)

    def fmt(v):
        return "-" if v is None else f"{v:,.4g}" if isinstance(v, float) and v < 100 else f"{v:,.0f}"

    header = ("figure", "value", "unit", "baseline", "ratio", "target", "met")
    table = [header] + [(r["name"], fmt(r["value"]), r["unit"], fmt(r["baseline"]), fmt(r["ratio"]),
                         r["target"], "yes" if r["met"] else "NO") for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    print(f"\n{len(rows)} figures, {sum(r['met'] for r in rows)} met; rows in {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
