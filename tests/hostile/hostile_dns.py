#!/usr/bin/python3
"""hostile_dns.py - a resolver-shaped DNS server for the zone hostile.test, with faults.

Answers recursive-style queries (what mxray's --resolver sends) over UDP and TCP on one
127.0.0.1 port. Every domain <case>.hostile.test gets a healthy MTA-STS set (TXT _mta-sts,
TXT _smtp._tls, MX 10 mx.<case>.hostile.test, A 127.0.0.1 for mx. and mta-sts.) except
where the case name asks for a fault:

  txt500     _mta-sts: one TXT record of 500 character-strings;
             _smtp._tls: 500 TXT records in one answer (too big for UDP: TC, then TCP)
  tc         every UDP answer is cut (TC=1, no records): the answer needs TCP
  cnameloop  _mta-sts.<d> CNAME loop.<d>, loop.<d> CNAME _mta-sts.<d>
  servfail   _mta-sts TXT answers SERVFAIL
  mxsilent   the MX query is never answered (UDP or TCP)
  twomx      two MX hosts: 10 mx.twomx.hostile.test, 20 mx2.twomx.hostile.test

A second port (UDP and TCP) takes every query and never answers: a resolver that is dead.

Usage: hostile_dns.py PORTFILE LOGFILE LIFETIME_SECONDS
Writes "PORT DEADPORT" to PORTFILE once listening; appends "udp|tcp NAME TYPE" per query to
LOGFILE; exits by itself after LIFETIME_SECONDS.
"""
import os
import socket
import struct
import sys
import threading
import time

ZONE = "hostile.test"
T_A, T_CNAME, T_MX, T_TXT, T_AAAA, T_OPT = 1, 5, 15, 16, 28, 41
log_lock = threading.Lock()


def parse_query(msg):
    """(id, flags, qname, qtype, question bytes) or None for a malformed query."""
    if len(msg) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if qd != 1:
        return None
    i, labels = 12, []
    while i < len(msg) and msg[i] != 0:
        n = msg[i]
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    if i + 5 > len(msg):
        return None
    qtype = struct.unpack("!H", msg[i + 1:i + 3])[0]
    return qid, flags, ".".join(labels).lower(), qtype, msg[12:i + 5]


def name_wire(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(name, rtype, rdata, ttl=300):
    return name_wire(name) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def txt(*strings):
    return b"".join(bytes([len(s)]) + s.encode() for s in strings)


def answer(qname, qtype):
    """(rcode, [records]) for a name, or None to stay silent."""
    if not qname.endswith("." + ZONE):
        return 5, []  # REFUSED: not our zone
    rest = qname[:-len(ZONE) - 1]
    parts = rest.split(".")
    case = parts[-1]
    dom = case + "." + ZONE
    first = ".".join(parts[:-1])
    if first == "_mta-sts":
        if case == "servfail" and qtype == T_TXT:
            return 2, []
        if case == "cnameloop":
            return 0, [rr(qname, T_CNAME, name_wire("loop." + dom)),
                       rr("loop." + dom, T_CNAME, name_wire(qname))]
        if qtype != T_TXT:
            return 0, []
        if case == "txt500":
            return 0, [rr(qname, T_TXT, txt("v=STSv1; id=500", *(["x"] * 499)))]
        return 0, [rr(qname, T_TXT, txt("v=STSv1; id=20260101"))]
    if first == "_smtp._tls":
        if qtype != T_TXT:
            return 0, []
        rec = "v=TLSRPTv1; rua=mailto:tlsrpt@" + dom
        if case == "txt500":
            return 0, [rr(qname, T_TXT, txt(rec + ";n=%d" % i)) for i in range(500)]
        return 0, [rr(qname, T_TXT, txt(rec))]
    if first == "loop" and case == "cnameloop":
        return 0, [rr(qname, T_CNAME, name_wire("_mta-sts." + dom)),
                   rr("_mta-sts." + dom, T_CNAME, name_wire(qname))]
    if first == "":
        if qtype == T_MX:
            if case == "mxsilent":
                return None
            mx = [rr(qname, T_MX, struct.pack("!H", 10) + name_wire("mx." + dom))]
            if case == "twomx":
                mx.append(rr(qname, T_MX, struct.pack("!H", 20) + name_wire("mx2." + dom)))
            return 0, mx
        return 0, []
    if first in ("mx", "mx2", "mta-sts"):
        if qtype == T_A:
            return 0, [rr(qname, T_A, socket.inet_aton("127.0.0.1"))]
        return 0, []
    return 3, []  # NXDOMAIN


def respond(msg, transport):
    q = parse_query(msg)
    if not q:
        return None
    qid, flags, qname, qtype, question = q
    with log_lock:
        with open(LOGFILE, "a") as f:
            f.write("%s %s %d\n" % (transport, qname, qtype))
    got = answer(qname, qtype)
    if got is None:
        return None
    rcode, records = got
    case = qname.split(".")[-3] if qname.endswith(ZONE) and qname.count(".") >= 2 else ""
    tc = 0
    if transport == "udp" and (case == "tc" or len(b"".join(records)) > 1100):
        records, tc = [], 0x0200
    rflags = 0x8000 | (flags & 0x0100) | 0x0080 | tc | rcode  # QR, RD copied, RA
    head = struct.pack("!HHHHHH", qid, rflags, 1, len(records), 0, 0)
    return head + question + b"".join(records)


def serve_udp(sock):
    while True:
        try:
            msg, peer = sock.recvfrom(4096)
        except OSError:
            return
        out = respond(msg, "udp")
        if out:
            sock.sendto(out, peer)


def serve_tcp_conn(conn):
    conn.settimeout(5)
    try:
        for _ in range(16):  # bounded: a few queries per connection
            head = conn.recv(2, socket.MSG_WAITALL)
            if len(head) < 2:
                return
            msg = conn.recv(struct.unpack("!H", head)[0], socket.MSG_WAITALL)
            out = respond(msg, "tcp")
            if out:
                conn.sendall(struct.pack("!H", len(out)) + out)
    except OSError:
        pass
    finally:
        conn.close()


def serve_tcp(sock):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=serve_tcp_conn, args=(conn,), daemon=True).start()


def deaf_tcp(sock):
    """Accept and hold connections, reading and dropping queries (bounded to 64 at once)."""
    held = []
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        held.append(conn)
        if len(held) > 64:
            held.pop(0).close()


def deaf_port():
    """A UDP+TCP port that never answers; returns the port."""
    for _ in range(20):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            tcp.bind(("127.0.0.1", udp.getsockname()[1]))
        except OSError:
            udp.close()
            tcp.close()
            continue
        tcp.listen(16)
        DEAF.extend([udp, tcp])  # the UDP socket is kept open and never read
        threading.Thread(target=deaf_tcp, args=(tcp,), daemon=True).start()
        return udp.getsockname()[1]
    raise SystemExit("no free port")


DEAF = []


def main():
    global LOGFILE
    portfile, LOGFILE, lifetime = sys.argv[1], sys.argv[2], float(sys.argv[3])
    dead = deaf_port()
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(20):  # find a port free for both UDP and TCP
        udp.bind(("127.0.0.1", 0))
        port = udp.getsockname()[1]
        try:
            tcp.bind(("127.0.0.1", port))
            break
        except OSError:
            udp.close()
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tcp.listen(16)
    threading.Thread(target=serve_udp, args=(udp,), daemon=True).start()
    threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d %d\n" % (port, dead))
    os.rename(portfile + ".tmp", portfile)
    time.sleep(lifetime)


if __name__ == "__main__":
    main()
