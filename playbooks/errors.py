"""The one error a playbook or rules file can raise on load."""

from __future__ import annotations


class PlaybookError(ValueError):
    """A data file is invalid; the message names the file, the step and the field."""

    def __init__(self, file: str, where: str, field: str, problem: str) -> None:
        self.file = file
        self.where = where
        self.field = field
        self.problem = problem
        super().__init__(f"{file}: {where}: field '{field}': {problem}")
