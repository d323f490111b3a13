"""A crawler for the public site, driven by Django's test client.

It starts from the home page and follows everything a visitor or a robot could: links,
``<link>`` tags (feeds), sitemap and feed URLs, pagination, and every GET form (each
option of each select alone, and given words in each text box). Admin and static files
are out of scope.
"""

import re
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

SKIPPED_PREFIXES = ("/admin/", "/static/")
XML_LOCATIONS = re.compile(r"<(?:loc|id)>([^<]+)</(?:loc|id)>")


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    text: str


class _LinkParser(HTMLParser):
    def __init__(self, words):
        super().__init__(convert_charrefs=True)
        self.words = words
        self.urls = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"a", "link"} and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "form" and attrs.get("method", "get").lower() == "get":
            self._form = attrs.get("action") or ""
        elif self._form is not None and tag == "select":
            self._select = attrs.get("name")
        elif self._form is not None and tag == "option" and self._select:
            value = attrs.get("value", "")
            if value:
                self.urls.append(f"{self._form}?{urlencode({self._select: value})}")
        elif self._form is not None and tag == "input" and _is_text_box(attrs):
            for word in self.words:
                self.urls.append(f"{self._form}?{urlencode({attrs['name']: word})}")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _is_text_box(attrs):
    return attrs.get("type", "text") in {"text", "search"} and bool(attrs.get("name"))


def crawl(client, start="/", words=(), extra=("/sitemap.xml", "/robots.txt"), limit=3000):
    """Fetch every public URL reachable from ``start``; return the Pages in crawl order.

    ``words`` are typed into every text box of every GET form (e.g. search for a name
    that must stay hidden).
    """
    seen = set()
    queue = deque([start, *extra])
    pages = []
    while queue and len(pages) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        text = b"".join(response.streaming_content).decode() if response.streaming else ""
        text = text or response.content.decode("utf-8", errors="replace")
        pages.append(Page(url, response.status_code, content_type, text))
        if response.status_code >= 300:
            continue
        for found in _urls_in(text, content_type, url, words):
            if found not in seen:
                queue.append(found)
    return pages


def _urls_in(text, content_type, base, words):
    if "html" in content_type:
        parser = _LinkParser(words)
        parser.feed(text)
        candidates = parser.urls
    elif "xml" in content_type:
        candidates = XML_LOCATIONS.findall(text) + re.findall(r'href="([^"]+)"', text)
    else:
        candidates = re.findall(r"https?://\S+", text)
    urls = []
    for candidate in candidates:
        parts = urlsplit(urljoin(base, candidate.strip()))
        if parts.scheme not in {"", "http", "https"}:
            continue
        if parts.netloc not in {"", "testserver"}:
            continue
        if parts.path.startswith(SKIPPED_PREFIXES):
            continue
        urls.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return urls


def sitemap_paths(client, index="/sitemap.xml"):
    """The paths every file of the sitemap ``index`` lists, file by file."""
    paths = []
    for section in XML_LOCATIONS.findall(client.get(index).content.decode()):
        section = urlsplit(section)
        response = client.get(section.path + (f"?{section.query}" if section.query else ""))
        assert response.status_code == 200, section
        paths += [urlsplit(loc).path for loc in XML_LOCATIONS.findall(response.content.decode())]
    return paths
