"""``__MAINTENANCE_END__`` in a response body: where the function writes the end of maintenance,
and what it leaves out when no end is known. Worked out at synth, so the function only cuts
ranges it is given. Pure Python, no CDK.
"""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["END_TIME_MARKER", "end_cuts"]

END_TIME_MARKER = "__MAINTENANCE_END__"
"""Text in a response body that the function replaces with the end of maintenance (ISO 8601,
UTC); without a known end, the HTML element that holds it is left out."""
_BLOCKS = frozenset(
    {
        *("p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"),
        *("figcaption", "caption", "td", "th", "footer", "aside", "div", "section"),
    }
)
"""Elements that hold a sentence: the innermost one around the marker goes with it."""
_IMPLIED_ENDS = frozenset(
    {("li", "li"), ("dt", "dt"), ("dt", "dd"), ("dd", "dd"), ("dd", "dt")}
    | {("p", block) for block in _BLOCKS}
)
"""An open element (first) that the start of another (second) ends, as HTML reads it."""
_RAW_TEXT = frozenset({"script", "style"})


class _Blocks(HTMLParser):
    """Finds, for each marker, the innermost enclosing block element's span in the text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0]  # HTMLParser counts lines by "\n" alone
        for line in text.split("\n"):
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.open: list[tuple[str, int]] = []
        self.raw = ""  # inside <script> or <style>: text there is not a sentence
        self.pending: dict[int, str] = {}  # index in self.open -> its tag, awaiting its end
        self.spans: list[tuple[int, int]] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in _RAW_TEXT:
            self.raw = tag
        if tag not in _BLOCKS:
            return
        if self.open and (self.open[-1][0], tag) in _IMPLIED_ENDS:
            self._close(len(self.open) - 1, self._offset())  # <li>a<li>b: the first ends here
        self.open.append((tag, self._offset()))

    def handle_endtag(self, tag: str) -> None:
        if tag == self.raw:
            self.raw = ""
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                self._close(index, self.text.find(">", self._offset()) + 1)
                return

    def _close(self, index: int, end: int) -> None:
        """Ends the element at ``index`` at ``end``, and every element left open inside it
        where its end tag begins (``<div><p>a</div>``)."""
        inner_end = self._offset()
        for pending in sorted(k for k in self.pending if k >= index):
            self.spans.append((self.open[pending][1], end if pending == index else inner_end))
        self.pending = {k: v for k, v in self.pending.items() if k < index}
        del self.open[index:]

    def handle_data(self, data: str) -> None:
        if END_TIME_MARKER in data and self.open and not self.raw:
            self.pending.setdefault(len(self.open) - 1, self.open[-1][0])


def _utf16(text: str, index: int) -> int:
    """A character index as JavaScript counts it (UTF-16 code units)."""
    return len(text[:index].encode("utf-16-le")) // 2


def end_cuts(body: str, content_type: str) -> list[list[int]]:
    """The ``[start, end)`` ranges (UTF-16 indices, ascending, disjoint) that the function
    removes from an HTML body when no end of maintenance is known: the innermost block element
    (``p``, ``li``, ``div``, ...) around each marker, whatever its attributes and inline markup.
    Other markers (and other content types) are simply left out."""
    if content_type != "text/html" or END_TIME_MARKER not in body:
        return []
    parser = _Blocks(body)
    parser.feed(body)
    parser.close()
    merged: list[tuple[int, int]] = []
    for start, end in sorted(parser.spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [[_utf16(body, start), _utf16(body, end)] for start, end in merged]
