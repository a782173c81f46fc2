"""Located problems: every stage reports into a `Report`, never by raising tracebacks."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Protocol


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located in a project file (path relative to the project, 1-based line)."""

    file: str
    line: int
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        kind = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.file}:{self.line}: {kind}{self.message}"


@dataclass
class Report:
    """Collects problems from every stage; the same problem is kept once."""

    problems: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, repr=False)

    def error(self, file: str, line: int, code: str, message: str) -> None:
        self.add(Problem(file, line, Severity.ERROR, code, message))

    def warn(self, file: str, line: int, code: str, message: str) -> None:
        self.add(Problem(file, line, Severity.WARNING, code, message))

    def add(self, problem: Problem) -> None:
        if problem not in self._seen:
            self._seen.add(problem)
            self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity is severity)

    def failed(self, strict: bool = False) -> bool:
        """True when the run must exit 1: any error, or any warning under --strict."""
        return any(p.severity is Severity.ERROR or strict for p in self.problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems)

    def as_text(self) -> str:
        return "\n".join(str(p) for p in self.sorted())

    def as_json(self) -> str:
        rows = [{**asdict(p), "severity": p.severity.value} for p in self.sorted()]
        return json.dumps(rows, indent=2, ensure_ascii=False)


class Reporter(Protocol):
    """What a reader reports into: the run's `Report`, or the `Scope` of one item."""

    def error(self, file: str, line: int, code: str, message: str) -> None: ...

    def warn(self, file: str, line: int, code: str, message: str) -> None: ...


@dataclass
class Scope:
    """The problems of one item (a file, a product, a question), passed on to the run's report.

    Whether the item is usable is whether it reported an error itself: counting the report's errors
    would not do, since the report keeps a repeated problem once.
    """

    parent: Reporter
    failed: bool = False

    def error(self, file: str, line: int, code: str, message: str) -> None:
        self.failed = True
        self.parent.error(file, line, code, message)

    def warn(self, file: str, line: int, code: str, message: str) -> None:
        self.parent.warn(file, line, code, message)


class Silent:
    """A reporter that drops what it is told: for problems that are reported elsewhere already."""

    def error(self, file: str, line: int, code: str, message: str) -> None:
        pass

    def warn(self, file: str, line: int, code: str, message: str) -> None:
        pass


class ProblemsFound(Exception):
    """Raised by a stage that cannot go on; the report already holds the reasons."""


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A hint naming the closest valid choice, or the list of choices."""
    choices = list(choices)
    close = difflib.get_close_matches(value, choices, n=1)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (expected one of: {', '.join(choices)})" if choices else ""
