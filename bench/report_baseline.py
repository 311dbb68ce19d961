#!/usr/bin/env python3
"""report_baseline - the plain-Python baseline for `mxray report`: standard library only
(email, gzip, json). Reads every file below a folder as an e-mail, takes each
application/tlsrpt+gzip or +json part, and summarises like mxray does: dedupe by organization
and report id, sessions once per report and domain (its policy type with the most sessions),
failures by result type. Prints one JSON summary.
Usage: report_baseline.py FOLDER"""
import email
import gzip
import json
import os
import sys


def reports_in(path):
    with open(path, "rb") as f:
        # compat32 (the default policy): several times faster than email.policy.default
        msg = email.message_from_binary_file(f)
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("application/tlsrpt+gzip", "application/tlsrpt+json"):
            data = part.get_payload(decode=True)
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            yield json.loads(data)


def main(folder):
    seen, domains, skipped, errors = set(), {}, 0, 0
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.startswith("."):
                continue
            found = False
            try:
                for r in reports_in(os.path.join(root, name)):
                    found = True
                    key = (r["organization-name"], r["report-id"])
                    if key in seen:
                        continue
                    seen.add(key)
                    per_domain = {}
                    for p in r["policies"]:
                        per_domain.setdefault(p["policy"]["policy-domain"].lower(), []).append(p)
                    for dom, pols in per_domain.items():
                        d = domains.setdefault(dom, {"successful": 0, "failed": 0,
                                                     "by_result_type": {}, "reporters": set()})
                        d["reporters"].add(r["organization-name"])
                        by_type = {}
                        for p in pols:
                            t = by_type.setdefault(p["policy"]["policy-type"], [0, 0, []])
                            t[0] += p["summary"]["total-successful-session-count"]
                            t[1] += p["summary"]["total-failure-session-count"]
                            t[2].extend(p.get("failure-details") or [])
                        best = max(by_type.values(), key=lambda t: t[0] + t[1])
                        d["successful"] += best[0]
                        d["failed"] += best[1]
                        for f in best[2]:
                            rt = d["by_result_type"]
                            rt[f["result-type"]] = rt.get(f["result-type"], 0) + f["failed-session-count"]
            except (ValueError, KeyError, TypeError, OSError, EOFError):
                errors += 1
                continue
            if not found:
                skipped += 1
    for d in domains.values():
        d["reporters"] = sorted(d["reporters"])
    json.dump({"reports": len(seen), "domains": domains, "skipped": skipped, "errors": errors},
              sys.stdout, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
