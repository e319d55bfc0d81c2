"""``maintenance-constructs serve``: one front door's synthesized maintenance rules as an HTTP
server on 127.0.0.1, to see the maintenance page in a browser before deploying and to try
``check`` against.

The door decides each request as AWS would (the offline evaluators; a CloudFront Function runs
on Node). Fixed responses, WAF custom responses and the function's responses are sent as they
are, headers included; a request the door lets through gets a small page naming where it would
go. Locally only, the client address comes from ``X-Forwarded-For`` or ``--client-ip``.
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .listener_evaluator import Answer, Request
from .local_edge import LocalEdge

__all__ = ["ANY_HOST_STAND_IN", "LOCAL_HEADER", "make_server", "request_of", "serve_forever"]

LOCAL_HEADER = "X-Maintenance-Local"
"""Marks answers of this local edge: ``forwarded`` (with the target) or the deciding rule."""
ANY_HOST_STAND_IN = "maintenance.local"
_PASSED = ("forward", "allow")


def request_of(path: str, headers: Any, *, client_ip: str, host: str) -> Request:
    """The request as the front door sees it: the door's host (requests reach this server by
    its own address), the client address from ``X-Forwarded-For`` or the default."""
    forwarded = headers.get("X-Forwarded-For")
    ip = forwarded.split(",")[0].strip() if forwarded else client_ip
    extra = tuple(
        (name, value)
        for name, value in headers.items()
        if name.lower() not in ("host", "accept", "x-forwarded-for")
    )
    return Request(
        host=host,
        ip=ip,
        path=path.split("?", 1)[0] or "/",
        accept=headers.get("Accept") or "*/*",
        headers=extra,
    )


def _passed_page(answer: Answer, request: Request) -> bytes:
    where = html.escape(answer.target or "the origin")
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>The app</title>'
        f"<main><h1>The app</h1><p>This request reached the app: {where}.</p>"
        f"<p>{html.escape(request.path)} from {html.escape(request.ip)}</p></main></html>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    edge: LocalEdge
    state: str
    client_ip: str
    host: str
    server_version = "maintenance-constructs-serve"

    def _answer(self) -> None:
        request = request_of(self.path, self.headers, client_ip=self.client_ip, host=self.host)
        answer = self.edge.answer(request, state=self.state)
        if answer.action in _PASSED:
            body = _passed_page(answer, request)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header(LOCAL_HEADER, f"forwarded: {answer.target or 'origin'}")
        elif answer.status is None:
            body = f"unknown: {answer.describe()}".encode()
            self.send_response(502)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        else:
            body = answer.body.encode()
            self.send_response(answer.status)
            if answer.content_type:
                self.send_header("Content-Type", answer.content_type)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header(LOCAL_HEADER, f"answered by {answer.rule}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        return  # the requests carry tokens: nothing is logged


def make_server(
    edge: LocalEdge, *, state: str, client_ip: str, port: int = 0, host: str | None = None
) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 (``port`` 0: any free port) answering as ``edge`` in ``state``."""
    door_host = host or edge.host
    handler = type(
        "Handler",
        (_Handler,),
        {
            "edge": edge,
            "state": state,
            "client_ip": client_ip,
            "host": ANY_HOST_STAND_IN if door_host.startswith("(") else door_host,
        },
    )
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve_forever(server: ThreadingHTTPServer) -> threading.Thread:
    """Serve in a daemon thread (for tests and ``check --local``); returns the thread."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
