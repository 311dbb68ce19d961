#!/usr/bin/env python3
"""seeds.py - (re)write the fuzz seed corpora under tests/fuzz-corpus/<target>/.

Seeds come from the unit-test cases, tests/data/lint and RFC examples; names follow mtr's
fuzz/: seed_<target>_{valid,edge,malform}_N. The corpus is committed; rerun this only to
change it (cert_der seeds are made with the openssl command, so they differ on each run).
Usage: python3 fuzz/seeds.py [TOP [TARGET...]]   (TARGET: only those, e.g. tlsrpt_mime)"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

TOP = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(TOP, "tests", "fuzz-corpus")
LINT = os.path.join(TOP, "tests", "data", "lint")


def b(x):
    return x if isinstance(x, bytes) else x.encode()


def write(target, groups):
    d = os.path.join(OUT, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for kind, items in groups.items():
        for i, data in enumerate(items, 1):
            with open(os.path.join(d, "seed_%s_%s_%d" % (target, kind, i)), "wb") as f:
                f.write(b(data))


def lint(prefix):
    good, bad = [], []
    if os.path.isdir(LINT):
        for name in sorted(os.listdir(LINT)):
            if name.startswith(prefix + "-"):
                data = open(os.path.join(LINT, name), "rb").read()
                (good if "-good-" in name else bad).append(data)
    return good, bad


def sts_record():
    good, bad = lint("record")
    write("sts_record", {
        "valid": good + ["v=STSv1; id=20160831085700Z;", "v=STSv1;id=1577377920599;",
                         "v=STSv1; id=1; foo=bar", "v=STSv1; id=1; x.y-z_1=a:b<c>"],
        "edge": ["v=STSv1;\tid=abc\t;\t", "v=STSv1; id=abcdefghijklmnopqrstuvwxyz012345",
                 "v=STSv1; id=1; id=2", "v=STSv1; id=1 ", "v=STSv1 ; id=1", ""],
        "malform": bad + ["V=STSv1; id=1", "v=STSv1,id=1", "id=1; v=STSv1", " v=STSv1; id=1",
                          "v=spf1 include:_spf.google.com ~all", "v=STSv1; id=\x1b[2J\xff"],
    })


def tlsrpt():
    good, bad = lint("tlsrpt")
    write("tlsrpt", {
        "valid": good + ["v=TLSRPTv1; rua=mailto:tlsrpt@example.com",
                         "v=TLSRPTv1;rua=https://reporting.example.com/v1/tlsrpt"],
        "edge": ["v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com; ext=1;",
                 "v=TLSRPTv1; rua=mailto:a%2Cb@example.com", "v=TLSRPTv1;"],
        "malform": bad + ["v=TLSRPTv1; rua=ftp://x", "v=TLSRPTv1; rua=mailto:\x00@x",
                          "rua=mailto:a@example.com; v=TLSRPTv1"],
    })


def sts_policy():
    good, bad = lint("policy")
    write("sts_policy", {
        "valid": good + ["version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                         "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n"],
        "edge": ["version: STSv1\nmode: testing\nmx: *.example.com\nmax_age: 31557600",
                 "version: STSv1\nmode: none\nmax_age: 0\n",
                 "version:STSv1\r\nmode:enforce\nmx:a.example.com\r\nmax_age:86400\r\nx: y\n",
                 "version: STSv1\nmode: enforce\nmx: a.example.com\nmx: a.example.com\n"
                 "max_age: 99999999999999999999\n"],
        "malform": bad + ["<html><body>404</body></html>", "version: STSv1\r\rmode: enforce",
                          "mode: enforce\nmx: 192.0.2.1\nmx: mx.example.com:25\nmax_age: -1\n"],
    })


def mx_match():
    valid = [("mx1.example.com", "mx1.example.com"), ("*.example.com", "mx1.example.com"),
             ("*.mail.protection.outlook.com", "contoso-com.mail.protection.outlook.com"),
             ("*.example.com", "xn--bcher-kva.example.com")]
    edge = [("mx1.example.com.", "mx1.example.com"), ("*.example.com", "MX1.EXAMPLE.COM."),
            ("*.example.com", "example.com"), ("*.example.com", "a.b.example.com"),
            ("mx1.example.com", "mx1.example.com..")]
    bad = [("m*.example.com", "mx1.example.com"), ("*", "localhost"),
           ("**.example.com", "a.example.com"), ("192.0.2.1", "192.0.2.1"),
           ("mx.example.com:25", "mx.example.com"), ("b\xc3\xbccher.example", "x")]
    j = lambda l: [p + "\n" + h for p, h in l]
    write("mx_match", {"valid": j(valid), "edge": j(edge), "malform": j(bad)})


def cert_name():
    write("cert_name", {
        "valid": ["mx1.example.com\nmx1.example.com", "mx1.example.com\nother.example\n*.example.com",
                  "contoso-com.mail.protection.outlook.com\n*.mail.protection.outlook.com"],
        "edge": ["mx1.example.com.\nMX1.Example.COM", "a.b.example.com\n*.example.com",
                 "example.com\n*.example.com\n.example.com\n*", "mx1.example.com\nmx1.example.com.."],
        "malform": ["mx1.example.com\nm*.example.com\n*.*.example.com\na.*.example.com",
                    "mx1.example.com\n\x00\xff*\x1b", "\n\n\n"],
    })


def cert_der():
    valid, edge = [], []
    with tempfile.TemporaryDirectory() as t:
        def mk(name, key, days, exts):
            keyf, der = os.path.join(t, name + ".key"), os.path.join(t, name + ".der")
            cmd = ["openssl", "req", "-x509", "-nodes", "-newkey", key, "-keyout", keyf,
                   "-outform", "DER", "-out", der, "-days", str(days), "-subj",
                   "/CN=mx.example.com/O=Example \\\\ Org"]
            for e in exts:
                cmd += ["-addext", e]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return open(der, "rb").read()
        try:
            valid.append(mk("rsa", "rsa:1024", 30, [
                "subjectAltName=DNS:mx.example.com,DNS:*.example.net,IP:192.0.2.25,IP:2001:db8::25",
                "keyUsage=digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth",
                "authorityInfoAccess=OCSP;URI:http://ocsp.example.com,caIssuers;URI:http://ca.example.com/ca.der",
                "crlDistributionPoints=URI:http://crl.example.com/ca.crl"]))
            valid.append(mk("ed", "ed25519", 1, ["subjectAltName=DNS:mx\x01.example.com,email:a@b"]))
            edge.append(mk("ca", "rsa:1024", 3650, ["basicConstraints=critical,CA:TRUE,pathlen:0",
                                                    "subjectAltName=DNS:*.example.com"]))
        except (OSError, subprocess.CalledProcessError) as e:
            print("cert_der: openssl failed (%s); keeping no DER seeds" % e, file=sys.stderr)
    malform = [v[:len(v) // 2] for v in valid[:1]] + [b"\x30\x82\xff\xff\x30"]
    write("cert_der", {"valid": valid, "edge": edge, "malform": malform})


def smtp_reply():
    # First byte: read size - 1 (see fuzz_smtp_reply.c).
    valid = ["\x00220 mx.example.com ESMTP ready\r\n",
             "\x07250-mx.example.com hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
             "250-STARTTLS\r\n250 8BITMIME\r\n221 not part of it\r\n",
             "\x3f220 ready\r\n250-a\r\n250 b\r\n220 go ahead\r\n"]
    edge = ["\x01250\n250-a\n250-b\r\n250\n", "\x02220 a\rb\r\n", "\x03250-first\r\n250-second\r\n",
            "\x00" + "".join("250-K%d\r\n" % i for i in range(120)) + "250 END\r\n",
            "\x3f220 " + "x" * 1100 + "\r\n"]
    bad = ["\x00hello\r\n", "\x0522\r\n220_x\r\n620 x\r\n", "\x01250-a\r\n251 b\r\n",
           "\x00220 evil\x1b]0;pwned\x07 \x00nul \xff\xfe\r\n", "\x00\r\n\r\n"]
    write("smtp_reply", {"valid": [b(x) for x in valid], "edge": edge, "malform": bad})


class Pkt:
    """A DNS response builder (like the one in tests/unit/test_dns_parse.c)."""

    def __init__(self, flags2=0x80, qd=1, an=0, qname="example.com", qtype=1):
        self.b = struct.pack(">HBBHHHH", 0x1234, 0x81, flags2, qd, an, 0, 0)
        if qd:
            self.b += self.name(qname) + struct.pack(">HH", qtype, 1)

    @staticmethod
    def name(n):
        out = b""
        for lab in [x for x in n.split(".") if x]:
            out += bytes([len(lab)]) + lab.encode()
        return out + b"\x00"

    def rr(self, rtype, rdata, owner=None, ttl=300):
        self.b += (self.name(owner) if owner else b"\xc0\x0c")
        self.b += struct.pack(">HHIH", rtype, 1, ttl, len(rdata)) + rdata
        return self


def dns_answer():
    # First byte: question type index 0=A 1=CNAME 2=MX 3=TXT 4=AAAA 5=TLSA.
    a = Pkt(an=2).rr(1, bytes([192, 0, 2, 1])).rr(1, bytes([192, 0, 2, 2]))
    mx = Pkt(an=2, qtype=15).rr(15, b"\x00\x0a" + Pkt.name("mx1.example.com")) \
        .rr(15, b"\x00\x14\x03mx2\xc0\x0c")
    txt = Pkt(an=1, qtype=16, qname="_mta-sts.example.com") \
        .rr(16, b"\x0fv=STSv1; id=123\x05;x=yz")
    aaaa = Pkt(an=1, qtype=28).rr(28, bytes(15) + b"\x01")
    cname = Pkt(an=2, qtype=1, qname="www.example.com") \
        .rr(5, Pkt.name("alias.example.net")).rr(1, b"\x7f\x00\x00\x01", owner="alias.example.net")
    ad_nx = Pkt(flags2=0xa3, qtype=16)
    tc = Pkt(an=0, qtype=16)
    tc.b = tc.b[:2] + b"\x83" + tc.b[3:]
    loop = Pkt(an=1, qtype=15).rr(15, b"\x00\x01\xc0\x25")  # pointer to itself-ish
    short = Pkt(an=3, qtype=1).rr(1, b"\x01\x02\x03")
    unknown = Pkt(an=1, qtype=52).rr(52, b"\x03\x01\x01" + bytes(32))
    write("dns_answer", {
        "valid": [b"\x00" + a.b, b"\x02" + mx.b, b"\x03" + txt.b, b"\x04" + aaaa.b,
                  b"\x00" + cname.b],
        "edge": [b"\x03" + ad_nx.b, b"\x03" + tc.b, b"\x05" + unknown.b,
                 b"\x03" + Pkt(an=1, qtype=16).rr(16, b"").b],
        "malform": [b"\x02" + loop.b, b"\x00" + short.b, b"\x00" + a.b[:20], b"\x01\x12"],
    })


def escape():
    write("escape", {
        "valid": ["mx1.example.com ESMTP", "M\xc3\xbcller", "\xf0\x9f\x93\xa7 mail"],
        "edge": ["a\tb\r\n", "back\\slash", "nul\x00x", "\x1b" * 3000],
        "malform": [b"\x1b[31mred", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xc2\x9b2J",
                    b"a\xe2\x80\xaeb", b"\xff\xfe", b"\xf4\x90\x80\x80"],
    })


def cli():
    z = lambda s: "\x00".join(s.split(" "))
    write("cli", {
        "valid": [z("check --resolver 127.0.0.1 --resolver [::1]:5353 --ca-file ca.pem "
                    "--timeout 2.5 -6 --json --no-color --connect-to "
                    "mx.example.com:25:192.0.2.1:2525 example.com b.example"),
                  z("--timeout=7 example.org"), z("--verbose --ehlo probe.example example.org")],
        "edge": [z("-- -weird.example"), z("--connect-to ::new-mx.example.net: x.org"),
                 z("--connect-to mx.example.com:25:[::1]:2525 -4 x.org"), ""],
        "malform": [z("--bogus x.org"), z("--timeout"), z("--timeout 601 x.org"),
                    z("--timeout abc x.org"), z("--resolver 1.2.3.4:99999 x.org"),
                    z("--connect-to mx:2x5:1.2.3.4:25 x.org"),
                    z("--connect-to mx.example.com:25:[::1:2525 x.org")],
    })


def domain():
    write("domain", {
        "valid": ["example.com", "Example.COM.", "b\xc3\xbccher.example", "xn--bcher-kva.example"],
        "edge": ["a." * 126 + "com", "x" * 63 + ".example", "\xe4\xbe\x8b\xe3\x81\x88\xe3\x80\x82jp",
                 "mx-1.sub.example.co.uk"],
        "malform": ["", ".", "192.0.2.1", "localhost", "x" * 64 + ".com", "a..b", "-a.com",
                    "example.123", "xn--zz.example", "exa mple.com"],
    })


def json_():
    write("json", {
        "valid": ["key\x00value\x00id\x00mx1.example.com\x00", "plain text"],
        "edge": ["\x00\x00", "quote\"back\\slash\x00tab\tnl\n\x00", "\x7f\x1f\x00\x01\x00"],
        "malform": [b"\xff\xfe\x00\xc0\xaf\x00", b"\xed\xa0\x80\x00\xf4\x90\x80\x80\x00",
                    b"\xe2\x80\xae\x00\xc3"],
    })


def http_header():
    ok = ("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\n"
          "Content-Length: 77\r\n\r\n")
    write("http_header", {
        "valid": [ok, "HTTP/2 200\r\ncontent-type: text/plain; charset=utf-8\r\n\r\n"],
        "edge": ["HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.net/.well-known/"
                 "mta-sts.txt\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type:\ttext/plain \t\r\n\r\n",
                 "HTTP/1.1 200 OK\r\n" + "".join("X-H%d: v\r\n" % i for i in range(70)) + "\r\n",
                 "HTTP/1.1 200 OK\r\nX-Long: " + "a" * 1100 + "\r\n\r\n"],
        "malform": ["HTTP/1.1 200 \x1b[2J\r\nContent-Type\r\nLocation:\r\n:\r\n\r\n",
                    "no status line\nContent-Type: \xff\xfe\x00\n", "HTTP/"],
    })


TLSRPT_DATA = os.path.join(TOP, "tests", "data", "tlsrpt")


def tlsrpt_samples():
    """The sample reports and their e-mail/mbox/gzip forms (tests/data/tlsrpt/make_inputs.py)."""
    import glob
    tmp = tempfile.mkdtemp()
    subprocess.run([sys.executable, os.path.join(TLSRPT_DATA, "make_inputs.py"), tmp], check=True)
    reports = [open(f, "rb").read() for f in sorted(glob.glob(os.path.join(TLSRPT_DATA, "*.json")))]
    return tmp, reports


def tlsrpt_report():
    _, reports = tlsrpt_samples()
    head = ('{"organization-name":"x","report-id":"1","date-range":{"start-datetime":'
            '"2026-01-01T00:00:00Z","end-datetime":"2026-01-02T00:00:00+01:00"},"policies":')
    write("tlsrpt_report", {
        "valid": reports,
        "edge": [head + '[]}', head + '[{"policy":{"policy-type":"tlsa","policy-domain":"A.'
                 'Example.","mx-host":"mx"},"summary":{"total-successful-session-count":'
                 '9007199254740992,"total-failure-session-count":0},"failure-details":null}]}',
                 head + '[{"policy":{"policy-type":"sts","policy-domain":"a\\u001b[2J"},'
                 '"summary":{"total-successful-session-count":1,"total-failure-session-count":'
                 '1},"failure-details":[{"result-type":"x\\u0000y","failed-session-count":1,'
                 '"additional-information":"\\ud800"}]}]}'],
        "malform": ["[" * 40, '{"organization-name":5}', head + '[{"summary":"5"}]}',
                    head + '[{"policy":{},"summary":{}}]}', "\xef\xbb\xbf{}", "{\"a\":1e999}"],
    })


def tlsrpt_mime():
    import glob
    import gzip
    tmp, reports = tlsrpt_samples()
    mails = [open(f, "rb").read() for f in sorted(glob.glob(os.path.join(tmp, "eml", "*.eml")))[:4]]
    other = [open(f, "rb").read() for f in sorted(glob.glob(os.path.join(tmp, "noreport", "*.eml")))]
    mbox = open(os.path.join(tmp, "all.mbox"), "rb").read()
    write("tlsrpt_mime", {
        "valid": mails + [gzip.compress(reports[0], mtime=0), reports[0]],
        "edge": other + [mbox[:6000], b"* 1 FETCH (UID 1 BODY[] {12}\r\nSubject: x\r\n\r\n)\r\n"],
        "malform": [b"\x1f\x8b\x08\x00" + b"\xff" * 40, b"From \n\n",
                    b"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: "
                    b"application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n\n!!!!\n--a--\n",
                    b"* 1 FETCH {99999999999}\r\n"],
    })


if len(sys.argv) > 2:  # seeds.py TOP TARGET...: only those corpora
    for name in sys.argv[2:]:
        globals()[name]()
    sys.exit(0)
for fn in (http_header, sts_record, tlsrpt, sts_policy, mx_match, cert_name, cert_der, smtp_reply,
           dns_answer, escape, cli, domain, json_, tlsrpt_report, tlsrpt_mime):
    fn()
