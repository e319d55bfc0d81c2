"""The HTTP side of ``check``: the URL checked before anything is sent, one request sent with
the standard library (no dependency, redirects never followed), and every failure, of the
network or of an answer that is not HTTP, as one line."""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from ...errors import MaintenanceConfigError
from ..model import Request
from .received import Received

__all__ = ["TIMEOUT", "check_url", "fetch"]

TIMEOUT = 10.0
READ = 4096
"""How much of a body is read (``check`` compares its start)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is an answer to compare, not a place to go


_OPENER = urllib.request.build_opener(_NoRedirects)


def _url_problem(url: str) -> str:
    if any(ord(c) <= 32 or ord(c) == 127 for c in url):
        return "has a space or a control character"
    if not url.isascii():
        return "has a non-ASCII character (write the host as xn--..., the path %-encoded)"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises for a port that is not a number)
    except ValueError as error:
        return f"is not a URL ({error})"
    if parts.scheme not in ("http", "https"):
        return "is not an http(s) URL"
    if not parts.hostname:
        return "has no host"
    return ""


def check_url(url: str) -> str:
    """``url`` if ``check`` can send requests to it; else one line saying why not."""
    problem = _url_problem(url)
    if problem:
        shown = repr(url) if len(url) <= 80 else repr(url[:77] + "...")
        raise MaintenanceConfigError(
            f"URL: {shown} {problem}; pass the front door's URL, e.g. https://example.com/."
        )
    return url


def _network_error(host: str, error: BaseException) -> MaintenanceConfigError:
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.gaierror):
        text = f"DNS: the name {host} does not resolve ({reason.strerror})"
    elif isinstance(reason, ssl.SSLError):
        text = f"TLS: the handshake with {host} failed ({reason.reason or reason})"
    elif isinstance(reason, (TimeoutError, socket.timeout)):
        text = f"timeout: {host} did not answer within {TIMEOUT:g} s"
    elif isinstance(reason, ConnectionRefusedError):
        text = f"connection refused by {host}: nothing listens on that port"
    elif isinstance(reason, http.client.RemoteDisconnected):
        text = f"{host} closed the connection without an answer"
    else:
        text = f"{host}: {_line(reason)}"
    return MaintenanceConfigError(f"check: {text}.")


def _line(error: object) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 100 else text[:97] + "..."


def _bad_answer(host: str, error: BaseException) -> MaintenanceConfigError:
    """An answer that is not HTTP as the standard library reads it, in one line."""
    if isinstance(error, http.client.BadStatusLine):
        text = f"the answer of {host} is not HTTP (its first line: {_line(repr(error.args[0]))})"
    elif isinstance(error, http.client.LineTooLong):
        text = f"{host} sent a header line over 64 KB"
    elif isinstance(error, http.client.IncompleteRead):
        text = f"{host} sent a broken or cut-off body"
    elif "more than" in str(error) and "headers" in str(error):
        text = f"{host} sent more than 100 headers"
    else:
        text = f"the answer of {host} could not be read ({type(error).__name__}: {_line(error)})"
    return MaintenanceConfigError(f"check: {text}.")


def fetch(url: str, request: Request) -> Received:
    """Send ``request`` (method, path, Accept, further headers) to ``url``'s origin; a
    method that carries a body sends an empty one."""
    host = urllib.parse.urlsplit(url).hostname or url
    target = urllib.parse.urljoin(url, request.path)
    headers = {"Accept": request.accept, "User-Agent": "maintenance-constructs-check"}
    headers.update({name: str(value) for name, value in request.headers})
    data = b"" if request.method in ("POST", "PUT", "PATCH") else None
    outgoing = urllib.request.Request(target, data=data, headers=headers, method=request.method)
    try:
        try:
            with _OPENER.open(outgoing, timeout=TIMEOUT) as response:
                return _received(response.status, response.headers, response.read(READ))
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx are answers
            got = _received(error.code, error.headers, error.read(READ))
            _refuse_other_host(url, got)
            return got
    except MaintenanceConfigError:
        raise
    except (http.client.HTTPException, ValueError, UnicodeError) as error:
        if isinstance(error, http.client.RemoteDisconnected):
            raise _network_error(host, error) from None
        raise _bad_answer(host, error) from None
    except (urllib.error.URLError, OSError) as error:
        raise _network_error(host, error) from None


def _refuse_other_host(url: str, got: Received) -> None:
    """A redirect to another host means the URL is not the front door (http -> https on
    another name, a apex -> www redirect): one line, not a table of mismatches."""
    location = got.header("Location")
    if got.status // 100 != 3 or not location:
        return
    here = urllib.parse.urlsplit(url).hostname
    try:
        elsewhere = urllib.parse.urljoin(url, location)
        there = urllib.parse.urlsplit(elsewhere).hostname
    except ValueError:
        raise MaintenanceConfigError(
            f"check: {here} redirects to {_line(repr(location))}, which is not a URL."
        ) from None
    if there != here:
        raise MaintenanceConfigError(
            f"check: {here} redirects to another host ({there}); pass the URL that answers "
            f"itself, e.g. {elsewhere.split('?')[0]}."
        )


def _received(status: int, headers: Any, body: bytes) -> Received:
    return Received(
        status=status,
        content_type=headers.get("Content-Type", ""),
        body=body.decode("utf-8", "replace"),
        headers={k: v for k, v in headers.items()},
        cookies=tuple(headers.get_all("Set-Cookie") or ()),
    )
