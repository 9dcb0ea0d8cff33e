"""Import the stand-alone scripts of specs/ and tools/ as modules (they are not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def script(relative: str) -> ModuleType:
    """``specs/build.py`` -> the module, imported once under its file's stem."""
    path = ROOT / relative
    name = f"_jobpoll_script_{path.stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
