"""Markdown for everything users write at length (course descriptions, resources, announcements,
module summaries, lessons, questions, submissions, feedback, posts), rendered and then sanitised in
one place. The sanitiser runs last, on the HTML, so nothing the Markdown parser lets through (raw
HTML, odd link syntax) can reach a page unsanitised. Where a text is quoted in one line (a feed
item), `markdown_to_text` gives the same text without its markup."""

import re
import threading
from html import unescape as html_unescape

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["fenced_code", "tables", "sane_lists"]

# The help of every field whose text is rendered by render_markdown (model help_text, so the admin,
# the page forms built from the models and the API schema all say it).
MARKDOWN_HELP = "Markdown: **bold**, *italic*, lists, links. Scripts and unsafe HTML are removed."

_WHITESPACE = re.compile(r"\s+")


def sanitise(html: str) -> str:
    """Allow-listed tags and attributes only; no scripts, event handlers, styles or
    `javascript:` URLs; links open no window back to us."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_parsers = threading.local()


def _parser() -> markdown.Markdown:
    """One Markdown parser per thread, reset between texts: building one loads its extensions,
    which cost more than rendering a feed item's summary (docs/performance.md). Parsers are not
    thread-safe, hence one per thread."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return parser


def render_markdown(text: str) -> SafeString:
    if not text:
        return mark_safe("")
    parser = _parser()
    try:
        html = parser.convert(text)
    finally:
        parser.reset()
    return mark_safe(sanitise(html))  # noqa: S308  (sanitised just above)


def markdown_to_text(text: str) -> str:
    """The words of a Markdown text without its markup, on one line: rendered and sanitised as on a
    page, then every tag removed (their content kept) and whitespace collapsed. The result is plain
    text, still to be escaped by whoever puts it in HTML."""
    if not text:
        return ""
    html = nh3.clean(str(render_markdown(text)), tags=set())
    # nh3 escapes what it returns (it is HTML); the caller escapes again, so undo it here.
    return _WHITESPACE.sub(" ", html_unescape(html)).strip()
