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


def test_render_markdown_turns_math_into_mathml():
    html = render_markdown("loss $\\ell(x) < \\epsilon$")

    assert "<mi>ℓ</mi>" in html and "<mo>&lt;</mo>" in html and "<mi>ϵ</mi>" in html


def test_inline_math_becomes_mathml_untouched_by_emphasis():
    html = render_markdown("We flip $a*b*c$ of the labels.")

    assert "<em>" not in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert "<mi>a</mi><mo>*</mo><mi>b</mi>" in html


def test_escaped_percent_in_math_renders_as_a_percent_sign():
    html = render_markdown(r"flipping $0.5\%$ of labels")

    assert "<mn>0.5</mn><mi>%</mi>" in html
    assert "\\%" not in html


def test_display_math_is_a_block():
    html = render_markdown("$$\\sum_i x_i^2$$")

    assert 'display="block"' in html and "<msubsup>" in html


def test_money_is_not_math():
    assert render_markdown("It costs $5 and $10.") == "<p>It costs $5 and $10.</p>\n"


def test_broken_latex_is_shown_as_written_and_markup_in_math_stays_text():
    html = render_markdown(r"bad $\frac{1}{$ and $<mi onclick=alert(1)>$")

    assert '<code class="math-error">\\frac{1}{</code>' in html
    assert "onclick" not in html.replace("<mi>o</mi><mi>n</mi><mi>c</mi><mi>l</mi><mi>i</mi><mi>c</mi><mi>k</mi>", "")
