from workshop.markdown import render_markdown


def test_render_markdown_keeps_formatting():
    assert render_markdown("**bold** and *it*") == "<p><strong>bold</strong> and <em>it</em></p>\n"


def test_render_markdown_never_renders_script():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(2)">')

    assert "<script" not in html
    assert "<img" not in html


def test_render_markdown_never_links_to_javascript():
    html = render_markdown("[click](javascript:alert(1)) <a href='javascript:alert(2)'>x</a>")

    assert "<a" not in html


def test_render_markdown_marks_links_nofollow():
    html = render_markdown("[ORCID](https://orcid.org)")

    assert html == (
        '<p><a href="https://orcid.org" rel="noopener noreferrer nofollow">ORCID</a></p>\n'
    )


def test_render_markdown_keeps_math_as_text():
    assert render_markdown("loss $\\ell(x) < \\epsilon$") == "<p>loss $\\ell(x) &lt; \\epsilon$</p>\n"
