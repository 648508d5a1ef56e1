"""Markdown to safe HTML: markdown-it renders, nh3 sanitises.

Raw HTML in the source is not rendered (markdown-it `html=False`), and the
output is sanitised anyway, so nothing an author types can run as script.
`$...$` math passes through as text."""

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em",
    "del", "code", "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
    "span",
}


def render_markdown(text: str) -> str:
    html = _md.render(text or "")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
