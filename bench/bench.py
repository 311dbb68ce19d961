#!/usr/bin/env python3
"""bench - mxray's benchmarks: critical path, fan-out, batch, instruction count, peers, TUI.

Run by bench/bench.sh (which makes the network namespace when root) or by `make bench`.
Prints every table and writes them, with the machine they ran on, to docs/performance.md.
Not a test: nothing fails on a missed target; the tables say which target is met.

Sections (bench/README.md explains the design and the ideal):
  1 critical path  one domain, 2 MX x 2 addresses, every message delayed by D: measured/ideal
  2 fan-out        1, 5, 20 MX hosts at the same delay: time(20)/time(1)
  3 batch          1,000 lab clone domains, no delay, concurrency 200: domains/s, RSS, CPU,
                   and every batch verdict equal to the single check's
  4 cost           callgrind instruction count of one full lab check
  5 peers          posttls-finger over each MX and mailauth's policy fetch + MX validation,
                   side by side with mxray on the same domain and delay
  6 TUI            launch to first full frame; keypress to redraw with handshakes in flight
Sections 1, 2, 5 and 6 need the namespace (standard ports 53/443/25 on 127.x addresses);
without it they are skipped and the file says so.
"""
import argparse
import json
import os
import platform
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DNS_ADDR = "127.0.0.53"
RTTS_IDEAL = 7  # MX lookup, address lookup, TCP connect, banner, EHLO, STARTTLS, TLS handshake


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


# ---- lab and proxy ----

def scenario_text(name, nmx, naddr, sidx):
    """A bench scenario: enforce policy matching every MX, nmx hosts of naddr addresses each,
    on addresses of their own so the proxy can stand in front of each one."""
    d = "%s.mxray.test" % name
    lines = ["summary: bench %s: %d MX x %d addresses" % (name, nmx, naddr), "[teach]",
             "what: a benchmark domain", "sender: delivers over TLS", "fix: nothing", "[dns]",
             '_mta-sts TXT "v=STSv1; id=1"',
             '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls@%s"' % d,
             "mta-sts A 127.0.2.%d" % sidx]
    for h in range(1, nmx + 1):
        lines.append("@ MX %d m%d" % (h * 10, h))
        for a in range(1, naddr + 1):
            lines.append("m%d A 127.%d.%d.%d" % (h, 10 + sidx, h, a))
    lines += ["[policy]", "| version: STSv1", "| mode: enforce", "| mx: *.%s" % d,
              "| max_age: 604800"]
    for h in range(1, nmx + 1):
        lines.append("[mx m%d]" % h)
    lines += ["[expect]", "verdict: pass"]
    return "\n".join(lines) + "\n"


class Lab:
    """`mxray lab --env` in the background; env lines parsed."""

    def __init__(self, mxray, args, assets=None):
        env = dict(os.environ)
        if assets:
            env["MXRAY_ASSETS"] = assets
        self.out = tempfile.TemporaryFile(mode="w+")
        self.err = tempfile.TemporaryFile(mode="w+")
        self.p = subprocess.Popen([mxray, "lab", "--env"] + args, stdout=self.out,
                                  stderr=self.err, env=env)
        self.env = {}
        self.connect_to, self.scenarios = [], []
        for _ in range(1200):
            self.out.seek(0)
            text = self.out.read()
            if "MXRAY_LAB_READY=1" in text:
                break
            if self.p.poll() is not None:
                self.err.seek(0)
                raise RuntimeError("mxray lab exited: " + self.err.read()[:300].strip())
            time.sleep(0.05)
        else:
            raise RuntimeError("mxray lab did not start")
        for line in text.splitlines():
            k, _, v = line.partition("=")
            if k == "MXRAY_LAB_CONNECT_TO":
                self.connect_to.append(v)
            elif k == "MXRAY_LAB_SCENARIO":
                self.scenarios.append(v.split()[:2])
            else:
                self.env[k] = v

    def stop(self):
        self.p.send_signal(signal.SIGINT)
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()


class DelayLab:
    """Bench scenarios served by mxray lab, behind the delaying proxy on standard ports."""

    # Short names: the lab does not compress names in answers, and 20 long MX names would
    # pass the 1232-byte EDNS size and fall back to TCP, which a real server's answer would not.
    SCN = [("crit", 2, 2), ("fan1", 1, 1), ("fan5", 5, 1), ("fan20", 20, 1)]

    def __init__(self, mxray, delay_ms, tmp):
        assets = os.path.join(tmp, "assets")
        os.makedirs(os.path.join(assets, "scenarios"), exist_ok=True)
        self.addrs = {}  # host -> [addresses]
        for i, (name, nmx, naddr) in enumerate(self.SCN, 1):
            with open(os.path.join(assets, "scenarios", name + ".scn"), "w") as f:
                f.write(scenario_text(name, nmx, naddr, i))
            self.addrs["mta-sts.%s.mxray.test" % name] = ["127.0.2.%d" % i]
            for h in range(1, nmx + 1):
                self.addrs["m%d.%s.mxray.test" % (h, name)] = [
                    "127.%d.%d.%d" % (10 + i, h, a) for a in range(1, naddr + 1)]
        self.lab = Lab(mxray, [s[0] for s in self.SCN], assets)
        self.ca = self.lab.env["MXRAY_LAB_CA"]
        args = ["--delay-ms", str(delay_ms),
                "--udp", "%s:53=%s" % (DNS_ADDR, self.lab.env["MXRAY_LAB_RESOLVER"]),
                "--tcp", "%s:53=%s" % (DNS_ADDR, self.lab.env["MXRAY_LAB_RESOLVER"])]
        for m in self.lab.connect_to:  # HOST:PORT:127.0.0.1:LABPORT
            host, port, addr, lport = m.split(":")
            for a in self.addrs[host]:
                args += ["--tcp", "%s:%s=%s:%s" % (a, port, addr, lport)]
        self.proxy = subprocess.Popen([sys.executable, os.path.join(HERE, "delay_proxy.py")] +
                                      args, stdout=subprocess.PIPE, text=True)
        if self.proxy.stdout.readline().strip() != "ready":
            raise RuntimeError("delay proxy did not start")

    def stop(self):
        self.proxy.send_signal(signal.SIGINT)
        try:
            self.proxy.wait(10)
        except subprocess.TimeoutExpired:
            self.proxy.kill()
        self.lab.stop()


def timed(cmd, env=None, cwd=None):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                       text=True, timeout=300)
    return time.perf_counter() - t0, p


def mxray_check(a, dl, domain):
    t, p = timed([a.mxray, "check", "--json", "--resolver", DNS_ADDR, "--ca-file", dl.ca, domain])
    rep = json.loads(p.stdout)
    return t, rep


# ---- sections ----

def sec_critical(a, dl, res):
    d = a.delay_ms / 1000.0
    ideal = RTTS_IDEAL * 2 * d
    walls, engine, verdicts = [], [], set()
    for _ in range(a.runs):
        t, rep = mxray_check(a, dl, "crit.mxray.test")
        walls.append(t)
        engine.append(rep["duration_ms"] / 1000.0)
        verdicts.add(rep["verdict"])
    res["critical"] = dict(ideal=ideal, wall=median(walls), engine=median(engine),
                           walls=walls, verdicts=sorted(verdicts))


def sec_fanout(a, dl, res):
    out = {}
    for n in (1, 5, 20):
        ts, vs = [], set()
        for _ in range(a.runs):
            t, rep = mxray_check(a, dl, "fan%d.mxray.test" % n)
            ts.append(t)
            vs.add(rep["verdict"])
        out[n] = dict(wall=median(ts), verdicts=sorted(vs))
    res["fanout"] = out


def sec_peers(a, dl, res):
    dom = "crit.mxray.test"
    ptf = ("for mx in $(dig +short MX %s @%s | cut -d' ' -f2); do "
           "posttls-finger -c -l secure -F %s -t 10 -T 10 \"[${mx%%.}]\" & done; wait"
           % (dom, DNS_ADDR, dl.ca))
    nenv = dict(os.environ, NODE_EXTRA_CA_CERTS=dl.ca)
    rows = {"mxray": [], "posttls-finger": [], "mailauth": [], "mailauth_inproc": []}
    ok = {"posttls-finger": True, "mailauth": True}
    for _ in range(a.runs):
        t, _rep = mxray_check(a, dl, dom)
        rows["mxray"].append(t)
        t, p = timed(["sh", "-c", ptf])
        rows["posttls-finger"].append(t)
        ok["posttls-finger"] &= p.stdout.count("Verified TLS connection established") == 2
        t, p = timed(["node", os.path.join(HERE, "mailauth_peer.js"), dom], env=nenv, cwd=HERE)
        rows["mailauth"].append(t)
        try:
            j = json.loads(p.stdout)
            rows["mailauth_inproc"].append(j["ms"] / 1000.0)
            ok["mailauth"] &= j["mode"] == "enforce" and all(m["valid"] for m in j["mx"])
        except (ValueError, KeyError):
            ok["mailauth"] = False
            log("mailauth_peer:", p.stdout[:200], p.stderr[:300])
    res["peers"] = {k: median(v) for k, v in rows.items()}
    res["peers_ok"] = ok


def sec_batch(a, res, tmp):
    lab = Lab(a.mxray, ["--clones", str(a.clones)])
    try:
        doms = [d for _, d in lab.scenarios][:a.batch_domains]
        path = os.path.join(tmp, "batch.txt")
        with open(path, "w") as f:
            f.write("\n".join(doms) + "\n")
        base = [a.mxray, "check", "--json", "--resolver", lab.env["MXRAY_LAB_RESOLVER"],
                "--ca-file", lab.env["MXRAY_LAB_CA"]]
        for m in lab.connect_to:
            base += ["--connect-to", m]
        runs, batch_verdicts = [], {}
        for _ in range(a.batch_runs):
            cmd = ["/usr/bin/time", "-f", "TIME %e %U %S %M"] + base + [
                "--concurrency", "200", "--batch", path]
            t, p = timed(cmd)
            m = re.search(r"TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", p.stderr)
            lines = p.stdout.splitlines()
            reps = [json.loads(l) for l in lines]
            got = {r["domain"]: r["verdict"] for r in reps}
            if not batch_verdicts:  # why each domain got its verdict, to explain differences
                why = {r["domain"]: sorted({q["code"] + ": " + q["message"][:80]
                                            for q in r["problems"] if q["severity"] != "info"})
                       for r in reps}
            runs.append(dict(wall=float(m.group(1)), cpu=float(m.group(2)) + float(m.group(3)),
                             rss_kib=int(m.group(4)), lines=len(lines), unique=len(got)))
            if not batch_verdicts:
                batch_verdicts = got
        # single checks, four at a time, against the same lab
        def single(dom):
            p = subprocess.run(base + [dom], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, timeout=300)
            return dom, json.loads(p.stdout)["verdict"]
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(4) as pool:
            singles = dict(pool.map(single, doms))
        diff = ["%s (batch %s, single %s%s)" % (d, batch_verdicts.get(d), singles.get(d),
                                                 "; batch saw " + "; ".join(why.get(d, []))
                                                 if why.get(d) else "")
                for d in doms if singles.get(d) != batch_verdicts.get(d)]
        res["batch"] = dict(domains=len(doms), runs=runs,
                            wall=median([r["wall"] for r in runs]),
                            cpu=median([r["cpu"] for r in runs]),
                            rss_mib=median([r["rss_kib"] for r in runs]) / 1024.0,
                            lost=max(len(doms) - r["unique"] for r in runs),
                            singles=len(singles), verdict_diff=len(diff), diff=diff[:10])
    finally:
        lab.stop()


def sec_callgrind(a, res, tmp):
    lab = Lab(a.mxray, ["all-good"])
    try:
        out = os.path.join(tmp, "callgrind.out")
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, a.mxray, "check",
               "--json", "--timeout", "60", "--resolver", lab.env["MXRAY_LAB_RESOLVER"],
               "--ca-file", lab.env["MXRAY_LAB_CA"]]
        for m in lab.connect_to:
            cmd += ["--connect-to", m]
        p = subprocess.run(cmd + ["all-good.mxray.test"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=600)
        verdict = json.loads(p.stdout)["verdict"]
        ir = None
        with open(out) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    ir = int(line.split()[1])
        res["callgrind"] = dict(ir=ir, verdict=verdict)
    finally:
        lab.stop()


def tui_once(a, dl, key_at):
    import pty
    import fcntl
    import struct
    import termios
    cmd = [a.mxray, "--resolver", DNS_ADDR, "--ca-file", dl.ca, "crit.mxray.test"]
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8")
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvpe(cmd[0], cmd, env)
    buf, frame, key_sent, redraw, mark = b"", None, None, None, 0
    deadline = t0 + 15
    while time.perf_counter() < deadline and redraw is None:
        r, _, _ = select.select([fd], [], [], 0.002)
        now = time.perf_counter()
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            buf += chunk
            # the footer (last row, drawn last) has been reached: the frame is complete
            if frame is None and re.search(rb"\x1b\[24(d|;1H)", buf):
                frame = now - t0
            if key_sent is not None and b"Help" in buf[mark:]:
                redraw = now - key_sent
        if frame is not None and key_sent is None and now - t0 >= key_at:
            mark = len(buf)
            key_sent = time.perf_counter()
            os.write(fd, b"?")
    try:
        os.write(fd, b"qqq")
        time.sleep(0.2)
        os.kill(pid, signal.SIGTERM)
    except OSError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    if frame is None:
        log("tui: no frame; output began %r" % buf[:300])
    return frame, redraw


def sec_tui(a, dl, res):
    # Keypress 4 RTT after launch: the SMTP sessions are connecting and handshaking then.
    key_at = 4 * 2 * a.delay_ms / 1000.0 + 0.05
    frames, redraws = [], []
    for _ in range(a.runs):
        f, r = tui_once(a, dl, key_at)
        if f is not None:
            frames.append(f)
        if r is not None:
            redraws.append(r)
    res["tui"] = dict(frame=median(frames), redraw=median(redraws), key_at=key_at,
                      n=len(frames), nr=len(redraws))


# ---- report ----

def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = "%.1f GiB" % (int(f.readline().split()[1]) / 1048576)
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    return ("%s, %d CPUs (shared), %s RAM, %s %s, Python %s; mxray commit %s; %s UTC"
            % (cpu, os.cpu_count(), mem, platform.system(), platform.release(),
               platform.python_version(), commit, time.strftime("%Y-%m-%d %H:%M",
                                                                 time.gmtime())))


def verdict_mark(ok):
    return "met" if ok else "NOT met"


def render(a, res):  # noqa: C901 - one block per section
    L = ["# mxray performance", "",
         "Written by `make bench` (bench/bench.sh, bench/bench.py); see bench/README.md for the",
         "set-up and the ideal. One run; every number is the median of %d runs unless said"
         % a.runs, "otherwise, and ratios are taken within this run.", "",
         "Machine: " + machine(), ""]
    d = a.delay_ms
    if "critical" in res:
        c = res["critical"]
        L += ["## 1. Critical path", "",
              "One domain, 2 MX hosts with 2 addresses each, every network message delayed by "
              "%g ms (a round trip is %g ms). Ideal: %d sequential round trips on the longest "
              "chain (MX lookup, address lookup, TCP connect, banner, EHLO, STARTTLS, TLS "
              "handshake) = %.0f ms." % (d, 2 * d, RTTS_IDEAL, c["ideal"] * 1000), "",
              "| measure | time (ms) | measured/ideal | target <= 1.15 |",
              "|---|---:|---:|---|",
              "| whole process (`mxray check --json`, wall clock) | %.0f | %.3f | %s |"
              % (c["wall"] * 1000, c["wall"] / c["ideal"],
                 verdict_mark(c["wall"] / c["ideal"] <= 1.15)),
              "| engine (report `duration_ms`) | %.0f | %.3f | %s |"
              % (c["engine"] * 1000, c["engine"] / c["ideal"],
                 verdict_mark(c["engine"] / c["ideal"] <= 1.15)),
              "", "Verdicts seen: %s." % ", ".join(c["verdicts"]), ""]
    if "fanout" in res:
        f = res["fanout"]
        r20, r5 = f[20]["wall"] / f[1]["wall"], f[5]["wall"] / f[1]["wall"]
        L += ["## 2. Fan-out", "",
              "The same delay (%g ms a message); 1, 5 and 20 MX hosts with one address each."
              % d, "",
              "| MX hosts | time (ms) | time(n)/time(1) |", "|---:|---:|---:|"]
        for n in (1, 5, 20):
            L.append("| %d | %.0f | %.3f |" % (n, f[n]["wall"] * 1000,
                                               f[n]["wall"] / f[1]["wall"]))
        L += ["", "time(20)/time(1) = %.3f, target <= 1.2: %s (time(5)/time(1) = %.3f)."
              % (r20, verdict_mark(r20 <= 1.2), r5), ""]
    if "batch" in res:
        b = res["batch"]
        L += ["## 3. Batch", "",
              "%d distinct lab domains (`mxray lab --clones`), no added delay, `--concurrency "
              "200 --json`; median of %d runs (`/usr/bin/time`)." % (b["domains"],
                                                                   len(b["runs"])), "",
              "| domains/s | wall (s) | CPU user+sys (s) | peak RSS (MiB) | target RSS <= 64 |",
              "|---:|---:|---:|---:|---|",
              "| %.0f | %.2f | %.2f | %.1f | %s |" % (b["domains"] / b["wall"], b["wall"],
                                                     b["cpu"], b["rss_mib"],
                                                     verdict_mark(b["rss_mib"] <= 64)),
              "", "Runs: " + "; ".join("%.2f s, %.2f s CPU, %d KiB, %d lines"
                                       % (r["wall"], r["cpu"], r["rss_kib"], r["lines"])
                                       for r in b["runs"]) + ".", "",
              "Nothing lost: every run printed %s; most missing in a run: %d."
              % ("one line per domain" if b["lost"] == 0 else "FEWER lines", b["lost"]),
              "Same verdict as a single check: %d of %d domains checked singly, %d differ "
              "(target: none) - %s." % (b["singles"], b["domains"], b["verdict_diff"],
                                        verdict_mark(b["verdict_diff"] == 0 and
                                                     b["singles"] == b["domains"])), ""]
        if b["diff"]:
            L += ["Differing: " + ", ".join(b["diff"]), ""]
    if "callgrind" in res:
        c = res["callgrind"]
        L += ["## 4. Cost of one check", "",
              "`valgrind --tool=callgrind` of `mxray check --json all-good.mxray.test` against "
              "the built-in lab (whole process: start, OpenSSL and c-ares set-up, 2 MX hosts, "
              "policy fetch, report). Instruction counts compare exactly across noisy machines.",
              "", "| instructions (Ir) | verdict |", "|---:|---|",
              "| %s | %s |" % ("{:,}".format(c["ir"]) if c["ir"] else "?", c["verdict"]), ""]
    if "peers" in res:
        p, ok = res["peers"], res["peers_ok"]
        m = p["mxray"]
        L += ["## 5. Peers on the same work", "",
              "Same domain (crit: 2 MX x 2 addresses), same delay (%g ms a message), "
              "runs interleaved. posttls-finger: `dig` MX lookup, then `posttls-finger -l "
              "secure` on every MX host at once (each stops at the first address that works; "
              "mxray probes all four). mailauth: getPolicy (TXT + HTTPS policy) and the MX "
              "lookup at once, then validateMx for each MX (no SMTP at all)." % d, "",
              "| tool | time (ms) | tool/mxray | mxray faster | result ok |",
              "|---|---:|---:|---|---|",
              "| mxray check | %.0f | 1.000 | - | yes |" % (m * 1000)]
        for k in ("posttls-finger", "mailauth"):
            L.append("| %s | %.0f | %.3f | %s | %s |" % (k, p[k] * 1000, p[k] / m,
                                                        "yes" if p[k] > m else "NO",
                                                        "yes" if ok[k] else "NO"))
        L += ["", "mailauth inside node (process start excluded): %.0f ms, %.3f of mxray's whole "
              "process." % (p["mailauth_inproc"] * 1000, p["mailauth_inproc"] / m), ""]
    if "tui" in res:
        t = res["tui"]
        L += ["## 6. TUI", "",
              "`mxray DOMAIN` in an 80x24 pseudo-terminal (crit, %g ms a message). First "
              "full frame: launch until the footer (the last thing a frame draws) is out. "
              "Keypress: `?` sent %.0f ms after launch, while the SMTP sessions are connecting "
              "and handshaking, until the help view is out." % (d, t["key_at"] * 1000), "",
              "| measure | time (ms) |", "|---|---:|",
              "| launch to first full frame | %.1f |" % (t["frame"] * 1000),
              "| keypress to redraw (handshakes in flight) | %.1f |" % (t["redraw"] * 1000),
              "", "(%d of %d runs drew a frame, %d saw the redraw.)" % (t["n"], a.runs, t["nr"]),
              ""]
    for s in res.get("skipped", []):
        L += ["Skipped: " + s, ""]
    return "\n".join(L)


def guarded(res, name, fn, *args):
    """Run one section; a failure is written into the file instead of ending the run."""
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001 - any failure of a section is reported the same way
        log("bench: section %s failed: %r" % (name, e))
        res["skipped"].append("section %s failed: %s" % (name, e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mxray", default=os.path.join(ROOT, "build", "mxray"))
    ap.add_argument("--delay-ms", type=float, default=50)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--batch-runs", type=int, default=3)
    ap.add_argument("--batch-domains", type=int, default=1000)
    ap.add_argument("--clones", type=int, default=48)  # 21 scenarios x 48 >= 1000
    ap.add_argument("--sections", default="1,2,3,4,5,6")
    ap.add_argument("--netns", action="store_true", help="inside the benchmark namespace")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    ap.add_argument("--results", help="also save the raw results (JSON) here")
    ap.add_argument("--merge", help="start from raw results saved by an earlier --results")
    a = ap.parse_args()
    sec = set(a.sections.split(","))
    res = {"skipped": []}
    if a.merge:
        with open(a.merge) as f:
            res = json.load(f)
        res["fanout"] = {int(k): v for k, v in res.get("fanout", {}).items()} or None
        if res["fanout"] is None:
            del res["fanout"]
        res["skipped"] = [s for s in res.get("skipped", [])
                          if not any(("section %s " % x) in s for x in sec)]
    with tempfile.TemporaryDirectory(prefix="mxray-bench-") as tmp:
        net = sec & {"1", "2", "5", "6"}
        if net and not a.netns:
            res["skipped"].append("sections %s need root and a network namespace (bench/bench.sh "
                                  "as root)" % ",".join(sorted(net)))
        elif net:
            dl = DelayLab(a.mxray, a.delay_ms, tmp)
            try:
                for s, fn in (("1", sec_critical), ("2", sec_fanout), ("5", sec_peers),
                              ("6", sec_tui)):
                    if s in sec:
                        log("bench: section", s)
                        guarded(res, s, fn, a, dl, res)
            finally:
                dl.stop()
        if "3" in sec:
            log("bench: section 3")
            guarded(res, "3", sec_batch, a, res, tmp)
        if "4" in sec:
            log("bench: section 4")
            guarded(res, "4", sec_callgrind, a, res, tmp)
    if a.results:
        with open(a.results, "w") as f:
            json.dump(res, f)
    text = render(a, res)
    # section 7 (bench/report_bench.py) is written by its own script: keep it
    if os.path.exists(a.out):
        old = open(a.out).read()
        i = old.find("## 7. Reading TLS reports")
        if i >= 0:
            text = text.rstrip("\n") + "\n\n" + old[i:]
    print(text)
    with open(a.out, "w") as f:
        f.write(text)
    log("bench: wrote", a.out)


if __name__ == "__main__":
    main()
