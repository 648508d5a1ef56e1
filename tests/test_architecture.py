"""The one import rule, kept by import-linter (contracts in pyproject.toml):
workshop <- submissions <- reviews, and the pure modules import no Django."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")

    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 kept, 0 broken" in result.stdout
