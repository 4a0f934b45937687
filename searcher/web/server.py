"""Running the web app: a socket bound on the chosen address, served by uvicorn until Ctrl-C.

uvicorn is a production-grade ASGI server (HTTP/1.1 keep-alive, graceful
shutdown on SIGINT/SIGTERM); its own log lines are turned down to warnings
so that the command line says what it has to say in its own words.
"""
from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Callable

from corpus.errors import CorpusSearchError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class ServerError(CorpusSearchError):
    """The server cannot start (the address is taken, or cannot be bound)."""


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port); ServerError when it cannot be had."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise ServerError(f"cannot find the address {host!r}; give --host an IP address such as 127.0.0.1") from None
    family, _, proto, _, address = infos[0]
    # The protocol named (IPPROTO_TCP, not 0): asyncio sets TCP_NODELAY only on sockets that say so, and
    # without it a keep-alive response written in two pieces waited for the client's delayed ACK (40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, proto or socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        why = "is in use" if exc.errno in (98, 48, 10048) else f"cannot be bound ({exc.strerror})"
        raise ServerError(f"port {port} on {host} {why}; pick another with --port") from None
    sock.setblocking(False)
    return sock


def address_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(index_dir: str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = False,
          ready: Callable[[str], None] | None = None) -> None:
    """Serve the web page over the index in `index_dir` until interrupted.

    `ready(url)` is called once the socket is bound and the index open, before
    serving (the command line prints the address there).  With
    `open_browser`, the page is opened in the user's browser.  Raises
    ServerError, IndexMissing or IndexDamaged when it cannot start.  SIGINT
    (Ctrl-C) or SIGTERM stops the server gracefully; uvicorn then raises the
    signal again, so Ctrl-C comes back as KeyboardInterrupt, and where SIGINT
    was ignored (a background job) `serve` just returns.
    """
    import uvicorn

    from .app import create_app

    app = create_app(index_dir)
    sock = bind(host, port)
    url = address_of(sock)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2, server_header=False)
    server = uvicorn.Server(config)
    if ready is not None:
        ready(url)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
