"""Markdown for everything users write (lessons, questions, feedback, posts), rendered and then
sanitised in one place. The sanitiser runs last, on the HTML, so nothing the Markdown parser lets
through (raw HTML, odd link syntax) can reach a page unsanitised."""

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


def render_markdown(text: str) -> SafeString:
    if not text:
        return mark_safe("")
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    return mark_safe(sanitise(html))  # noqa: S308  (sanitised just above)
