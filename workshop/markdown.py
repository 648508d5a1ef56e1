"""Markdown to safe HTML: markdown-it renders, nh3 sanitises.

Raw HTML in the source is not rendered (markdown-it `html=False`), and the
output is sanitised anyway, so nothing an author types can run as script.
Math written as `$...$` (inline) or `$$...$$` (display) is parsed before
emphasis can touch it and rendered on the server to MathML, which browsers
draw without any script; LaTeX that cannot be converted is shown as code."""

import html

import nh3
from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em",
    "del", "code", "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
    "span", "div",
}
_MATHML_TAGS = {
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot", "msub", "msup",
    "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom",
    "menclose", "merror",
}
_MATHML_ATTRIBUTES = {
    "xmlns", "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "accent",
    "accentunder", "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
    "frame", "linethickness", "minsize", "maxsize", "movablelimits", "notation", "scriptlevel",
    "displaystyle", "width", "height", "depth", "form", "largeop", "symmetric",
}
_ATTRIBUTES = {"a": {"href", "title"},
               **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS}}


def _math(latex: str, options: dict) -> str:
    try:
        return convert(latex, display="block" if options.get("display_mode") else "inline")
    except Exception:  # noqa: BLE001 - any LaTeX the converter cannot read is shown as written
        return f'<code class="math-error">{html.escape(latex)}</code>'


_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    # No digits or spaces just inside the dollars: "$5 and $10" stays money.
    .use(dollarmath_plugin, allow_space=False, allow_digits=False, allow_labels=False, renderer=_math)
)


def render_markdown(text: str) -> str:
    return nh3.clean(
        _md.render(text or ""),
        tags=_ALLOWED_TAGS | _MATHML_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        allowed_classes={"div": {"math", "block"}, "span": {"math", "inline"}, "code": {"math-error"}},
    )
