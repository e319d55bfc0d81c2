"""The HTML of ``MaintenanceResponse.page``: a complete, accessible maintenance page with
inline CSS and no external request, small enough for an ALB fixed response."""

from __future__ import annotations

import html
import re

from .errors import MaintenanceConfigError

__all__ = ["render_page"]

_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_URL = re.compile(r"https?://[^\s\"'<>]+")
_RIGHT_TO_LEFT = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"}
)
"""Languages written right to left: the page gets ``dir="rtl"``."""
_PAGE_WORDS = {
    "en": {"retry": "Please try again in about {minutes} min.", "status": "Service status"},
    "ja": {"retry": "約{minutes}分後に再度お試しください。", "status": "稼働状況"},
    "ar": {"retry": "يرجى المحاولة مرة أخرى بعد {minutes} دقيقة تقريبًا.", "status": "حالة الخدمة"},
    "he": {"retry": "נא לנסות שוב בעוד כ-{minutes} דקות.", "status": "מצב השירות"},
}
# Inline CSS only: readable on a phone, light and dark, no external request of any kind.
_PAGE = (
    '<!doctype html><html lang="{lang}"{dir}><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width,initial-scale=1">'
    "<title>{title}</title><style>"
    "body{{margin:0;min-height:100vh;display:grid;place-items:center;"
    "font:1.1rem/1.6 system-ui,sans-serif;background:#f5f6f8;color:#1b2230}}"
    "main{{max-width:34rem;padding:2rem;text-align:center;overflow-wrap:anywhere}}"
    "h1{{font-size:1.5rem}}"
    "a{{color:#0a58b5}}@media(prefers-color-scheme:dark){{body{{background:#111418;"
    "color:#e8ebf0}}a{{color:#8ab8ff}}}}</style>"
    "<main><h1>{title}</h1><p>{message}</p>{extra}</main></html>"
)


def render_page(
    *, title: str, message: str, lang: str, retry_after: int | None, status_url: str | None
) -> tuple[str, bool]:
    """The page's HTML, and whether it says when to retry (then the ``Retry-After`` header
    adds nothing a reader needs)."""
    for parameter, text in (("title", title), ("message", message)):
        if not isinstance(text, str) or not text.strip():
            raise MaintenanceConfigError(
                f"response.{parameter}: {text!r} is empty or not a string; give the text "
                "visitors should read."
            )
    if not isinstance(lang, str) or not _LANG.fullmatch(lang):
        raise MaintenanceConfigError(
            f"response.lang: {lang!r} is not a language tag; use e.g. 'en', 'ja' or 'pt-BR'."
        )
    if status_url is not None and not (isinstance(status_url, str) and _URL.fullmatch(status_url)):
        raise MaintenanceConfigError(
            f"response.status_url: {status_url!r} is not an http(s) URL without spaces or "
            "quotes; give e.g. 'https://status.example.com'."
        )
    words = _PAGE_WORDS.get(lang.split("-")[0].lower(), _PAGE_WORDS["en"])
    extra = ""
    says_retry = (
        isinstance(retry_after, int) and not isinstance(retry_after, bool) and retry_after > 0
    )
    if says_retry:
        assert retry_after is not None
        extra += f"<p>{words['retry'].format(minutes=max(1, round(retry_after / 60)))}</p>"
    if status_url is not None:
        extra += f'<p><a href="{html.escape(status_url)}">{words["status"]}</a></p>'
    direction = ' dir="rtl"' if lang.split("-")[0].lower() in _RIGHT_TO_LEFT else ""
    body = _PAGE.format(
        lang=lang,
        dir=direction,
        title=html.escape(title.strip()),
        message=html.escape(message.strip()),
        extra=extra,
    )
    return body, says_retry
