#!/usr/bin/env python3
"""report_bench - `mxray report` on a year of TLS reports for a busy domain, against a plain
Python baseline (bench/report_baseline.py: email, gzip, json) on the same folder in the same
run. Issue 16's target: at least 5x faster, peak RSS at most 64 MiB (streamed: one report in
memory plus the summary).

Generates N e-mails (default 10,000) into a Maildir: 365 days, senders in the styles of
tests/data/tlsrpt (Google-style no-policy-found, Microsoft-style sts+tlsa, others with sts and
a few failure details), as multipart/report with the gzip'd report base64-encoded, plus one in
50 messages without a report (DMARC-like). Then runs both RUNS times, alternating, and takes
the medians of wall time and of peak RSS (/usr/bin/time -f %M). Both must agree on the report
count and the per-domain totals, or the run fails. Writes section 7 of docs/performance.md
(replacing an earlier one). Run at low priority: `nice -n 19 bench/report_bench.py`.
Usage: report_bench.py [--mxray build/mxray] [--emails 10000] [--runs 5] [--out FILE]"""
import argparse
import base64
import datetime
import gzip
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SENDERS = [("Google Inc.", "smtp-tls-reporting@google.com", "google"),
           ("Microsoft Corporation", "tlsrpt-noreply@microsoft.com", "microsoft")] + [
    ("Mail Provider %02d" % i, "tls-reports@provider%02d.example" % i, "plain") for i in range(26)]
RESULTS = ["certificate-expired", "starttls-not-supported", "validation-failure",
           "certificate-host-mismatch", "sts-policy-fetch-error"]


def report(rng, sender, day, n):
    org, contact, style = sender
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(days=day)
    ok, bad = rng.randint(100, 5000), rng.choice([0, 0, 0, rng.randint(1, 40)])
    fails = []
    left = bad
    while left > 0:
        c = rng.randint(1, left)
        fails.append({"result-type": rng.choice(RESULTS), "sending-mta-ip": "198.51.100.%d" % rng.randint(1, 254),
                      "receiving-mx-hostname": "mx%d.busy.example" % rng.randint(1, 3),
                      "receiving-ip": "192.0.2.%d" % rng.randint(1, 3), "failed-session-count": c})
        left -= c
    sts = {"policy": {"policy-type": "sts", "policy-string": ["version: STSv1", "mode: enforce",
                                                              "mx: *.busy.example", "max_age: 604800"],
                      "policy-domain": "busy.example", "mx-host": ["*.busy.example"]},
           "summary": {"total-successful-session-count": ok, "total-failure-session-count": bad},
           "failure-details": fails}
    if style == "google":
        pols = [{"policy": {"policy-type": "no-policy-found", "policy-domain": "busy.example"},
                 "summary": {"total-successful-session-count": ok, "total-failure-session-count": 0}}]
    elif style == "microsoft":
        tlsa = json.loads(json.dumps(sts))
        tlsa["policy"] = {"policy-type": "tlsa", "policy-string": ["3 1 1 " + "ab" * 32],
                          "policy-domain": "busy.example", "mx-host": "mx1.busy.example"}
        tlsa["failure-details"] = []
        tlsa["summary"]["total-failure-session-count"] = 0
        pols = [sts, tlsa]
    else:
        pols = [sts]
    end = start + datetime.timedelta(seconds=86399)
    return {"organization-name": org, "date-range": {"start-datetime": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                     "end-datetime": end.strftime("%Y-%m-%dT%H:%M:%SZ")},
            "contact-info": contact, "report-id": "%s-%d-%d" % (style, day, n), "policies": pols}


def delivered_headers(rng, r, n):
    """The header fields a report carries once delivered into a Maildir: the trace fields of
    the MTA and the LDA, the receiver's DKIM verdict, and the sender's DKIM signature (RFC 8460
    5.3 asks for one) and message fields, as Google and Microsoft send them."""
    host = r["contact-info"].split("@")[1]
    day = datetime.datetime.strptime(r["date-range"]["end-datetime"], "%Y-%m-%dT%H:%M:%SZ")
    date = (day + datetime.timedelta(hours=2, minutes=n % 60)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    b64 = lambda k: base64.b64encode(rng.randbytes(k)).decode()
    sig = b64(256)
    sig = "\r\n\t ".join(sig[i:i + 70] for i in range(0, len(sig), 70))
    return ("Return-Path: <%s>\r\nDelivered-To: tls-reports@busy.example\r\n"
            "Received: from mx1.busy.example\r\n\tby imap.busy.example with LMTP\r\n\tid %s\r\n"
            "\t(envelope-from <%s>)\r\n\tfor <tls-reports@busy.example>; %s\r\n"
            "Received: from mail-out-%d.%s (mail-out-%d.%s [203.0.113.%d])\r\n"
            "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n"
            "\t(No client certificate requested)\r\n\tby mx1.busy.example (Postfix) with ESMTPS id %s\r\n"
            "\tfor <tls-reports@busy.example>; %s\r\n"
            "Authentication-Results: mx1.busy.example;\r\n\tdkim=pass (2048-bit key; unprotected) "
            "header.d=%s header.i=@%s header.a=rsa-sha256 header.s=20230601 header.b=%s;\r\n"
            "\tdkim-atps=neutral\r\n"
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n        d=%s; s=20230601; "
            "t=%d; x=%d; darn=busy.example;\r\n        h=to:subject:message-id:date:from:mime-version"
            ":from:to:cc:subject\r\n         :date:message-id:reply-to;\r\n        bh=%s;\r\n"
            "        b=%s\r\nX-Received: by 2002:a05:6902:%x with SMTP id %s; %s\r\n"
            "Message-ID: <%s@%s>\r\nDate: %s\r\n" % (
                r["contact-info"], b64(12), r["contact-info"], date, n % 9, host, n % 9, host,
                1 + n % 250, b64(9)[:10], date, host, host, b64(6), host, 1780000000 + n,
                1780600000 + n, b64(32), sig, n, b64(12), date, b64(16).rstrip("="), host, date))


def mail(rng, r, n, delivered=True):
    gz = gzip.compress(json.dumps(r).encode(), mtime=0)
    b64 = base64.encodebytes(gz).decode()
    b = "b%08d" % n
    head = delivered_headers(rng, r, n) if delivered else ""
    return head.encode() + ("From: noreply@%s\r\nTo: tls-reports@busy.example\r\nSubject: Report Domain: busy.example "
            "Submitter: %s Report-ID: <%s>\r\nTLS-Report-Domain: busy.example\r\nTLS-Report-Submitter: %s\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
            "report-type=\"tlsrpt\"; boundary=\"%s\"\r\n\r\n--%s\r\nContent-Type: text/plain\r\n\r\n"
            "This is an aggregate TLS report.\r\n--%s\r\nContent-Type: application/tlsrpt+gzip\r\n"
            "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"%s.json.gz\""
            "\r\n\r\n%s\r\n--%s--\r\n" % (r["contact-info"].split("@")[1], r["organization-name"],
                                           r["report-id"], r["contact-info"].split("@")[1], b, b, b, r["report-id"],
                                           b64.replace("\n", "\r\n"), b)).encode()


def other_mail(n):
    return ("From: dmarc@else.example\r\nTo: tls-reports@busy.example\r\nSubject: DMARC %d\r\n"
            "MIME-Version: 1.0\r\nContent-Type: application/gzip; name=\"x.xml.gz\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n" % (
                n, base64.b64encode(gzip.compress(b"<feedback/>", mtime=0)).decode())).encode()


def generate(folder, emails, delivered=True):
    rng = random.Random(16)
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(folder, d), exist_ok=True)
    n = 0
    day = 0
    while n < emails:
        for s in SENDERS:
            if n >= emails:
                break
            n += 1
            data = other_mail(n) if n % 50 == 0 else mail(rng, report(rng, s, day % 365, n), n, delivered)
            with open(os.path.join(folder, "cur", "%d.M%dP1.bench:2,S" % (1780000000 + n, n)), "wb") as f:
                f.write(data)
        day += 1


def timed(cmd):
    """wall seconds, peak RSS KiB, CPU seconds (user + system), stdout, exit status"""
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + cmd, capture_output=True)
    wall = time.monotonic() - t0
    rss, user, sys_ = p.stderr.decode().strip().splitlines()[-1].split()
    return wall, int(rss), float(user) + float(sys_), p.stdout, p.returncode


def measure(a, md):
    """medians (wall, RSS KiB, CPU) of mxray text, mxray --json and the baseline on md; exits
    when they disagree on the summary"""
    mx, mj, py = [], [], []
    mx_out = py_out = None
    for _ in range(a.runs):
        w, r, c, out, rc = timed([a.mxray, "report", md])
        if rc not in (0, 1):
            sys.exit("mxray report failed: exit %d" % rc)
        mx.append((w, r, c))
        w, r, c, out, rc = timed([a.mxray, "report", "--json", md])
        if rc not in (0, 1):
            sys.exit("mxray report --json failed: exit %d" % rc)
        mj.append((w, r, c))
        mx_out = out
        w, r, c, out, rc = timed([sys.executable, os.path.join(HERE, "report_baseline.py"), md])
        if rc != 0:
            sys.exit("baseline failed")
        py.append((w, r, c))
        py_out = out
    m = json.loads(mx_out)
    p = json.loads(py_out)
    dm = {d["domain"]: d for d in m["domains"]}
    agree = (len(m["reports"]) == p["reports"] and m["skipped"] == p["skipped"] and
             all(dm[k]["successful"] == v["successful"] and dm[k]["failed"] == v["failed"] and
                 dm[k]["by_result_type"] == v["by_result_type"] for k, v in p["domains"].items()))
    if not agree:
        sys.exit("mxray and the baseline disagree on the summary of " + md)
    med = lambda v: tuple(statistics.median(x[i] for x in v) for i in range(3))
    return med(mx), med(mj), med(py), m


def folder_size(md):
    return sum(os.path.getsize(os.path.join(md, "cur", f)) for f in os.listdir(os.path.join(md, "cur")))


def rows(name, mx, mj, py):
    mib = lambda kib: kib / 1024
    return (f"| {name} | `mxray report` (the text summary) | {mx[0]:.2f} s | {mx[2]:.2f} s | {mib(mx[1]):.1f} MiB |\n"
            f"| {name} | `mxray report --json` (also every report: kept parsed in a temporary file, printed after the summary is done) | {mj[0]:.2f} s | {mj[2]:.2f} s | {mib(mj[1]):.1f} MiB |\n"
            f"| {name} | Python 3 standard library (`bench/report_baseline.py`) | {py[0]:.2f} s | {py[2]:.2f} s | {mib(py[1]):.1f} MiB |\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mxray", default=os.path.join(ROOT, "build", "mxray"))
    ap.add_argument("--emails", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="mxray-report-bench-")
    try:
        dl, sent = os.path.join(tmp, "Maildir"), os.path.join(tmp, "Maildir-as-sent")
        t0 = time.monotonic()
        generate(dl, a.emails, True)
        generate(sent, a.emails, False)
        gen = time.monotonic() - t0
        dmx, dmj, dpy, m = measure(a, dl)
        smx, smj, spy, _ = measure(a, sent)
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        cpu = ""
        try:
            cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read()).group(1)
        except (OSError, AttributeError):
            pass
        rss = max(dmx[1], dmj[1], smx[1], smj[1]) / 1024
        section = f"""## 7. Reading TLS reports

Written by `bench/report_bench.py` (`make bench` runs it last, at low priority, `nice -n 19`). A
year of reports for a busy domain: {a.emails:,} e-mails in a Maildir, 28 senders x 365 days in the
styles of tests/data/tlsrpt (Google-style no-policy-found, Microsoft-style sts+tlsa, others sts
with failure details), the report gzip'd and base64-encoded in a multipart/report, one in 50 a
DMARC-like mail without a TLS report. The same reports twice: **as delivered** ({folder_size(dl) / 1048576:.1f} MiB), with
the 16 header fields such a report has in a Maildir (Return-Path, Delivered-To, two Received,
Authentication-Results, a folded DKIM-Signature, X-Received, the message's own fields and RFC
8460's TLS-Report-Domain and TLS-Report-Submitter), and **as sent** ({folder_size(sent) / 1048576:.1f} MiB), the sender's 7
fields only. Generated in {gen:.1f} s. Both readers read every message and summarise (dedupe by
organization + report id, sessions once per report, failures by result type); they agreed on
{len(m['reports']):,} reports, {m['skipped']} skipped messages and every per-domain total. Median of {a.runs} runs each,
alternating, in the same run. The baseline is email with its default compat32 policy (the
fastest; `email.policy.default` is several times slower), gzip and json, the summary only.

| folder | reader | wall time | CPU time (user + system) | peak RSS |
|---|---|---|---|---|
{rows("as delivered", dmx, dmj, dpy)}{rows("as sent", smx, smj, spy)}
Like for like (a summary of the same folder), mxray is **{dpy[0] / dmx[0]:.1f}x** faster in wall
time and **{dpy[2] / dmx[2]:.1f}x** in CPU time on the reports as delivered, and **{spy[0] / smx[0]:.1f}x** and
**{spy[2] / smx[2]:.1f}x** as sent (target: at least 5x). With `--json`, which also writes every report (the
baseline writes none): {dpy[0] / dmj[0]:.1f}x and {spy[0] / smj[0]:.1f}x in wall time. Peak RSS at most {rss:.1f} MiB (target: at most 64 MiB). The machine is shared (2 cores):
wall times carry other people's load, CPU times much less.

Machine: {cpu or platform.processor()}, {os.cpu_count()} CPUs (shared), Linux {platform.release()},
Python {platform.python_version()}; mxray commit {commit}; {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC
"""
        print(section)
        text = open(a.out).read() if os.path.exists(a.out) else "# mxray performance\n"
        i = text.find("## 7. Reading TLS reports")
        if i >= 0:
            j = text.find("\n## ", i + 5)
            text = text[:i] + section + (text[j + 1:] if j >= 0 else "")
        else:
            text = text.rstrip("\n") + "\n\n" + section
        with open(a.out, "w") as f:
            f.write(text)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
