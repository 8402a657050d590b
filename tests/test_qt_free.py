"""The core imports no Qt: everything outside mit_desktop/ui works without PySide6.

Which package may import which is import-linter's job (the contracts in pyproject.toml,
run by `make test`); this test imports every core module with PySide6 made unimportable,
which also catches a Qt import hidden behind a dynamic import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mit_desktop"


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        if rel.parts[1:2] == ("ui",) or rel.name == "__main__" or rel.name == "app":
            continue
        names.append(".".join(rel.parts).removesuffix(".__init__"))
    return names


def test_core_imports_with_pyside6_made_unimportable() -> None:
    modules = core_modules()
    assert "mit_desktop.session.parser" in modules and "mit_desktop.render.mixer" in modules
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"  # any import of PySide6 now raises ImportError
        "import importlib\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not any(m.startswith('PySide6.') for m in sys.modules)\n"
        "print('ok', len(" f"{modules!r}" "))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
