#!/usr/bin/python3
"""hostile_smtp.py - SMTP servers that misbehave, one 127.0.0.1 port per behaviour.

  good      220, EHLO offers STARTTLS, TLS with good.pem, then answers QUIT with 221
  escapes   like good, but banner and EHLO lines carry ANSI CSI, an OSC title, BEL, NUL,
            a C1 CSI byte and invalid UTF-8
  utf8      like good, the banner carrying "\u011b2J" (C4 9B 32 4A: 0x9B is an 8-bit CSI
            to a terminal whose locale is not UTF-8)
  longline  a 100 KB banner line
  ehlo10k   EHLO answered with 10,000 lines
  silent    accepts and never says a word
  drip      the banner one byte a second
  tlsreset  STARTTLS accepted, then a TCP reset in the middle of the handshake
  chain30   like good, with a chain of 30 certificates (chain30.pem)
  san10k    like good, with a certificate of 10,000 SAN entries (san10k.pem, name first)
  san10klast  the same, the MX name being entry 10,000 (san10klast.pem)
  plain     EHLO does not offer STARTTLS (the probe must say QUIT and stop)
  trap      accepts, logs, closes: a port nobody should ever connect to

Usage: hostile_smtp.py CERTDIR PORTFILE LOGFILE LIFETIME_SECONDS BEHAVIOUR...
PORTFILE gets "BEHAVIOUR PORT" lines once every port listens. LOGFILE gets one line per
event: "BEHAVIOUR connect", "BEHAVIOUR cmd LINE" for every command received (before and
after TLS), "BEHAVIOUR tls ok|error". Every connection ends within 30 s; the whole
process exits after LIFETIME_SECONDS.
"""
import os
import socket
import ssl
import sys
import threading
import time

ESC_BANNER = (b"220 mx.escapes.hostile.test \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 "
              b"nul\x00byte \x9b2J c1 \xff\xfe bad-utf8 \xe2\x80\xae rlo\r\n")
ESC_EHLO = (b"250-mx.escapes.hostile.test \x1b[2J\x1b[H cleared\r\n"
            b"250-X-\x1b]8;;http://evil.example/\x07LINK\x1b]8;;\x07\r\n"
            b"250-NUL\x00INSIDE \xc3\x28 \xf0\x9f\x92\xa9\r\n"
            b"250 STARTTLS\r\n")
log_lock = threading.Lock()


def log(behaviour, what):
    with log_lock:
        with open(LOGFILE, "a", encoding="utf-8", errors="backslashreplace") as f:
            f.write("%s %s\n" % (behaviour, what))


def tls_context(name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(CERTDIR, name + ".pem"),
                        os.path.join(CERTDIR, name + ".key"))
    return ctx


def read_line(conn, buf):
    """One line (bytes, without CRLF) and the rest of the buffer, or (None, buf) at EOF."""
    while b"\n" not in buf:
        if len(buf) > 4096:
            return None, buf
        data = conn.recv(4096)
        if not data:
            return None, buf
        buf += data
    line, _, rest = buf.partition(b"\n")
    return line.rstrip(b"\r"), rest


def command_loop(conn, behaviour, banner, ehlo, cert):
    """The SMTP dialogue of a well-behaved server (with hostile text) up to and after TLS."""
    conn.sendall(banner)
    buf, tls = b"", False
    for _ in range(20):  # bounded number of commands
        line, buf = read_line(conn, buf)
        if line is None:
            return
        log(behaviour, "cmd " + line.decode("latin-1"))
        verb = line.split(b" ")[0].upper()
        if verb in (b"EHLO", b"HELO"):
            conn.sendall(ehlo if not tls else b"250-mx\r\n250 SIZE 1000\r\n")
        elif verb == b"STARTTLS" and not tls:
            conn.sendall(b"220 2.0.0 go ahead\r\n")
            if behaviour == "tlsreset":
                conn.recv(100)  # part of the ClientHello, then a reset
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
                log(behaviour, "tls reset")
                return
            try:
                conn = tls_context(cert).wrap_socket(conn, server_side=True)
                log(behaviour, "tls ok")
            except (ssl.SSLError, OSError) as e:
                log(behaviour, "tls error " + str(e).replace("\n", " "))
                return
            tls, buf = True, b""
        elif verb == b"QUIT":
            conn.sendall(b"221 2.0.0 bye\r\n")
            return
        else:
            conn.sendall(b"250 2.0.0 ok\r\n")


def handle(conn, behaviour):
    log(behaviour, "connect")
    conn.settimeout(30)
    try:
        if behaviour == "trap":
            return
        if behaviour == "silent":
            conn.recv(1)  # until the client hangs up or 30 s pass
            return
        if behaviour == "drip":
            for b in b"220 drip.hostile.test ESMTP\r\n":
                conn.sendall(bytes([b]))
                time.sleep(1)
            return
        banner = b"220 mx.%s.hostile.test ESMTP hostile\r\n" % behaviour.encode()
        ehlo = b"250-mx greets you\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
        cert = "good"
        if behaviour == "escapes":
            banner, ehlo = ESC_BANNER, ESC_EHLO
        elif behaviour == "utf8":
            banner = b"220 mx.utf8.hostile.test \xc4\x9b2J ESMTP\r\n"
        elif behaviour == "longline":
            banner = b"220 " + b"A" * 100000 + b"\r\n"
        elif behaviour == "ehlo10k":
            ehlo = b"".join(b"250-X-FILLER-%05d\r\n" % i for i in range(10000)) + b"250 STARTTLS\r\n"
        elif behaviour == "plain":
            ehlo = b"250-mx greets you\r\n250 PIPELINING\r\n"
        elif behaviour in ("chain30", "san10k", "san10klast"):
            cert = behaviour
        command_loop(conn, behaviour, banner, ehlo, cert)
    except OSError as e:
        log(behaviour, "error " + str(e))
    finally:
        conn.close()


def serve(sock, behaviour):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=handle, args=(conn, behaviour), daemon=True).start()


def main():
    global CERTDIR, LOGFILE
    CERTDIR, portfile, LOGFILE, lifetime = sys.argv[1:5]
    lines = []
    for behaviour in sys.argv[5:]:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        lines.append("%s %d\n" % (behaviour, s.getsockname()[1]))
        threading.Thread(target=serve, args=(s, behaviour), daemon=True).start()
    with open(portfile + ".tmp", "w") as f:
        f.writelines(lines)
    os.rename(portfile + ".tmp", portfile)
    time.sleep(float(lifetime))


if __name__ == "__main__":
    main()
