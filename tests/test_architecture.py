"""The layout's rules, kept by tests: the import contracts (import-linter, contracts in
pyproject.toml: workshop <- submissions <- reviews, the pure modules import no Django,
selectors import no services), views that write nothing themselves, and small files."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("workshop", "submissions", "reviews")
# The two pure engines may be long: each is one algorithm read top to bottom.
LONG_ALLOWED = {"reviews/assignments/solver.py", "submissions/proceedings/builder.py"}
WRITES = {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "update", "delete",
          "select_for_update"}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _view_modules():
    return [p for p in _sources() if p.name == "views.py" or p.name.endswith("_views.py")]


def _chain(node) -> list[str]:
    """`Model.objects.filter(x).update` -> ['Model', 'objects', 'filter', 'update']."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def writes_in(source: str) -> list[str]:
    """What a view module writes itself: manager or queryset writes, saves and deletes of
    anything but a form, and transactions (a write that needs one belongs in a service)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        chain = _chain(node.func)
        method = chain[-1] if chain else ""
        if "objects" in chain and method in WRITES:
            found.append(f"line {node.lineno}: {'.'.join(chain)}()")
        elif method in {"save", "delete"} and not chain[-2].lower().endswith(("form", "formset")):
            found.append(f"line {node.lineno}: {'.'.join(chain)}()")
        elif chain[:2] == ["transaction", "atomic"]:
            found.append(f"line {node.lineno}: transaction.atomic")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "atomic" and _chain(node)[:1] == ["transaction"]:
            found.append(f"line {node.lineno}: transaction.atomic")
    return sorted(set(found))


def test_import_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")

    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout


def test_views_write_nothing_themselves():
    offenders = {str(p.relative_to(ROOT)): w for p in _view_modules() if (w := writes_in(p.read_text()))}

    assert offenders == {}


def test_view_write_detector_finds_what_it_forbids():
    source = (
        "from django.db import transaction\n"
        "@transaction.atomic\n"
        "def v(request, form):\n"
        "    Paper.objects.filter(pk=1).update(title='x')\n"
        "    paper.save()\n"
        "    form.save()\n"
        "    context.update(a=1)\n"
    )

    assert writes_in(source) == [
        "line 2: transaction.atomic", "line 4: Paper.objects.filter.update()", "line 5: paper.save()",
    ]


def test_no_module_is_over_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in _sources()
            if (n := p.read_text().count("\n")) > 500 and str(p.relative_to(ROOT)) not in LONG_ALLOWED}

    assert long == {}
