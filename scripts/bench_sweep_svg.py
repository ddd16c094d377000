#!/usr/bin/python3
"""Draw the array-size sweep of scripts/bench_perf.sh as an SVG: for each model, fps and
MAC utilization per preset (grouped bars), from the reports WORK/MODEL.PRESET.json.

    /usr/bin/python3 scripts/bench_sweep_svg.py WORK_DIR OUT.svg
"""
import json
import os
import sys

MODELS = ("resnet50", "mobilenet_v2")
PRESETS = ("tiny", "b512", "b1024", "b4096")
COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759")


def main():
    work, out = sys.argv[1], sys.argv[2]
    data = {}
    for m in MODELS:
        for p in PRESETS:
            path = os.path.join(work, "%s.%s.json" % (m, p))
            if os.path.exists(path):
                data[m, p] = json.load(open(path))["total"]
    W, H = 900, 420
    s = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">'
         % (W, H), '<rect width="100%" height="100%" fill="#fff"/>',
         '<text x="%d" y="24" text-anchor="middle" font-size="17" font-weight="bold">'
         'Array-size sweep (dpusim --timing-only, 300 MHz)</text>' % (W / 2)]
    panels = (("inferences_per_s", "inferences per second", 1.0),
              ("mac_utilization", "MAC-array utilization (%)", 100.0))
    for k, (key, label, scale) in enumerate(panels):
        x0, y0, pw, ph = 80 + k * 430, 60, 360, 280
        top = max([data[mp][key] * scale for mp in data] + [1e-9]) * 1.15
        s.append('<text x="%d" y="%d" text-anchor="middle" font-size="14">%s</text>'
                 % (x0 + pw / 2, y0 - 10, label))
        for i in range(5):
            v = top * i / 4
            y = y0 + ph - ph * i / 4
            s.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (x0, y, x0 + pw, y))
            s.append('<text x="%d" y="%.1f" text-anchor="end" font-size="11">%.3g</text>' % (x0 - 5, y + 4, v))
        gw = pw / len(MODELS)
        bw = gw * 0.8 / len(PRESETS)
        for mi, m in enumerate(MODELS):
            s.append('<text x="%.1f" y="%d" text-anchor="middle" font-size="12">%s</text>'
                     % (x0 + gw * (mi + 0.5), y0 + ph + 18, m))
            for pi, p in enumerate(PRESETS):
                if (m, p) not in data:
                    continue
                v = data[m, p][key] * scale
                h = ph * v / top
                x = x0 + gw * mi + gw * 0.1 + bw * pi
                s.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">'
                         '<title>%s on %s: %.3g</title></rect>'
                         % (x, y0 + ph - h, bw * 0.9, h, COLOURS[pi], m, p, v))
        s.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#000"/>'
                 % (x0, y0, pw, ph))
    for pi, p in enumerate(PRESETS):
        x = 250 + pi * 110
        s.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (x, H - 34, COLOURS[pi]))
        s.append('<text x="%d" y="%d" font-size="12">%s</text>' % (x + 18, H - 24, p))
    s.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(s) + "\n")


if __name__ == "__main__":
    main()
