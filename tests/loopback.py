"""Stand-ins for a server that is down or silent, on loopback only.

``closed_port()`` is a port nothing listens on: a connection is refused at
once. ``SilentServer`` accepts connections, reads whatever they send and
never answers, as a Redis, a broker or a database that hangs would. It
lets go after ``bound`` seconds at most, so a client without a timeout
makes its test fail (``gave_up`` is set) instead of hang; from then on,
as after the ``with`` block, connections are refused.
"""

import select
import socket
import threading
import time


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SilentServer:
    def __init__(self, bound=10.0):
        self.bound = bound
        self.accepted = 0
        self.gave_up = threading.Event()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join(timeout=5)

    def url(self, scheme, path=""):
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def _serve(self):
        deadline = time.monotonic() + self.bound
        peers = []
        while not self._stop.is_set():
            if time.monotonic() > deadline:
                self.gave_up.set()
                break
            readable, _, _ = select.select([self._listener, *peers], [], [], 0.05)
            for sock in readable:
                if sock is self._listener:
                    peers.append(self._listener.accept()[0])
                    self.accepted += 1
                elif not _swallow(sock):
                    peers.remove(sock)
                    sock.close()
        # New attempts are refused from now on, not left in the backlog.
        for sock in [self._listener, *peers]:
            sock.close()


def _swallow(sock):
    """Read and drop what the client sent; False once it has closed."""
    try:
        return bool(sock.recv(65536))
    except OSError:
        return False
