"""MaintenanceResponse: what turned-away clients receive, shared by every maintenance
construct (ALB, CloudFront and regional WAF)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .errors import MaintenanceConfigError
from .page import render_page

__all__ = ["DEFAULT_JSON_BODY", "MaintenanceResponse", "require_response"]

DEFAULT_JSON_BODY: Mapping[str, str] = {
    "code": "service_unavailable",
    "hint": "The service is under maintenance. Please try again later.",
}
"""The default JSON body: a machine-readable code and an English hint."""

CONTENT_TYPES = ("application/json", "text/html", "text/plain")
MAX_RETRY_AFTER = 7 * 24 * 3600
"""The longest ``retry_after`` accepted (a week, in seconds): more is a mistake in units."""
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")


@dataclass(frozen=True)
class MaintenanceResponse:
    """The answer given to requests that maintenance mode turns away.

    Build one with :meth:`json`, :meth:`html` or :meth:`text`. ``status_code`` defaults to 503.
    ``retry_after`` (seconds) becomes a ``Retry-After`` header where the front door can send
    headers (WAF); an ALB fixed response cannot, and the ALB construct warns that it is not sent.
    ``headers`` are further response headers, with the same caveat. Sizes are checked by the
    construct that uses the response, against that service's limit in UTF-8 bytes.
    """

    body: str
    content_type: str = "application/json"
    status_code: int = 503
    retry_after: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    retry_after_in_body: bool = False
    """Whether the body says when to come back (a :meth:`page` with ``retry_after``), so a
    front door that cannot send the ``Retry-After`` header loses nothing."""

    def __post_init__(self) -> None:
        if self.content_type not in CONTENT_TYPES:
            raise MaintenanceConfigError(
                f"response.content_type: {self.content_type!r} is not supported; use one of "
                f"{', '.join(CONTENT_TYPES)} (MaintenanceResponse.json/html/text)."
            )
        if (
            isinstance(self.status_code, bool)
            or not isinstance(self.status_code, int)
            or not (200 <= self.status_code <= 599)
        ):
            raise MaintenanceConfigError(
                f"response.status_code: {self.status_code!r} is not an HTTP status code both "
                "front doors accept; use an integer from 200 to 599, normally 503."
            )
        if not isinstance(self.body, str) or not self.body:
            raise MaintenanceConfigError(
                f"response.body: {self.body!r} is empty or not a string; give the text clients "
                "should see."
            )
        _check_utf8(self.body)
        if self.content_type == "application/json":
            _check_json(self.body)
        if self.retry_after is not None and (
            isinstance(self.retry_after, bool)
            or not isinstance(self.retry_after, int)
            or self.retry_after < 0
        ):
            raise MaintenanceConfigError(
                f"response.retry_after: {self.retry_after!r} is not a number of seconds; pass a "
                "non-negative integer such as 600, or None for no Retry-After header."
            )
        if self.retry_after is not None and self.retry_after > MAX_RETRY_AFTER:
            raise MaintenanceConfigError(
                f"response.retry_after: {self.retry_after} seconds is more than a week "
                f"({MAX_RETRY_AFTER}); it is a number of seconds (600 is ten minutes), not "
                "milliseconds or a timestamp."
            )
        for name, value in self.headers:
            _check_header(name, value, has_retry_after=self.retry_after is not None)

    @staticmethod
    def json(
        body: Mapping[str, Any] | str = DEFAULT_JSON_BODY,
        *,
        status_code: int = 503,
        retry_after: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> MaintenanceResponse:
        """An ``application/json`` response.

        A mapping is rendered compactly with ``ensure_ascii=False`` (limits count UTF-8 bytes);
        a string must already be valid JSON. The default body is :data:`DEFAULT_JSON_BODY`.
        """
        if isinstance(body, str):
            text = body  # checked as strict JSON when the response is built
        elif isinstance(body, Mapping):
            try:
                text = json.dumps(
                    dict(body), ensure_ascii=False, separators=(",", ":"), allow_nan=False
                )
            except (TypeError, ValueError) as error:
                raise MaintenanceConfigError(
                    f"response.body: {dict(body)!r} cannot be written as JSON ({error}); use "
                    "strings, numbers (not NaN or Infinity), booleans, None, lists and dicts."
                ) from None
        else:
            raise MaintenanceConfigError(
                f"response.body: {body!r} ({type(body).__name__}) cannot be a JSON body; pass "
                "a dict or a JSON string."
            )
        return _response("application/json", text, status_code, retry_after, headers)

    @staticmethod
    def html(
        body: str,
        *,
        status_code: int = 503,
        retry_after: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> MaintenanceResponse:
        """A ``text/html`` response, e.g. a small maintenance page for browsers."""
        return _response("text/html", body, status_code, retry_after, headers)

    @staticmethod
    def text(
        body: str,
        *,
        status_code: int = 503,
        retry_after: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> MaintenanceResponse:
        """A ``text/plain`` response."""
        return _response("text/plain", body, status_code, retry_after, headers)

    @staticmethod
    def page(
        *,
        title: str,
        message: str,
        lang: str = "en",
        retry_after: int | None = None,
        status_url: str | None = None,
        status_code: int = 503,
    ) -> MaintenanceResponse:
        """A complete, accessible ``text/html`` maintenance page that needs nothing else.

        A doctype, ``lang``, a viewport for phones, readable type, light and dark colours
        (``prefers-color-scheme``), inline CSS and no external requests (no fonts, images or
        scripts), small enough for an ALB fixed response (1024 bytes) with a short message in
        Japanese. ``retry_after`` (seconds) adds a sentence ("Please try again in about 10
        minutes", in English or Japanese by ``lang``) and the ``Retry-After`` header where
        the front door sends headers; ``status_url`` adds a link to your status page. Long
        words (URLs, e-mail addresses, compounds) wrap on a phone; right-to-left languages
        (``ar``, ``he``, ``fa``, ``ur``, ...) get ``dir="rtl"``.
        """
        body, says_retry = render_page(
            title=title, message=message, lang=lang, retry_after=retry_after, status_url=status_url
        )
        page = _response("text/html", body, status_code, retry_after, None)
        return replace(page, retry_after_in_body=says_retry)

    @property
    def body_bytes(self) -> int:
        """The body's size in UTF-8 bytes, the unit both services count in."""
        return len(self.body.encode("utf-8"))

    @property
    def all_headers(self) -> tuple[tuple[str, str], ...]:
        """``headers`` plus ``Retry-After`` when ``retry_after`` is set."""
        extra = () if self.retry_after is None else (("Retry-After", str(self.retry_after)),)
        return extra + self.headers


def require_response(
    parameter: str, value: MaintenanceResponse | None
) -> MaintenanceResponse | None:
    """``value`` if it is a MaintenanceResponse or None; a clear error for anything else (a
    dict or a string meant as the body)."""
    if value is None or isinstance(value, MaintenanceResponse):
        return value
    if isinstance(value, (Mapping, str)):
        factory = "json" if isinstance(value, Mapping) else "text"
        raise MaintenanceConfigError(
            f"{parameter}: received {value!r}, a {type(value).__name__}, not a "
            f"MaintenanceResponse; wrap the body: {parameter}=MaintenanceResponse.{factory}("
            f"{value!r})."
        )
    raise MaintenanceConfigError(
        f"{parameter}: received {value!r} ({type(value).__name__}); pass a MaintenanceResponse "
        "(MaintenanceResponse.json(...), .html(...) or .text(...)), or None for the default."
    )


def _response(
    content_type: str,
    body: str,
    status_code: int,
    retry_after: int | None,
    headers: Mapping[str, str] | None,
) -> MaintenanceResponse:
    return MaintenanceResponse(
        body=body,
        content_type=content_type,
        status_code=status_code,
        retry_after=retry_after,
        headers=_header_tuple(headers),
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_json(body: str) -> None:
    """Strict JSON, as clients parse it: no NaN or Infinity (Python's json accepts them)."""
    try:
        json.loads(body, parse_constant=_reject_constant)
    except ValueError as error:
        raise MaintenanceConfigError(
            f"response.body: {body!r} is not valid JSON ({error}), but the content type is "
            "application/json; pass a dict or a string that parses as JSON, or use "
            "MaintenanceResponse.text()."
        ) from None


def _check_utf8(body: str) -> None:
    """A body every front door can send: text that UTF-8 can encode (no lone surrogates)."""
    try:
        body.encode("utf-8")
    except UnicodeEncodeError as error:
        character = body[error.start]
        raise MaintenanceConfigError(
            f"response.body: the character U+{ord(character):04X} at index {error.start} is a "
            "lone surrogate, which is not text in UTF-8 (often half of an emoji cut in two, or "
            "a decoding with 'surrogateescape'); write the whole character, e.g. '\\U0001F6A7'."
        ) from None


def _header_tuple(headers: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    if headers is None:
        return ()
    if not isinstance(headers, Mapping):
        raise MaintenanceConfigError(
            f"response.headers: {headers!r} is not a mapping; pass a dict of header name to "
            "value, e.g. {'Cache-Control': 'no-store'}."
        )
    return tuple((name, value) for name, value in headers.items())


def _check_header(name: object, value: object, *, has_retry_after: bool) -> None:
    if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
        raise MaintenanceConfigError(
            f"response.headers: header name {name!r} is not an HTTP token; use letters, digits "
            "and - (e.g. 'Cache-Control')."
        )
    if name.lower() == "content-type":
        raise MaintenanceConfigError(
            f"response.headers: {name!r} cannot be set as a header; choose the content type "
            "with MaintenanceResponse.json/html/text."
        )
    if name.lower() == "retry-after" and has_retry_after:
        raise MaintenanceConfigError(
            f"response.headers: {name!r} given twice; drop it from headers and keep retry_after=..."
        )
    if not isinstance(value, str) or not value:
        raise MaintenanceConfigError(
            f"response.headers: header {name!r} has value {value!r}; pass a non-empty string."
        )
    if "\r" in value or "\n" in value:
        raise MaintenanceConfigError(
            f"response.headers: header {name!r} has value {value!r} with a line break (CR or "
            "LF), which would end the header early; pass a single line."
        )
    if not value.isascii() or not value.isprintable():
        raise MaintenanceConfigError(
            f"response.headers: header {name!r} has value {value!r} with a character outside "
            "printable ASCII, which HTTP header values do not carry reliably (and a lone "
            "surrogate cannot be sent at all); write it in ASCII, e.g. percent-encoded."
        )
