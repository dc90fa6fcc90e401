"""`FairLoop`: worker event loops sharing one listening socket share its connections out, and a
loop alone still takes every connection. Two loops in two threads stand for two workers."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from screening.service import FairLoop


class _Worker:
    """A FairLoop in a thread serving ``listener``: counts its connections, answers b'ok'."""

    def __init__(
        self,
        listener: socket.socket,
        spacing: float,
        loop: type[asyncio.SelectorEventLoop] = FairLoop,
    ) -> None:
        self.loop = loop()
        if isinstance(self.loop, FairLoop):
            self.loop.SPACING = self.loop.MAX_WAIT = spacing
        self.connections = 0
        self.nodelay: list[bool] = []  # TCP_NODELAY of each connection's socket
        self.ready = threading.Event()
        # Its own descriptor of the shared socket, as a forked worker has (closed with it).
        own = listener.dup()
        self.thread = threading.Thread(target=self._run, args=(own,), daemon=True)
        self.thread.start()
        assert self.ready.wait(10)

    def _run(self, listener: socket.socket) -> None:
        asyncio.set_event_loop(self.loop)

        writers: set[asyncio.StreamWriter] = set()

        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writers.add(writer)
            try:
                self.connections += 1
                sock = writer.get_extra_info("socket")
                self.nodelay.append(bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
                await reader.readexactly(1)
                writer.write(b"ok")
                await writer.drain()
                await reader.read()  # keep-alive: held until the client closes
            finally:
                writer.close()
                await writer.wait_closed()
                writers.discard(writer)

        async def serve() -> None:
            self.done = asyncio.Event()
            server = await asyncio.start_server(answer, sock=listener)
            self.ready.set()
            await self.done.wait()
            server.close()
            await server.wait_closed()
            # Python 3.11's wait_closed does not wait for the connections: each is closed here
            # and its handler awaited, so that no transport is left for the garbage collector
            # to warn about (unclosed) later, in whichever test then runs.
            for writer in list(writers):
                writer.close()
            handlers = asyncio.all_tasks() - {asyncio.current_task()}
            await asyncio.gather(*handlers, return_exceptions=True)

        self.loop.run_until_complete(serve())
        self.loop.close()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.done.set)
        self.thread.join(10)
        assert not self.thread.is_alive()


@contextmanager
def _listener() -> Iterator[socket.socket]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        sock.setblocking(False)
        yield sock


def _exchange(port: int) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=20)
    client.sendall(b"?")
    assert client.recv(2) == b"ok"
    return client


def test_a_worker_holding_connections_leaves_new_ones_to_an_idle_sibling() -> None:
    # Worker A takes the first connection while alone; then, holding one, it waits (a long
    # SPACING: it would take another only after 60 s), and worker B (no wait) takes every new
    # one. asyncio's own loop in A would take them as they came, racing B.
    with _listener() as listener:
        port = listener.getsockname()[1]
        a = _Worker(listener, spacing=60.0)
        clients = [_exchange(port)]
        b = _Worker(listener, spacing=0.0)
        clients += [_exchange(port) for _ in range(6)]
        try:
            assert (a.connections, b.connections) == (1, 6)
        finally:
            for client in clients:
                client.close()
            a.stop()
            b.stop()


def test_a_lone_worker_takes_every_connection_after_its_wait() -> None:
    with _listener() as listener:
        port = listener.getsockname()[1]
        a = _Worker(listener, spacing=0.001)
        clients = [_exchange(port) for _ in range(8)]  # each answered, none refused
        try:
            assert a.connections == 8
        finally:
            for client in clients:
                client.close()
            a.stop()


def test_the_wait_is_capped_however_many_connections_are_held() -> None:
    with _listener() as listener:
        port = listener.getsockname()[1]
        a = _Worker(listener, spacing=60.0)  # 60 s a connection held, capped below
        a.loop.MAX_WAIT = 0.001
        clients = [_exchange(port) for _ in range(4)]  # each answered within the timeout
        try:
            assert a.connections == 4
        finally:
            for client in clients:
                client.close()
            a.stop()


def test_connections_from_a_proto_0_listener_have_nagle_off() -> None:
    # uvicorn's socket for several workers is socket.socket(AF_INET, SOCK_STREAM): proto 0, on
    # which asyncio's own loop leaves Nagle on (a response's body then waited 40 ms for the
    # client's delayed ACK). The same listener under both loops: only FairLoop turns it off.
    with _listener() as listener:
        assert listener.proto == 0
        port = listener.getsockname()[1]
        plain = _Worker(listener, spacing=0.0, loop=asyncio.SelectorEventLoop)
        client = _exchange(port)
        client.close()
        plain.stop()
        fair = _Worker(listener, spacing=0.0)
        client = _exchange(port)
        try:
            assert (plain.nodelay, fair.nodelay) == ([False], [True])
        finally:
            client.close()
            fair.stop()
