"""What a ledger import found (ledger_import): the errors by row and column, the
outcome of each row, and the report the page and the API show."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from relocation.enterprises.models import Enterprise


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class RowOutcome:
    row: int
    name: str
    credit_code: str
    fields: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool
    created: list[RowOutcome] = field(default_factory=list)
    updated: list[RowOutcome] = field(default_factory=list)
    unchanged: list[RowOutcome] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False
    sha256: str = ""

    def __post_init__(self) -> None:
        # (enterprise, batch) for the 批次 cells that move an enterprise; not
        # part of the report's dict (model instances).
        self.batch_moves: list[tuple[Enterprise, Any]] = []

    @property
    def accepted(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["accepted"] = self.accepted
        data["counts"] = {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "errors": len(self.errors),
        }
        return data

    def error_lines(self) -> list[str]:
        return [
            _("第%(row)s行 %(column)s：%(reason)s") % {"row": e.row, "column": e.column, "reason": e.reason}
            for e in self.errors
        ]
