"""``maintenance-constructs serve``: one front door's synthesized maintenance rules as an HTTP
server on 127.0.0.1, to see the maintenance page in a browser before deploying and to try
``check`` against.

The door decides each request as AWS would (the offline evaluators; a CloudFront Function runs
on Node). Fixed responses, WAF custom responses and the function's responses are sent as they
are, headers included; a request the door lets through gets a small page naming where it would
go. Locally only, the client address comes from ``X-Forwarded-For`` or ``--client-ip``; a
value that is not an address gets a 400, and a request the door cannot decide a 502: every
request gets an answer, never a dropped connection.
"""

from __future__ import annotations

import html
import ipaddress
import socketserver
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..app.secrets import masked
from ..evaluate.function_code import PREVIEW_TOKEN
from ..model import Answer, Request
from .local_edge import LocalEdge
from .probes import token_carrier

__all__ = [
    "ANY_HOST_STAND_IN",
    "LOCAL_HEADER",
    "BadRequest",
    "make_server",
    "request_of",
    "serve_forever",
]

LOCAL_HEADER = "X-Maintenance-Local"
"""Marks answers of this local edge: ``forwarded`` (with the target) or the deciding rule."""
ANY_HOST_STAND_IN = "maintenance.local"
_PASSED = ("forward", "allow")


class BadRequest(ValueError):
    """A request the local edge answers with 400 (the text says why, in one line)."""


def request_of(
    path: str, headers: Any, *, client_ip: str, host: str, method: str = "GET"
) -> Request:
    """The request as the front door sees it: the door's host (requests reach this server by
    its own address), the client address from ``X-Forwarded-For`` (its first entry) or the
    default, and the method as sent."""
    forwarded = headers.get("X-Forwarded-For")
    ip = forwarded.split(",")[0].strip() if forwarded is not None else client_ip
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        shown = repr(ip) if len(ip) <= 60 else repr(ip[:57] + "...")
        raise BadRequest(
            f"X-Forwarded-For: {shown} is not an IP address; send e.g. "
            "X-Forwarded-For: 203.0.113.9 to play that client."
        ) from None
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
        method=method,
        headers=extra,
    )


def _passed_page(answer: Answer, request: Request) -> bytes:
    where = html.escape(answer.target or "the origin")
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>The app</title>'
        f"<main><h1>The app</h1><p>This request reached the app: {where}.</p>"
        f"<p>{html.escape(request.path)} from {html.escape(request.ip)}</p></main></html>"
    ).encode()


def _swapped(request: Request, old: str, new: str) -> Request:
    """``request`` with the token ``old`` replaced by ``new`` in its path and headers."""
    headers = tuple(
        (name, value.replace(old, new) if isinstance(value, str) else value)
        for name, value in request.headers
    )
    return replace(request, path=request.path.replace(old, new), headers=headers)


class _Handler(BaseHTTPRequestHandler):
    edge: LocalEdge
    state: str
    client_ip: str
    host: str
    swap: tuple[str, str] | None
    """(the given token, the one the door is run with) when they differ."""
    server_version = "maintenance-constructs-serve"

    def _answer(self) -> None:
        try:
            request = request_of(
                self.path,
                self.headers,
                client_ip=self.client_ip,
                host=self.host,
                method=self.command,
            )
            if self.swap is not None:
                request = _swapped(request, *self.swap)
            answer = self.edge.answer(request, state=self.state)
        except BadRequest as error:
            self._plain(400, str(error))
            return
        except Exception as error:  # the door could not decide: say so, keep the connection
            text = f"the local edge could not decide: {type(error).__name__}: {error}"
            self._plain(502, str(masked(text, self.edge.secrets)))
            return
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
                given, carried = self.swap or ("", "")
                self.send_header(name, value.replace(carried, given) if carried else value)
            self.send_header(LOCAL_HEADER, f"answered by {answer.rule}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _plain(self, status: int, text: str) -> None:
        body = (" ".join(text.split()) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header(LOCAL_HEADER, "refused" if status == 400 else "failed")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # Every method a scope can name (methods=): each is answered as the door answers it.
    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _answer

    def log_message(self, format: str, *args: Any) -> None:
        return  # the requests carry tokens: nothing is logged


def make_server(
    edge: LocalEdge,
    *,
    state: str,
    client_ip: str,
    port: int = 0,
    host: str | None = None,
    token: str | None = None,
) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 (``port`` 0: any free port) answering as ``edge`` in ``state``;
    with ``token``, the door takes that token where its rows carry another literal one (a
    function run with a stand-in for its hashed token)."""
    door_host = host or edge.host
    carried = token_carrier(edge) if token is not None else None
    # Only a stand-in is swapped: a literal token of the templates is the door's own.
    stand_in = isinstance(carried, str) and carried not in (token, PREVIEW_TOKEN, *edge.secrets)
    swap = (token, carried) if stand_in and token is not None else None
    handler = type(
        "Handler",
        (_Handler,),
        {
            "edge": edge,
            "state": state,
            "client_ip": client_ip,
            "swap": swap,
            "host": ANY_HOST_STAND_IN if door_host.startswith("(") else door_host,
        },
    )
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


_SHUTDOWN_POLL = 0.02
"""Seconds between the serving loop's looks for ``shutdown()`` (the standard library's 0.5 s
makes every stop wait half a second)."""


def serve_forever(server: socketserver.BaseServer) -> threading.Thread:
    """Serve in a daemon thread (for tests); returns the thread. ``server.shutdown()``
    returns within a few milliseconds."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": _SHUTDOWN_POLL}, daemon=True
    )
    thread.start()
    return thread
