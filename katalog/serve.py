"""Local preview: build, serve the output on 127.0.0.1, rebuild on every change.

Only for editors' machines: it binds to the loopback address and serves the
built files exactly as a static host would, including the 404 page.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

from watchfiles import watch

from .config import DEFAULT_ASSETS, DEFAULT_TEMPLATES
from .output import make_kept_tree
from .routes import NOT_FOUND

HOST = "127.0.0.1"


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with the site's own 404 page and quiet logs."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / NOT_FOUND
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib's name)
        return


def make_server(site: Path, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(SiteHandler, directory=str(site))
    return ThreadingHTTPServer((HOST, port), handler)


def serve(content: Path, out: Path, port: int, rebuild: Callable[[], int], stdout: TextIO) -> int:
    """Serve ``out`` until interrupted; ``rebuild`` builds the site and prints its report."""
    status = rebuild()
    if status:
        return status
    server = make_server(out, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"preview: http://{HOST}:{port}/  (Ctrl+C to stop; rebuilds on every change)", file=stdout)
    stop = threading.Event()  # a change came: the kept tree is left as it is, and the build goes on
    keeping = threading.Thread(target=make_kept_tree, args=(out, stop))
    keeping.start()  # while the editor edits: the first rebuild would make it otherwise
    try:
        for _changes in watch(content, DEFAULT_TEMPLATES, DEFAULT_ASSETS):
            stop.set()
            keeping.join()
            rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        keeping.join()
        server.shutdown()
        server.server_close()
    return 0
