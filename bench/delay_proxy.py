#!/usr/bin/env python3
"""delay_proxy - a small delaying proxy for UDP DNS and TCP, since netem is not available.

Every network message through it takes DELAY milliseconds each way, like a path whose round
trip is 2 x DELAY:
  UDP  each datagram reaches the server DELAY after it was sent; each answer reaches the
       client DELAY after the server sent it.
  TCP  a new connection reaches the server (its accept returns) 3 x DELAY after the client's
       connect, as with SYN, SYN-ACK and ACK each taking DELAY; the client's first bytes are
       held until then. After that every chunk of data, and the end of the stream, reaches
       the other side DELAY after it was sent, in order.
So an SMTP banner arrives 4 x DELAY after connect() (2 round trips), a request/reply costs
one round trip, a TLS 1.3 handshake one round trip: the counts the benchmark's ideal uses.

Usage: delay_proxy.py --delay-ms 50 [--tcp LISTEN=TARGET]... [--udp LISTEN=TARGET]...
       LISTEN and TARGET are ADDR:PORT (IPv4). Prints "ready" on stdout once every socket
       listens; runs until SIGINT/SIGTERM. Connections and datagrams are bounded in number.
"""
import argparse
import asyncio
import signal
import sys

MAX_CONNS = 2048          # TCP connections open at once
MAX_UDP_CLIENTS = 4096    # client addresses with an upstream socket
CHUNK = 65536


def split_addr(s):
    host, port = s.rsplit(":", 1)
    return host, int(port)


async def pump(reader, writer, delay, not_before, loop):
    """Copy reader to writer, each chunk delivered delay after it was read (and not before
    not_before, a loop time); the end of stream is delayed the same way."""
    queue = asyncio.Queue()

    async def read_side():
        try:
            while True:
                data = await reader.read(CHUNK)
                await queue.put((max(loop.time() + delay, not_before), data))
                if not data:
                    return
        except (ConnectionError, OSError):
            await queue.put((loop.time() + delay, b""))

    async def write_side():
        try:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            return

    r = asyncio.ensure_future(read_side())
    await write_side()
    r.cancel()


class TcpForward:
    def __init__(self, target, delay):
        self.target, self.delay, self.open = target, delay, 0

    async def handle(self, creader, cwriter):
        loop = asyncio.get_running_loop()
        if self.open >= MAX_CONNS:
            cwriter.close()
            return
        self.open += 1
        t0 = loop.time()
        try:
            # SYN, SYN-ACK, ACK: the server sees the connection 3 x delay after connect().
            await asyncio.sleep(max(0.0, t0 + 3 * self.delay - loop.time()))
            sreader, swriter = await asyncio.open_connection(*self.target)
        except OSError:
            cwriter.close()
            self.open -= 1
            return
        up = pump(creader, swriter, self.delay, t0 + 3 * self.delay, loop)
        down = pump(sreader, cwriter, self.delay, 0.0, loop)
        try:
            await asyncio.gather(up, down, return_exceptions=True)
        except asyncio.CancelledError:
            pass  # the proxy is stopping
        finally:
            for w in (swriter, cwriter):
                w.close()
            self.open -= 1


class UdpUpstream(asyncio.DatagramProtocol):
    """One per client address: answers from the server go back to that client."""

    def __init__(self, front, client):
        self.front, self.client, self.transport = front, client, None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        loop = asyncio.get_running_loop()
        loop.call_later(self.front.delay, self.front.send_back, data, self.client)


class UdpFront(asyncio.DatagramProtocol):
    def __init__(self, target, delay):
        self.target, self.delay, self.transport, self.ups = target, delay, None, {}

    def connection_made(self, transport):
        self.transport = transport

    def send_back(self, data, client):
        self.transport.sendto(data, client)

    def datagram_received(self, data, client):
        loop = asyncio.get_running_loop()
        loop.call_later(self.delay, lambda: asyncio.ensure_future(self.forward(data, client)))

    async def forward(self, data, client):
        up = self.ups.get(client)
        if up is None:
            if len(self.ups) >= MAX_UDP_CLIENTS:
                return
            loop = asyncio.get_running_loop()
            _, up = await loop.create_datagram_endpoint(
                lambda: UdpUpstream(self, client), remote_addr=self.target)
            self.ups[client] = up
        up.transport.sendto(data)


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--delay-ms", type=float, required=True)
    ap.add_argument("--tcp", action="append", default=[])
    ap.add_argument("--udp", action="append", default=[])
    a = ap.parse_args()
    delay = a.delay_ms / 1000.0
    loop = asyncio.get_running_loop()
    servers = []
    for m in a.tcp:
        listen, target = m.split("=")
        fwd = TcpForward(split_addr(target), delay)
        servers.append(await asyncio.start_server(fwd.handle, *split_addr(listen),
                                                  reuse_address=True, backlog=1024))
    for m in a.udp:
        listen, target = m.split("=")
        await loop.create_datagram_endpoint(lambda t=split_addr(target): UdpFront(t, delay),
                                            local_addr=split_addr(listen))
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    await stop.wait()
    for s in servers:
        s.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
