"""Mutation testing of the pure rules modules (issue 16): ``make mutants``.

Every ``*/rules.py`` of the project is mutated one change at a time (``mutator.py``) and the
tests that cite its rules are run against each mutant in a pytest subprocess that imports
the mutated module (``plugin.py``; the source tree is never written). A mutant is *caught*
when the tests fail (or cannot even be collected), *timed out* when they run past the
timeout (counted as caught), and *survives* when they pass. Survivors listed in
``equivalent.toml`` (behaviour cannot change) are shown but left out of the score.

    nice -n 15 .venv/bin/python -m tests.mutation.run [--module subsidies/rules.py] [--jobs 2]

Environment: ``MODULE`` (one module: a path, a dotted name or an app name), ``MUTANTS_JOBS``
(parallel pytest processes, default 2), ``MUTANTS_MIN_SCORE`` (default 95: the exit status is
1 when a module scores below it), ``MUTANTS_REPORT`` (a JSON file to write the results to).
See docs/rules-testing.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.mutation.mutator import Mutant, mutants

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENT_FILE = Path(__file__).with_name("equivalent.toml")

# The tests that cite each module's rules: the table-driven rule tests (no database, so a
# mutant costs one pytest start-up). A rules module not listed here is run against every
# tests/**/test_*rules*.py file that imports it.
TESTS = {
    "subsidies/rules.py": ["tests/subsidies/test_rules.py"],
    "subsidies/allowance/rules.py": ["tests/subsidies/test_allowance_rules.py"],
    "subsidies/award/rules.py": ["tests/subsidies/test_award_rules.py"],
    "training/rules.py": ["tests/training/test_rules.py"],
    "cadres/rules.py": ["tests/cadres/test_rules.py"],
}
PYTEST = ["-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-n", "0"]
# The rule tests are pure: without the installed plugins' autoload (Hypothesis, Schemathesis,
# Django set-up) and the conftest fixtures (factories, Faker) a run starts in ~1 s instead of
# ~8 s. xdist is loaded for ``-n 0``. MUTANTS_FULL_PYTEST=1 runs the ordinary set-up instead
# (for rule tests that come to need a fixture); the unmutated run checks either way.
LEAN = ["-p", "xdist.plugin", "--noconftest"]


@dataclass
class Outcome:
    file: str
    index: int
    line: int
    change: str
    text: str  # the source line, stripped
    status: str  # caught | survived | timeout
    seconds: float
    equivalent: str | None = None  # the reason, for a survivor on the allow-list


@dataclass
class ModuleResult:
    file: str
    tests: list[str]
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def equivalent(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "survived" and o.equivalent]

    @property
    def survivors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "survived" and not o.equivalent]

    @property
    def score(self) -> float:
        counted = len(self.outcomes) - len(self.equivalent)
        killed = self.count("caught") + self.count("timeout")
        return 100.0 * killed / counted if counted else 100.0


def rules_modules() -> list[str]:
    found = sorted(
        str(p.relative_to(ROOT))
        for p in ROOT.glob("**/rules.py")
        if not {".venv", "tests", "node_modules"} & set(p.relative_to(ROOT).parts)
    )
    return found


def dotted(file: str) -> str:
    return file.removesuffix(".py").replace("/", ".")


def tests_for(file: str) -> list[str]:
    if file in TESTS:
        return TESTS[file]
    name = dotted(file)
    package, _, _ = name.rpartition(".")
    needles = (name, f"from {package} import rules")
    return sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests").glob("**/test_*rules*.py")
        if any(n in p.read_text(encoding="utf-8") for n in needles)
    )


def select(modules: list[str], wanted: str | None) -> list[str]:
    if not wanted:
        return modules
    wanted = wanted.strip().removeprefix("./")
    for m in modules:
        if wanted in (m, dotted(m), m.removesuffix("/rules.py")):
            return [m]
    raise SystemExit(f"no rules module {wanted!r}; known: {', '.join(modules)}")


def load_equivalent() -> list[dict]:
    if not EQUIVALENT_FILE.exists():
        return []
    with EQUIVALENT_FILE.open("rb") as fh:
        return tomllib.load(fh).get("equivalent", [])


def run_pytest(file: str, tests: list[str], index: int | None, timeout: float):
    """(status, seconds): pytest against mutant ``index`` (None: the unchanged module)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    args = [sys.executable, *PYTEST]
    if not os.environ.get("MUTANTS_FULL_PYTEST"):
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        args += LEAN
    if index is not None:
        env.update(
            MUTANT_MODULE=dotted(file), MUTANT_FILE=str(ROOT / file), MUTANT_INDEX=str(index)
        )
        args += ["-p", "tests.mutation.plugin"]
    args += tests
    started = time.monotonic()
    proc = subprocess.Popen(  # Our own interpreter and arguments
        args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return "timeout", time.monotonic() - started
    seconds = time.monotonic() - started
    if code == 0:
        return "survived", seconds
    if code == 5:  # no tests collected: a selection error, not a caught mutant
        raise SystemExit(f"no tests collected for {file}: {tests}")
    return "caught", seconds


def run_module(file: str, jobs: int, equivalent: list[dict], progress) -> ModuleResult:
    tests = tests_for(file)
    if not tests:
        raise SystemExit(f"no tests cite {file}: add it to TESTS in {__file__}")
    status, seconds = run_pytest(file, tests, None, timeout=600)
    if status != "survived":
        raise SystemExit(f"the tests of {file} fail without any mutant: {tests}")
    timeout = max(30.0, 10 * seconds)
    source = (ROOT / file).read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[Mutant] = mutants(source, file)
    result = ModuleResult(file, tests)
    progress(f"{file}: {len(found)} mutants, {tests}, baseline {seconds:.1f}s")

    def one(m: Mutant) -> Outcome:
        status, took = run_pytest(file, tests, m.index, timeout)
        text = lines[m.line - 1].strip() if m.line else ""
        return Outcome(file, m.index, m.line, m.change, text, status, round(took, 2))

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for done, outcome in enumerate(pool.map(one, found), 1):
            result.outcomes.append(outcome)
            if done % 25 == 0:
                progress(f"  {done}/{len(found)}")
    for o in result.outcomes:
        if o.status != "survived":
            continue
        for entry in equivalent:
            if (entry["file"], entry["line"].strip(), entry["mutation"]) == (
                o.file,
                o.text,
                o.change,
            ):
                o.equivalent = entry["reason"]
                break
    return result


def stale_entries(results: list[ModuleResult], equivalent: list[dict]) -> list[dict]:
    """Allow-list entries of the modules run that match no surviving mutant (fixed or
    caught now: remove them)."""
    run = {r.file for r in results}
    used = {(o.file, o.text, o.change) for r in results for o in r.outcomes if o.equivalent}
    return [
        e
        for e in equivalent
        if e["file"] in run and (e["file"], e["line"].strip(), e["mutation"]) not in used
    ]


def report(results: list[ModuleResult], equivalent: list[dict], seconds: float) -> str:
    out = []
    for r in results:
        for o in r.survivors:
            out.append(f"SURVIVED {o.file}:{o.line}: {o.change}    | {o.text}")
        for o in r.equivalent:
            out.append(f"equivalent {o.file}:{o.line}: {o.change}    | {o.text}  ({o.equivalent})")
    out.append("")
    header = f"{'module':32} {'mutants':>7} {'caught':>6} {'timeout':>7} {'survived':>8} "
    header += f"{'equiv.':>6} {'score':>6}"
    out.append(header)
    for r in results:
        out.append(
            f"{r.file:32} {len(r.outcomes):7} {r.count('caught'):6} {r.count('timeout'):7} "
            f"{len(r.survivors):8} {len(r.equivalent):6} {r.score:5.1f}%"
        )
    for e in stale_entries(results, equivalent):
        out.append(
            f"stale allow-list entry (no such survivor): {e['file']}: {e['mutation']} | {e['line']}"
        )
    out.append(f"{seconds / 60:.1f} minutes")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default=os.environ.get("MODULE") or None)
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTANTS_JOBS", "2")))
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = parser.parse_args(argv)
    modules = select(rules_modules(), args.module)
    if args.list:
        for file in modules:
            source = (ROOT / file).read_text(encoding="utf-8")
            for m in mutants(source, file):
                print(f"{file}:{m.line}: #{m.index} {m.change}")
        return 0
    equivalent = load_equivalent()
    started = time.monotonic()
    results = []
    for file in modules:
        results.append(
            run_module(file, max(1, args.jobs), equivalent, lambda s: print(s, flush=True))
        )
    elapsed = time.monotonic() - started
    print(report(results, equivalent, elapsed))
    if path := os.environ.get("MUTANTS_REPORT"):
        Path(path).write_text(
            json.dumps([asdict(o) for r in results for o in r.outcomes], indent=1),
            encoding="utf-8",
        )
    minimum = float(os.environ.get("MUTANTS_MIN_SCORE", "95"))
    return 0 if all(r.score >= minimum for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
