#!/usr/bin/python3
"""hostile_https.py - MTA-STS policy hosts that misbehave, one 127.0.0.1 TLS port each.

  good      200 text/plain, a valid enforce policy naming mx.<case>.hostile.test
  big       200 with a 10 MB body
  bodydrip  200, Content-Length 100, then the body one byte a second
  hdrs      a status line, then header lines that never end
  redirect  301 to https://elsewhere.hostile.test/moved (and any request for /moved is
            logged, so a test can assert nobody followed the redirect)

The case is read from the Host header (mta-sts.<case>.hostile.test). The certificate is
CERTDIR/good.pem (its SAN lists every mta-sts.<case>.hostile.test name of the tests).

Usage: hostile_https.py CERTDIR PORTFILE LOGFILE LIFETIME_SECONDS BEHAVIOUR...
PORTFILE gets "BEHAVIOUR PORT" lines; LOGFILE "BEHAVIOUR connect" and
"BEHAVIOUR request METHOD PATH HOST" lines. Connections end within 30 s; the process after
LIFETIME_SECONDS.
"""
import os
import socket
import ssl
import sys
import threading
import time

log_lock = threading.Lock()


def log(behaviour, what):
    with log_lock:
        with open(LOGFILE, "a", encoding="utf-8", errors="backslashreplace") as f:
            f.write("%s %s\n" % (behaviour, what))


def read_request(conn):
    buf = b""
    while b"\r\n\r\n" not in buf and len(buf) < 16384:
        data = conn.recv(4096)
        if not data:
            return None
        buf += data
    head = buf.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    parts = head[0].split(" ")
    host = ""
    for h in head[1:]:
        if h.lower().startswith("host:"):
            host = h[5:].strip()
    return (parts[0], parts[1] if len(parts) > 1 else "", host)


def policy(host):
    # both MX hosts of a case are listed (twomx's mx2 must pass: an MX outside an enforced
    # policy is one an enforcing sender refuses, and its address is marked fail)
    case = host.split(".")[1] if host.count(".") >= 3 else "x"
    return ("version: STSv1\r\nmode: enforce\r\nmx: mx.%s.hostile.test\r\nmx: mx2.%s.hostile.test\r\n"
            "mx: never.decoy.hostile.test\r\nmax_age: 604800\r\n" % (case, case)).encode()


def handle(raw, behaviour, ctx):
    log(behaviour, "connect")
    raw.settimeout(30)
    try:
        conn = ctx.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError) as e:
        log(behaviour, "tls error " + str(e).replace("\n", " "))
        raw.close()
        return
    try:
        req = read_request(conn)
        if not req:
            return
        method, path, host = req
        log(behaviour, "request %s %s %s" % (method, path, host))
        if path.startswith("/moved"):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        elif behaviour == "good":
            body = policy(host)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n%s" % (len(body), body))
        elif behaviour == "big":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                         b"Content-Length: 10485760\r\n\r\n")
            chunk = policy(host) + b"#" * (65536 - len(policy(host)))
            for _ in range(160):
                conn.sendall(chunk)
        elif behaviour == "bodydrip":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n")
            for b in policy(host)[:30]:
                conn.sendall(bytes([b]))
                time.sleep(1)
        elif behaviour == "hdrs":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for i in range(3000):  # 30 s at most, 10,000 header lines a second
                conn.sendall(b"".join(b"X-Filler-%d: %s\r\n" % (i * 100 + j, b"v" * 40)
                                      for j in range(100)))
                time.sleep(0.01)
        elif behaviour == "redirect":
            conn.sendall(b"HTTP/1.1 301 Moved Permanently\r\n"
                         b"Location: https://elsewhere.hostile.test/moved/mta-sts.txt\r\n"
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    except OSError as e:
        log(behaviour, "error " + str(e))
    finally:
        conn.close()


def serve(sock, behaviour, ctx):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=handle, args=(conn, behaviour, ctx), daemon=True).start()


def main():
    global LOGFILE
    certdir, portfile, LOGFILE, lifetime = sys.argv[1:5]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(certdir, "good.pem"), os.path.join(certdir, "good.key"))
    lines = []
    for behaviour in sys.argv[5:]:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        lines.append("%s %d\n" % (behaviour, s.getsockname()[1]))
        threading.Thread(target=serve, args=(s, behaviour, ctx), daemon=True).start()
    with open(portfile + ".tmp", "w") as f:
        f.writelines(lines)
    os.rename(portfile + ".tmp", portfile)
    time.sleep(float(lifetime))


if __name__ == "__main__":
    main()
