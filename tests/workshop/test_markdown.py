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


def test_display_and_inline_math_in_one_paragraph_leave_no_dollar_signs():
    html = render_markdown("Mix $$a^2$$ and $b$ in one sentence.")

    assert "$" not in html
    assert html.startswith("<p>Mix <span class=\"math display\">") and html.count("<math ") == 2
    assert 'display="block"' in html and 'display="inline"' in html


def test_two_display_formulas_on_one_line_stay_two():
    html = render_markdown("$$a$$ and $$b$$")

    assert "$" not in html
    assert html.count('display="block"') == 2
    assert "<mi>a</mi>" in html and "<mi>b</mi>" in html and " and " in html


def test_escaped_dollars_stay_dollars_beside_math():
    html = render_markdown(r"It costs \$5, or \$x\$ written out, and $y$ is math.")

    assert html.startswith("<p>It costs $5, or $x$ written out, and <span class=\"math inline\">")
    assert html.count("<math ") == 1 and "<mi>y</mi>" in html


def test_dollars_in_code_spans_are_code():
    html = render_markdown("Set `$HOME` and `a $x$ b`, then $y$.")

    assert "<code>$HOME</code>" in html and "<code>a $x$ b</code>" in html
    assert html.count("<math ") == 1 and "<mi>y</mi>" in html


def test_a_dollar_before_a_code_span_does_not_open_math_into_it():
    assert render_markdown("The $HOME variable and `$PATH`.") == (
        "<p>The $HOME variable and <code>$PATH</code>.</p>\n")


def test_output_carries_no_inline_style_and_keeps_table_alignment_as_classes():
    table = render_markdown("| a | b |\n|:-:|--:|\n| 1 | 2 |")
    math = render_markdown(r"$\style{color:red}{x}$ and $\class{big}{y}$")

    assert "style=" not in table + math
    assert '<th class="align-center">a</th>' in table and '<td class="align-right">2</td>' in table
    assert "<mi>x</mi>" in math and "big" not in math
