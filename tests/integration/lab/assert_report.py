#!/usr/bin/env python3
"""assert_report.py - check one `mxray check --json` report against a lab scenario.

Validates the JSON shape against the binding contract (schema mxray.report.v1), the verdict
and exit-status rules (none/fail/warn/pass; 3/2/1/0), that every problem code exists in
src/problem_table.h, and the scenario's expectations from scenarios.txt (verdict, exit,
code, absent, maxsev, field; see the header of scenarios.txt).

Usage:
  assert_report.py --scenarios FILE [--scenarios FILE...] [--problem-table problem_table.h]
                   --name NAME --json REPORT.json --exit STATUS
  assert_report.py --scenarios FILE --list        # print the scenario names, one a line
Prints one line: "ok: ..." (exit 0) or the failures joined by "; " (exit 1). Exit 2 on usage
or scenario-file errors. Python 3 standard library only.
"""
import argparse
import json
import re
import sys

VERDICTS = ("pass", "warn", "fail", "none")
EXIT_OF = {"pass": 0, "warn": 1, "fail": 2, "none": 3}
SEVERITIES = ("info", "warning", "error")
RANK = {s: i for i, s in enumerate(SEVERITIES)}
STS_STATUS = ("ok", "missing", "invalid", "multiple", "error")
POLICY_STATUS = ("ok", "not_fetched", "fetch_error", "invalid")
TLSRPT_STATUS = ("ok", "missing", "invalid", "multiple")
CHAIN_KEYS = ("subject", "issuer", "san", "not_before", "not_after", "serial", "sha256", "key",
              "signature")
TLS_KEYS = ("version", "cipher", "verified", "verify_error", "hostname_match", "chain")


class ScenarioError(Exception):
    """A malformed scenario file."""


def parse_scenarios(paths):
    """Return {name: {"verdict", "exit", "code": [...], "absent": [...], "maxsev", "field": [...]}}."""
    scenarios, order, cur = {}, [], None
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for lineno, raw in enumerate(f, 1):
                line = raw.rstrip("\r\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                m = re.fullmatch(r"\[([a-z0-9-]+)\]", line.strip())
                if m:
                    cur = {"code": [], "absent": [], "field": [], "verdict": None, "exit": None,
                           "maxsev": None}
                    scenarios[m.group(1)] = cur
                    order.append(m.group(1))
                    continue
                if cur is None:
                    raise ScenarioError(f"{path}:{lineno}: line outside a scenario")
                parts = line.split(None, 1)
                key, rest = parts[0], (parts[1].strip() if len(parts) > 1 else "")
                if key == "verdict":
                    if rest not in VERDICTS:
                        raise ScenarioError(f"{path}:{lineno}: bad verdict {rest!r}")
                    cur["verdict"] = rest
                elif key == "exit":
                    cur["exit"] = int(rest)
                elif key == "maxsev":
                    if rest not in SEVERITIES:
                        raise ScenarioError(f"{path}:{lineno}: bad severity {rest!r}")
                    cur["maxsev"] = rest
                elif key in ("code", "absent"):
                    m = re.fullmatch(r"([a-z0-9_.]+)(?::([a-z]+))?(?:@(\S+))?", rest)
                    if not m or (m.group(2) and m.group(2) not in SEVERITIES) or \
                            (key == "absent" and m.group(2)):
                        raise ScenarioError(f"{path}:{lineno}: bad {key} {rest!r}")
                    cur[key].append((m.group(1), m.group(2), m.group(3)))
                elif key == "field":
                    fp = rest.split(None, 1)
                    if len(fp) != 2:
                        raise ScenarioError(f"{path}:{lineno}: field needs PATH JSON")
                    try:
                        cur["field"].append((fp[0], json.loads(fp[1])))
                    except ValueError as e:
                        raise ScenarioError(f"{path}:{lineno}: bad JSON {fp[1]!r}: {e}") from e
    return scenarios, order


def known_codes(path):
    """The set of problem codes in problem_table.h, or None when no table was given."""
    if not path:
        return None
    with open(path, encoding="utf-8") as f:
        return set(re.findall(r'PROBLEM_ID\(\s*\w+\s*,\s*"([^"]+)"', f.read()))


class Shape:
    """Collects contract violations while walking the report."""

    def __init__(self):
        self.errors = []
        self.missing = set()  # paths already reported as missing keys

    def err(self, path, msg):
        self.errors.append(f"{path}: {msg}")

    def obj(self, v, path, keys):
        """v must be an object holding every key in keys (values may be null)."""
        if path in self.missing:
            return False
        if not isinstance(v, dict):
            self.err(path, f"expected an object, got {type(v).__name__}")
            return False
        for k in keys:
            if k not in v:
                self.err(path, f"missing key {k!r}")
                self.missing.add(k if path == "report" else f"{path}.{k}")
        return True

    def typ(self, v, path, types, nullable=True, choices=None):
        """v must have one of the JSON types (str, int, bool, list) or be null if nullable."""
        if path in self.missing:
            return
        if v is None:
            if not nullable:
                self.err(path, "is null")
            return
        if isinstance(v, bool) and bool not in types:
            self.err(path, f"expected {'/'.join(t.__name__ for t in types)}, got bool")
        elif not isinstance(v, types):
            self.err(path, f"expected {'/'.join(t.__name__ for t in types)}, got "
                           f"{type(v).__name__}")
        elif choices and v not in choices:
            self.err(path, f"{v!r} not one of {'/'.join(choices)}")

    def strlist(self, v, path, nullable=True):
        self.typ(v, path, (list,), nullable)
        if isinstance(v, list):
            for i, s in enumerate(v):
                self.typ(s, f"{path}[{i}]", (str,), False)

    def tls(self, v, path):
        if v is None:
            return
        if not self.obj(v, path, TLS_KEYS):
            return
        self.typ(v.get("version"), f"{path}.version", (str,))
        self.typ(v.get("cipher"), f"{path}.cipher", (str,))
        self.typ(v.get("verified"), f"{path}.verified", (bool,))
        self.typ(v.get("verify_error"), f"{path}.verify_error", (str,))
        self.typ(v.get("hostname_match"), f"{path}.hostname_match", (bool,))
        chain = v.get("chain")
        self.typ(chain, f"{path}.chain", (list,))
        for i, c in enumerate(chain or []):
            cp = f"{path}.chain[{i}]"
            if self.obj(c, cp, CHAIN_KEYS):
                for k in CHAIN_KEYS:
                    if k == "san":
                        self.strlist(c.get(k), f"{cp}.san")
                    else:
                        self.typ(c.get(k), f"{cp}.{k}", (str,))

    def dane(self, v, path):
        """The per-address DANE object (RFC 7672): status, TLSA records, match."""
        if not self.obj(v, path, ("status", "tlsa", "match")):
            return
        self.typ(v.get("status"), f"{path}.status", (str,), False,
                 ("none", "insecure", "secure", "bogus", "pending"))
        self.typ(v.get("match"), f"{path}.match", (bool,))
        self.typ(v.get("tlsa"), f"{path}.tlsa", (list,), False)
        for i, t in enumerate(v.get("tlsa") or []):
            tp = f"{path}.tlsa[{i}]"
            if self.obj(t, tp, ("usage", "selector", "mtype", "data", "usable")):
                for k in ("usage", "selector", "mtype"):
                    self.typ(t.get(k), f"{tp}.{k}", (int,), False)
                self.typ(t.get("data"), f"{tp}.data", (str,), False)
                self.typ(t.get("usable"), f"{tp}.usable", (bool,), False)

    def report(self, r):
        """Walk the whole report; return the list of violations."""
        top = ("schema", "domain", "verdict", "duration_ms", "sts_record", "policy", "mx",
               "tlsrpt", "problems")
        if not self.obj(r, "report", top):
            return self.errors
        if r.get("schema") != "mxray.report.v1":
            self.err("schema", f"{r.get('schema')!r} is not 'mxray.report.v1'")
        self.typ(r.get("domain"), "domain", (str,), False)
        self.typ(r.get("verdict"), "verdict", (str,), False, VERDICTS)
        self.typ(r.get("duration_ms"), "duration_ms", (int,), False)
        s = r.get("sts_record")
        if self.obj(s, "sts_record", ("status", "records", "id")):
            self.typ(s.get("status"), "sts_record.status", (str,), False, STS_STATUS)
            self.strlist(s.get("records"), "sts_record.records")
            self.typ(s.get("id"), "sts_record.id", (str,))
        p = r.get("policy")
        pkeys = ("status", "url", "http_status", "content_type", "mode", "mx", "max_age", "tls")
        if self.obj(p, "policy", pkeys):
            self.typ(p.get("status"), "policy.status", (str,), False, POLICY_STATUS)
            self.typ(p.get("url"), "policy.url", (str,))
            self.typ(p.get("http_status"), "policy.http_status", (int,))
            self.typ(p.get("content_type"), "policy.content_type", (str,))
            self.typ(p.get("mode"), "policy.mode", (str,))
            self.strlist(p.get("mx"), "policy.mx")
            self.typ(p.get("max_age"), "policy.max_age", (int,))
            self.tls(p.get("tls"), "policy.tls")
        mx = r.get("mx")
        self.typ(mx, "mx", (list,), False)
        for i, h in enumerate(mx or []):
            hp = f"mx[{i}]"
            if not self.obj(h, hp, ("host", "preference", "policy_match", "sts_deliverable",
                                    "addresses")):
                continue
            self.typ(h.get("host"), f"{hp}.host", (str,), False)
            self.typ(h.get("preference"), f"{hp}.preference", (int,))
            self.typ(h.get("policy_match"), f"{hp}.policy_match", (bool,))
            self.typ(h.get("sts_deliverable"), f"{hp}.sts_deliverable", (bool,))
            self.typ(h.get("addresses"), f"{hp}.addresses", (list,), False)
            for j, a in enumerate(h.get("addresses") or []):
                ap = f"{hp}.addresses[{j}]"
                if self.obj(a, ap, ("address", "port", "banner", "starttls", "tls")):
                    self.typ(a.get("address"), f"{ap}.address", (str,), False)
                    self.typ(a.get("port"), f"{ap}.port", (int,), False)
                    self.typ(a.get("banner"), f"{ap}.banner", (str,))
                    self.typ(a.get("starttls"), f"{ap}.starttls", (bool,))
                    self.tls(a.get("tls"), f"{ap}.tls")
                    self.dane(a.get("dane"), f"{ap}.dane")
        t = r.get("tlsrpt")
        if self.obj(t, "tlsrpt", ("status", "rua")):
            self.typ(t.get("status"), "tlsrpt.status", (str,), False, TLSRPT_STATUS)
            self.strlist(t.get("rua"), "tlsrpt.rua")
        probs = r.get("problems")
        self.typ(probs, "problems", (list,), False)
        for i, pr in enumerate(probs or []):
            pp = f"problems[{i}]"
            if self.obj(pr, pp, ("code", "severity", "step", "subject", "message")):
                self.typ(pr.get("code"), f"{pp}.code", (str,), False)
                self.typ(pr.get("severity"), f"{pp}.severity", (str,), False, SEVERITIES)
                self.typ(pr.get("step"), f"{pp}.step", (str,), False)
                self.typ(pr.get("subject"), f"{pp}.subject", (str,))
                self.typ(pr.get("message"), f"{pp}.message", (str,), False)
                self.typ(pr.get("report_as"), f"{pp}.report_as", (str,))
        return self.errors


def subject_names(report, host):
    """Strings that identify MX host in a problem subject: the name and its addresses."""
    names = {host.lower().rstrip(".")}
    for h in report.get("mx") or []:
        if isinstance(h, dict) and str(h.get("host", "")).lower().rstrip(".") in names:
            for a in h.get("addresses") or []:
                if isinstance(a, dict) and a.get("address"):
                    names.add(str(a["address"]))
    return names


def about(problem, report, host):
    """True when the problem is about MX host (its subject names the host or an address)."""
    if host is None:
        return True
    subj = str(problem.get("subject") or "").lower()
    return any(re.search(r"(^|[^0-9a-z.-])" + re.escape(n) + r"($|[^0-9a-z-])", subj)
               for n in subject_names(report, host))


def lookup(value, path):
    """The value at a dotted PATH (numbers index lists); raises KeyError when absent."""
    for part in path.split("."):
        if isinstance(value, list) and re.fullmatch(r"\d+", part):
            idx = int(part)
            if idx >= len(value):
                raise KeyError(f"{path}: index {idx} out of range (len {len(value)})")
            value = value[idx]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise KeyError(f"{path}: no {part!r}")
    return value


def check(report, status, exp, codes_known):
    """Return the list of failures of one report against one scenario expectation."""
    fails = Shape().report(report)
    if not isinstance(report, dict):
        return fails
    probs = [p for p in report.get("problems") or [] if isinstance(p, dict)]
    sevs = [p.get("severity") for p in probs]
    verdict = report.get("verdict")
    # The contract's own rules: verdict derived from problems, exit status from verdict.
    if verdict in VERDICTS and verdict != "none":
        derived = "fail" if "error" in sevs else "warn" if "warning" in sevs else "pass"
        if derived != verdict:
            fails.append(f"verdict {verdict} but the problems' severities give {derived}")
    if verdict in EXIT_OF and EXIT_OF[verdict] != status:
        fails.append(f"exit status {status} does not match verdict {verdict} "
                     f"(want {EXIT_OF[verdict]})")
    if codes_known is not None:
        for p in probs:
            if p.get("code") not in codes_known:
                fails.append(f"unknown problem code {p.get('code')!r}")
    # The scenario's expectations.
    if exp["verdict"] and verdict != exp["verdict"]:
        fails.append(f"verdict {verdict}, want {exp['verdict']}")
    if exp["exit"] is not None and status != exp["exit"]:
        fails.append(f"exit {status}, want {exp['exit']}")
    for code, sev, host in exp["code"]:
        hits = [p for p in probs if p.get("code") == code and about(p, report, host)]
        where = f" about {host}" if host else ""
        if not hits:
            fails.append(f"missing {code}{where}")
        elif sev and not any(p.get("severity") == sev for p in hits):
            fails.append(f"{code}{where} has severity "
                         f"{'/'.join(sorted({str(p.get('severity')) for p in hits}))}, want {sev}")
    for code, _, host in exp["absent"]:
        if any(p.get("code") == code and about(p, report, host) for p in probs):
            fails.append(f"unexpected {code}" + (f" about {host}" if host else ""))
    if exp["maxsev"]:
        worse = [f"{p.get('code')}:{p.get('severity')}" for p in probs
                 if RANK.get(p.get("severity"), 99) > RANK[exp["maxsev"]]]
        if worse:
            fails.append(f"problems above {exp['maxsev']}: {', '.join(worse)}")
    for path, want in exp["field"]:
        try:
            got = lookup(report, path)
        except KeyError as e:
            fails.append(f"field {e.args[0]}")
            continue
        if got != want or type(got) is not type(want):
            fails.append(f"field {path} = {json.dumps(got)}, want {json.dumps(want)}")
    return fails


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--scenarios", action="append", required=True)
    ap.add_argument("--problem-table")
    ap.add_argument("--name")
    ap.add_argument("--json")
    ap.add_argument("--exit", type=int)
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args(argv)
    try:
        scenarios, order = parse_scenarios(a.scenarios)
    except (OSError, ScenarioError, ValueError) as e:
        print(f"scenario file error: {e}")
        return 2
    if a.list:
        print("\n".join(order))
        return 0
    if not a.name or a.json is None or a.exit is None:
        print("need --name, --json and --exit")
        return 2
    if a.name not in scenarios:
        print(f"no scenario {a.name!r}")
        return 2
    try:
        with open(a.json, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        print(f"cannot read report: {e}")
        return 1
    if not text.strip():
        print(f"empty output (exit {a.exit})")
        return 1
    try:
        report = json.loads(text)
    except ValueError as e:
        print(f"output is not one JSON object ({e}); exit {a.exit}; starts {text[:120]!r}")
        return 1
    fails = check(report, a.exit, scenarios[a.name], known_codes(a.problem_table))
    if fails:
        print("; ".join(fails))
        return 1
    codes = ",".join(f"{p.get('code')}:{p.get('severity')}" for p in report.get("problems", []))
    print(f"ok: verdict {report.get('verdict')}, exit {a.exit}, problems [{codes}]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
