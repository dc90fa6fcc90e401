"""`FairLoop`: the event loop of each worker of ``screening serve --workers N``, which shares
the connections out among the workers.

The workers share one listening socket. asyncio's own loop, woken by a waiting connection,
accepts every queued connection (up to the backlog, 2,048) before anything else runs, so a
burst of connections (a client's pool opening, a load balancer's keep-alive connections) lands
on whichever worker the kernel ran first. Measured with ``ss`` under 32 keep-alive connections
and 2 workers: 26 to 32 of the 32 on one worker, so two workers served about as much as one,
and "half the load" was a full load on the busy worker (its queue made the p99 of 217 ms).
Accepting one connection per turn alone did not help on a busy 2-core machine: the other
worker, though woken, was not run before the first had taken them all.

So a worker that holds connections waits before taking another, ``SPACING`` per connection it
holds: a worker holding fewer (an idle one: none) takes the next connection first, as a
"least connections" balancer would, with no state shared between the processes. The waiting
connection stays in the kernel's queue, never refused; if no other worker takes it, this one
does when its wait is over, so a lone or stuck sibling delays a new connection by
``SPACING`` times the connections held, at most ``MAX_WAIT`` (20 ms, reached at 40
connections), and no request at all.

It also turns Nagle's algorithm off on each connection it accepts (``TCP_NODELAY``), as asyncio
means to. asyncio does so only for a socket whose ``proto`` is ``IPPROTO_TCP``, and the listening
socket uvicorn makes for several workers has ``proto`` 0, so its connections kept Nagle on: the
body of a response, written after its head, waited for the client's delayed ACK, and every
request on a kept-alive connection took 40 ms more (measured: 44 ms for ``/healthz`` with two
workers, 0.1 ms with one; closed-loop throughput capped at about 23 requests a second per
connection).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

__all__ = ["FairLoop"]


class FairLoop(asyncio.SelectorEventLoop):
    """A selector event loop that accepts one connection at a time, and defers it by the
    connections already held (uvicorn takes it as
    ``loop="screening.service._loop:FairLoop"``), with Nagle's algorithm off on each. Only
    that differs: requests and answers run as on asyncio's own loop."""

    SPACING = 0.0005
    """Seconds a worker waits, per connection it holds, before it accepts another."""

    MAX_WAIT = 0.02
    """The longest wait, however many connections it holds (a load balancer may keep
    hundreds open): several scheduler ticks, for an idle sibling to be run and take it."""

    _waited = False

    def _accept_connection(
        self,
        protocol_factory: Any,
        sock: Any,
        sslcontext: Any = None,
        server: Any = None,
        backlog: int = 100,
        *rest: Any,
    ) -> None:
        # asyncio calls this each time the listening socket is ready, to accept up to
        # ``backlog`` connections in a row. Here: at once (holding none) or after the wait,
        # one connection; otherwise stop watching the socket for the wait, then again.
        held: int = getattr(server, "_active_count", 0)  # asyncio's count of open connections
        if held and not self._waited and server is not None:
            self._remove_reader(sock.fileno())  # type: ignore[attr-defined]
            args = (protocol_factory, sock, sslcontext, server, backlog, *rest)
            wait = min(held * self.SPACING, self.MAX_WAIT)
            self.call_later(wait, self._resume, server, args)
            return
        self._waited = False
        super()._accept_connection(  # type: ignore[misc]
            protocol_factory, sock, sslcontext, server, 1, *rest
        )

    def _make_socket_transport(self, sock: Any, *args: Any, **kwargs: Any) -> Any:
        # Every socket transport this loop makes (accepted or connected): TCP, no Nagle.
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
            # A connection reset before this point is the transport's to report, not this.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return super()._make_socket_transport(sock, *args, **kwargs)  # type: ignore[misc]

    def _resume(self, server: asyncio.Server, args: tuple[Any, ...]) -> None:
        if server.is_serving():  # not closed while this worker waited
            self._waited = True
            self._start_serving(*args)  # type: ignore[attr-defined]
