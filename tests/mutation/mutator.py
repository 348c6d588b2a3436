"""A small AST mutator for the pure rules modules (issue 16; see docs/rules-testing.md).

:func:`mutants` lists every single change the operators below make to a module, in a fixed
order, so that "mutant #k of subsidies/rules.py" names the same change in the parent process
(which reports it) and in the pytest subprocess (which runs the tests against it, see
``plugin.py``). Nothing here writes a file: the subprocess compiles the mutated tree.

Operators (one change per mutant):

- arithmetic: ``+`` ↔ ``-``, ``*`` ↔ ``/``, ``//`` → ``/``, ``%`` → ``//``; ``+=`` ↔ ``-=``;
- comparisons: ``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=``, ``in`` ↔ ``not in``,
  ``is`` ↔ ``is not``;
- constants: an int ``n`` → ``n + 1``, ``True`` ↔ ``False``, ``Decimal("…")`` nudged by one
  in its last digit;
- ``and`` ↔ ``or``; ``not x`` → ``x``; ``-x`` → ``x``; ``min`` ↔ ``max``;
- ``if``: condition forced ``True`` and ``False``, body removed; ``x if c else y``: condition
  forced ``True`` and ``False``; a comprehension's ``if`` filter removed;
- ``return x`` → ``return None``.

Left alone: docstrings and other string constants (the English derivation wording is not a
rule), annotations, decorators (``lru_cache(maxsize=…)``) and imports.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

BINOP_SWAPS = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
}
CMP_SWAPS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
SYMBOLS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.And: "and",
    ast.Or: "or",
}


@dataclass(frozen=True)
class Mutant:
    index: int  # position in the module's list (stable while the source is unchanged)
    line: int
    change: str  # e.g. "`<` → `<=`"; with the line's text it names the mutant


def _nudge_decimal(text: str) -> str | None:
    """``"0.60"`` → ``"0.61"``, ``"12"`` → ``"13"``: one more in the last digit."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        return None
    return str(value + Decimal(1).scaleb(exponent))


def _is_decimal_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Decimal"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


class _Collector:
    """Walks a module in a fixed order and yields (node path, description, apply) triples;
    ``apply(node)`` mutates a *copy* of the node found at the same path."""

    def __init__(self, tree: ast.Module):
        self.tree = tree
        self.found: list[tuple[tuple, int, str, object]] = []

    def run(self):
        self._visit(self.tree, ())
        return self.found

    def _add(self, path, node, change, apply):
        self.found.append((path, getattr(node, "lineno", 0), change, apply))

    def _skip_field(self, node, name) -> bool:
        if name in ("annotation", "returns", "decorator_list", "type_comment"):
            return True
        return isinstance(node, (ast.Import, ast.ImportFrom))

    def _visit(self, node, path):
        self._mutations(node, path)
        for name, value in ast.iter_fields(node):
            if self._skip_field(node, name):
                continue
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        if name == "body" and i == 0 and _is_docstring(item):
                            continue
                        self._visit(item, (*path, (name, i)))
            elif isinstance(value, ast.AST):
                self._visit(value, (*path, (name, None)))

    def _mutations(self, node, path):  # one branch per operator
        if isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
            new = BINOP_SWAPS[type(node.op)]
            self._add(
                path,
                node,
                f"`{SYMBOLS[type(node.op)]}` → `{SYMBOLS[new]}`",
                lambda n, new=new: setattr(n, "op", new()),
            )
        elif isinstance(node, ast.AugAssign) and type(node.op) in (ast.Add, ast.Sub):
            new = BINOP_SWAPS[type(node.op)]
            self._add(
                path,
                node,
                f"`{SYMBOLS[type(node.op)]}=` → `{SYMBOLS[new]}=`",
                lambda n, new=new: setattr(n, "op", new()),
            )
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                new = CMP_SWAPS[type(op)]

                def apply(n, i=i, new=new):
                    n.ops[i] = new()

                self._add(path, node, f"`{SYMBOLS[type(op)]}` → `{SYMBOLS[new]}`", apply)
        elif isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            self._add(
                path,
                node,
                f"`{SYMBOLS[type(node.op)]}` → `{SYMBOLS[new]}`",
                lambda n, new=new: setattr(n, "op", new()),
            )
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            word = "not " if isinstance(node.op, ast.Not) else "-"
            self._add(path, node, f"`{word}x` → `x`", _replace_with_operand)
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                self._add(
                    path,
                    node,
                    f"`{value}` → `{not value}`",
                    lambda n: setattr(n, "value", not n.value),
                )
            elif isinstance(value, int):
                self._add(
                    path,
                    node,
                    f"`{value}` → `{value + 1}`",
                    lambda n: setattr(n, "value", n.value + 1),
                )
        elif _is_decimal_call(node):
            text = node.args[0].value
            nudged = _nudge_decimal(text)
            if nudged is not None:

                def apply(n, nudged=nudged):
                    n.args[0].value = nudged

                self._add(path, node, f'`Decimal("{text}")` → `Decimal("{nudged}")`', apply)
            return
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("min", "max")
        ):
            new = "max" if node.func.id == "min" else "min"
            self._add(
                path,
                node,
                f"`{node.func.id}` → `{new}`",
                lambda n, new=new: setattr(n.func, "id", new),
            )
        elif isinstance(node, ast.If):
            self._add(path, node, "`if` condition → `True`", lambda n: _force(n, True))
            self._add(path, node, "`if` condition → `False`", lambda n: _force(n, False))
            self._add(path, node, "`if` body removed", _remove_body)
        elif isinstance(node, ast.IfExp):
            self._add(path, node, "`x if c else y` condition → `True`", lambda n: _force(n, True))
            self._add(path, node, "`x if c else y` condition → `False`", lambda n: _force(n, False))
        elif isinstance(node, ast.comprehension):
            for i in range(len(node.ifs)):

                def apply(n, i=i):
                    del n.ifs[i]

                self._add(path, node.ifs[i], "comprehension `if` removed", apply)
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            self._add(path, node, "`return x` → `return None`", _return_none)


def _is_docstring(node) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


_REPLACE = object()


def _replace_with_operand(n):
    return (_REPLACE, n.operand)


def _force(n, value):
    n.test = ast.Constant(value)


def _remove_body(n):
    n.body = [ast.Pass()]


def _return_none(n):
    n.value = ast.Constant(None)


def _resolve(tree, path):
    """The parent container and key of the node at ``path`` (so it can be replaced)."""
    parent, key = None, None
    node = tree
    for name, i in path:
        parent, key = node, (name, i)
        value = getattr(node, name)
        node = value[i] if i is not None else value
    return node, parent, key


def parse(source: str, filename: str) -> ast.Module:
    return ast.parse(source, filename)


def mutants(source: str, filename: str = "<rules>") -> list[Mutant]:
    tree = parse(source, filename)
    return [
        Mutant(index, line, change)
        for index, (_path, line, change, _apply) in enumerate(_Collector(tree).run())
    ]


def mutated_tree(source: str, index: int, filename: str = "<rules>") -> ast.Module:
    """The module's tree with mutant ``index`` applied (line numbers kept)."""
    tree = parse(source, filename)
    path, _line, _change, apply = _Collector(tree).run()[index]
    tree = copy.deepcopy(tree)
    node, parent, key = _resolve(tree, path)
    result = apply(node)
    if isinstance(result, tuple) and result and result[0] is _REPLACE:
        replacement = result[1]
        name, i = key
        if i is None:
            setattr(parent, name, replacement)
        else:
            getattr(parent, name)[i] = replacement
    return ast.fix_missing_locations(tree)
