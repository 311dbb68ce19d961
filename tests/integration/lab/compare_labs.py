#!/usr/bin/env python3
"""compare_labs.py REAL.json BUILTIN.json - do the two labs' reports agree?

Same verdict, and the same set of (code, severity) for errors and warnings. Prints one line
saying what differs and exits 1, or prints the shared verdict and codes and exits 0."""
import json
import sys


def summary(path):
    with open(path) as f:
        r = json.load(f)
    codes = sorted({(p["code"], p["severity"]) for p in r["problems"]
                    if p["severity"] in ("error", "warning")})
    return r["verdict"], codes


def main():
    real, built = summary(sys.argv[1]), summary(sys.argv[2])
    if real == built:
        print("both %s %s" % (real[0], ", ".join(c for c, _ in real[1]) or "(no findings)"))
        return 0
    print("real lab: %s %s; built-in lab: %s %s" % (real[0], real[1], built[0], built[1]))
    return 1


if __name__ == "__main__":
    sys.exit(main())
