#!/usr/bin/env python3
"""Writes the synthetic clustering sets of bench/cluster/synthetic.json into OUT_DIR: Gaussian blobs
(balanced, unbalanced, overlapping, anisotropic, of different spreads) and two non-convex shapes (moons,
circles), each a CSV with a header row and the true cluster in the last column. Deterministic (Python's
random with fixed seeds). Usage: make_synthetic.py OUT_DIR"""
import math
import os
import random
import sys


def write(path, rows, dim):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(",".join(f"f{j}" for j in range(dim)) + ",label\n")
        for x, c in rows:
            f.write(",".join(f"{v:.5f}" for v in x) + f",{c}\n")
    os.replace(tmp, path)


def blobs(sizes, dim, spread, sd, seed, shear=False, sds=None):
    """Centres uniform in [-spread, spread]^dim; cluster c has sizes[c] points with standard deviation
    sds[c] (or sd); shear applies a fixed linear map to the first two coordinates."""
    r = random.Random(seed)
    centres = [[r.uniform(-spread, spread) for _ in range(dim)] for _ in sizes]
    rows = []
    for c, n in enumerate(sizes):
        s = sds[c] if sds else sd
        for _ in range(n):
            x = [centres[c][j] + r.gauss(0, s) for j in range(dim)]
            if shear:
                x = [0.6 * x[0] - 0.64 * x[1], -0.41 * x[0] + 0.85 * x[1]] + x[2:]
            rows.append((x, c))
    return rows


def moons(n, noise, seed):
    r = random.Random(seed)
    rows = []
    for i in range(n):
        t = math.pi * r.random()
        if i % 2 == 0:
            rows.append(([math.cos(t) + r.gauss(0, noise), math.sin(t) + r.gauss(0, noise)], 0))
        else:
            rows.append(([1 - math.cos(t) + r.gauss(0, noise), 0.5 - math.sin(t) + r.gauss(0, noise)], 1))
    return rows


def circles(n, noise, seed):
    r = random.Random(seed)
    rows = []
    for i in range(n):
        t = 2 * math.pi * r.random()
        radius = 1.0 if i % 2 == 0 else 0.5
        rows.append(([radius * math.cos(t) + r.gauss(0, noise), radius * math.sin(t) + r.gauss(0, noise)], i % 2))
    return rows


SETS = {
    "blobs3": (lambda: blobs([300] * 3, 2, 10, 1.0, 1), 2),
    "blobs5_10d": (lambda: blobs([200] * 5, 10, 8, 1.5, 2), 10),
    "blobs10": (lambda: blobs([150] * 10, 5, 10, 1.2, 3), 5),
    "unbalanced3": (lambda: blobs([500, 100, 50], 2, 10, 1.0, 4), 2),
    "unbalanced5": (lambda: blobs([400, 200, 100, 50, 25], 3, 10, 1.0, 5), 3),
    "overlapping4": (lambda: blobs([250] * 4, 2, 5, 1.5, 6), 2),
    "sheared3": (lambda: blobs([300] * 3, 2, 8, 1.0, 7, shear=True), 2),
    "spreads3": (lambda: blobs([300] * 3, 2, 8, 1.0, 8, sds=[0.5, 1.5, 2.5]), 2),
    "moons": (lambda: moons(600, 0.08, 9), 2),
    "circles": (lambda: circles(600, 0.05, 10), 2),
}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_synthetic.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (make, dim) in SETS.items():
        write(os.path.join(out, name + ".csv"), make(), dim)
    print(f"wrote {len(SETS)} synthetic sets to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
