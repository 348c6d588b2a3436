"""pytest plugin loaded by ``run.py`` with ``-p tests.mutation.plugin``: imports one rules
module with one mutant applied.

``MUTANT_MODULE`` (dotted name), ``MUTANT_FILE`` (its source) and ``MUTANT_INDEX`` say which.
The import hook is installed when pytest loads this plugin, which is before pytest-django
sets Django up (``training.models`` imports ``training.rules``), so every importer of the
module, the tests included, gets the mutant. The source tree is never written to.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from pathlib import Path

from tests.mutation.mutator import mutated_tree


class _MutantLoader(importlib.abc.Loader):
    def __init__(self, path: Path, index: int):
        self.path = path
        self.index = index

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        source = self.path.read_text(encoding="utf-8")
        tree = mutated_tree(source, self.index, str(self.path))
        exec(compile(tree, str(self.path), "exec"), module.__dict__)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, name: str, path: Path, index: int):
        self.name = name
        self.path = path
        self.index = index

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        return importlib.util.spec_from_file_location(
            fullname, self.path, loader=_MutantLoader(self.path, self.index)
        )


def _install():
    name = os.environ.get("MUTANT_MODULE")
    if not name:
        return
    if name in sys.modules:  # pragma: no cover - would test the original, not the mutant
        raise RuntimeError(f"{name} was imported before the mutation plugin")
    finder = _MutantFinder(name, Path(os.environ["MUTANT_FILE"]), int(os.environ["MUTANT_INDEX"]))
    sys.meta_path.insert(0, finder)


_install()
