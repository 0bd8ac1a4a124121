"""A database the app's processes can be cut off from and given back, as a failing-over primary is:
`url` is what a DaphneServer is given; `cut()` makes every new connection fail, `restore()` brings
the same database back.

PostgreSQL: a TCP relay on a free port in front of the server; cutting closes the listening socket
and every relayed connection (connections are refused, as with a primary that is gone). SQLite: the
database file reached through a symbolic link to its folder; cutting removes the link ("unable to
open database file"). Nothing of the app is changed or mocked: its driver really cannot connect."""

import contextlib
import os
import socket
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

from lms_site.testing.servers import free_port


class DatabaseCutoff:
    def __init__(self, database_url: str):
        self.folder = Path(tempfile.mkdtemp(prefix="db-cutoff-"))
        self.is_sqlite = database_url.startswith("sqlite")
        if self.is_sqlite:
            real = Path(database_url.removeprefix("sqlite:///")).resolve()
            self.target, self.link = real.parent, self.folder / "db"
            self.url = f"sqlite:///{self.link / real.name}"
        else:
            parts = urlsplit(database_url)
            self.target = (parts.hostname, parts.port or 5432)
            self.port = free_port()
            self.url = parts._replace(netloc=parts.netloc.replace(f"{parts.hostname}:{parts.port or 5432}",
                                                                  f"127.0.0.1:{self.port}")).geturl()  # fmt: skip
        self.listener: socket.socket | None = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        if self.is_sqlite:
            os.symlink(self.target, self.link)
            return
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        if self.is_sqlite:
            self.link.unlink()
            return
        self.listener.close()
        with self.lock:
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()

    def stop(self) -> None:
        if self.is_sqlite:
            self.link.unlink(missing_ok=True)
        elif self.listener:
            self.cut()
        self.folder.rmdir()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # cut: the listener is closed
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
