"""Markdown to safe HTML: markdown-it renders, nh3 sanitises.

Raw HTML in the source is not rendered (markdown-it `html=False`), and the
output is sanitised anyway, so nothing an author types can run as script.
Math written as `$...$` (inline) or `$$...$$` (display: on its own lines or
inside a paragraph) is parsed before emphasis can touch it and rendered on the
server to MathML, which browsers draw without any script; LaTeX that cannot be
converted is shown as code. The output carries no style attribute (the pages'
CSP allows no inline style): table alignment becomes a class."""

import html

import nh3
from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar, math_inline_dollar

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
_ALIGNMENTS = {"align-left", "align-center", "align-right"}
_CLASSES = {"div": {"math", "block"}, "span": {"math", "inline", "display"}, "code": {"math-error"},
            "th": _ALIGNMENTS, "td": _ALIGNMENTS}


def _math(latex: str, options: dict) -> str:
    try:
        return convert(latex, display="block" if options.get("display_mode") else "inline")
    except Exception:  # noqa: BLE001 - any LaTeX the converter cannot read is shown as written
        return f'<code class="math-error">{html.escape(latex)}</code>'


def _math_display_in_text(self, tokens, idx, options, env) -> str:
    # The plugin's own <div> would end the paragraph around it, leaving its text in pieces.
    return f'<span class="math display">{_math(tokens[idx].content.strip(), {"display_mode": True})}</span>'


def _no_code_inside(rule):
    """Inline math never reaches into a code span: in "$HOME and `$PATH`" the
    second dollar belongs to the code, so the first one is just a dollar."""
    def guarded(state, silent: bool) -> bool:
        start = state.pos
        if not rule(state, True):
            return False
        found, state.pos = state.src[start:state.pos], start
        return "`" not in found and rule(state, silent)
    return guarded


def _one_formula_per_block(rule):
    """A line such as "$$a$$ and $$b$$" starts and ends with $$ but holds two
    formulas and text: it is a paragraph, not one display formula "a$$ and $$b"."""
    def guarded(state, start_line: int, end_line: int, silent: bool) -> bool:
        line = state.src[state.bMarks[start_line] + state.tShift[start_line]:state.eMarks[start_line]].strip()
        if line.startswith("$$") and "$$" in line[2:-2]:
            return False
        return rule(state, start_line, end_line, silent)
    return guarded


def _alignment_as_class(state) -> None:
    """markdown-it aligns table cells with style="text-align:..."; a class says the same."""
    for token in state.tokens:
        style = token.attrGet("style") if token.type in ("th_open", "td_open") else None
        if style and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrSet("class", "align-" + style.removeprefix("text-align:"))


# No digits or spaces just inside the dollars: "$5 and $10" stays money.
_DOLLARS = {"allow_space": False, "allow_digits": False}
_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .use(dollarmath_plugin, **_DOLLARS, allow_labels=False, double_inline=True, renderer=_math)
)
# The plugin's own rules, built with the same options, behind the two guards above.
_md.inline.ruler.at("math_inline", _no_code_inside(math_inline_dollar(**_DOLLARS, allow_double=True)))
_md.block.ruler.at("math_block", _one_formula_per_block(math_block_dollar(allow_labels=False, allow_blank_lines=True)))
_md.add_render_rule("math_inline_double", _math_display_in_text)
_md.core.ruler.push("alignment_as_class", _alignment_as_class)


def render_markdown(text: str) -> str:
    return nh3.clean(
        _md.render(text or ""),
        tags=_ALLOWED_TAGS | _MATHML_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        allowed_classes=_CLASSES,
    )
