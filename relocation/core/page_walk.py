"""Walk the pages a signed-in user can reach from the home page.

Used by the test that proves there is no dead end (no 5xx) for any demo role:
the home page and the navigation, then one level further. Links are followed
only inside the site, GET only; file downloads and exports are skipped because
they are not pages (their own tests cover them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

HREF = re.compile(r'<a\s[^>]*?href="([^"#][^"]*)"')
# Not pages: downloads, exports, files, logout, language switch, the API and its docs.
SKIP = re.compile(
    r"^/(files?|api|static|media|logout|i18n)/|/(export|download|pdf|docx|xlsx|csv)(/|$|\?)|\.(pdf|docx|xlsx|csv|zip|json|png|svg)$"
)


@dataclass(frozen=True)
class Visit:
    url: str
    status: int
    found_on: str


def links(html: str) -> list[str]:
    out = []
    for raw in HREF.findall(html):
        url = urldefrag(raw.replace("&amp;", "&"))[0]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url.startswith("/") or SKIP.search(parts.path):
            continue
        out.append(url)
    return out


def shape(url: str) -> str:
    """The kind of page a link leads to: ids become N and query values are dropped,
    so /meetings/4/ and /meetings/5/ are one shape, and a list with other filters too."""
    path, _, query = url.partition("?")
    path = re.sub(r"/\d+(?=/|$)", "/N", path)
    return path + ("?" + "&".join(sorted({p.split("=")[0] for p in query.split("&")})) if query else "")


def walk(client, start: str = "/", *, per_page: int = 60, shapes: set[str] | None = None) -> Iterator[Visit]:
    """The home page, every link on it (the navigation included), and the links on
    those pages: one page of each shape, skipping shapes already in `shapes`
    (shared between roles so that a page kind already walked is not walked again)."""
    shapes = set() if shapes is None else shapes
    home = client.get(start)
    yield Visit(start, home.status_code, "")
    if home.status_code != 200:
        return
    seen = {start}
    first = [u for u in links(home.content.decode(errors="replace")) if not (u in seen or seen.add(u))]
    following: list[tuple[str, str]] = []
    for url in first:
        response = client.get(url)
        yield Visit(url, response.status_code, start)
        shapes.add(shape(url))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        taken = 0
        for link in links(response.content.decode(errors="replace")):
            kind = shape(link)
            if link in seen or kind in shapes or taken >= per_page:
                continue
            seen.add(link)
            shapes.add(kind)
            following.append((link, url))
            taken += 1
    for url, found_on in following:
        yield Visit(url, client.get(url).status_code, found_on)
