"""The minutes editor's rich text: a small allow-list of tags, everything else
dropped, so what HQ types can be shown and laid out as an official document.

(No HTML sanitiser package is installed; the allow-list is short enough to
enforce with the standard library's parser.)
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from relocation.meetings.official import Block

ALLOWED = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "div"}
VOID = {"br"}
DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "template"}


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:  # attributes are never kept
        if tag in DROP_CONTENT:
            self.skip += 1
            return
        if self.skip or tag not in ALLOWED:
            return
        tag = "p" if tag == "div" else tag
        self.out.append(f"<{tag}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        tag = "p" if tag == "div" else tag
        if self.skip or tag not in ALLOWED or tag in VOID or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            self.out.append(f"</{open_tag}>")
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        return "".join(self.out).strip()


def sanitise(html: str) -> str:
    parser = _Sanitiser()
    parser.feed(html or "")
    parser.close()
    return parser.result()


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.kind = "paragraph"
        self.buf: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [ordered?, counter]

    def flush(self) -> None:
        text = "".join(self.buf).strip()
        if text:
            self.blocks.append(Block(self.kind, text))
        self.buf = []
        self.kind = "paragraph"

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in {"p", "h2", "h3", "li", "div"}:
            self.flush()
            self.kind = {"h2": "heading1", "h3": "heading2"}.get(tag, "paragraph")
            if tag == "li" and self.lists:
                state = self.lists[-1]
                state[1] += 1
                self.buf.append(f"{state[1]}. " if state[0] else "• ")
        elif tag in {"ul", "ol"}:
            self.flush()
            self.lists.append([tag == "ol", 0])
        elif tag == "br":
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in {"p", "h2", "h3", "li", "div"}:
            self.flush()
        elif tag in {"ul", "ol"} and self.lists:
            self.flush()
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        self.buf.append(data)


def to_blocks(html: str) -> list[Block]:
    """Sanitised rich text as document blocks (h2 → 一级标题, h3 → 二级标题, li → numbered paragraph)."""
    parser = _Blocks()
    parser.feed(sanitise(html))
    parser.close()
    parser.flush()
    return parser.blocks
