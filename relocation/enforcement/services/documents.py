"""The Word documents a measure issues, numbered per department and year."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.official_layout import official_date
from relocation.core.workdays import estimate_note
from relocation.enforcement.models import (
    DocumentKind,
    EnforcementDocument,
    Measure,
    MeasureKind,
)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "documents"

DOCUMENT_FOR_KIND: dict[str, str] = {
    MeasureKind.RECTIFICATION: DocumentKind.RECTIFICATION_NOTICE,
    MeasureKind.FINE: DocumentKind.PENALTY_DECISION,
    MeasureKind.SUSPENSION: DocumentKind.SUSPENSION_DECISION,
    MeasureKind.SEALING: DocumentKind.SEIZURE_DECISION,
    MeasureKind.BAN: DocumentKind.BAN_DECISION,
    MeasureKind.UTILITY_CUT: DocumentKind.UTILITY_CUT_REQUEST,
}
# The short word of each document in its number, e.g. 东环责改〔2026〕3号.
DOCUMENT_WORD: dict[str, str] = {
    DocumentKind.RECTIFICATION_NOTICE: "责改",
    DocumentKind.PENALTY_DECISION: "罚决",
    DocumentKind.SUSPENSION_DECISION: "停决",
    DocumentKind.SEIZURE_DECISION: "查扣",
    DocumentKind.BAN_DECISION: "取缔",
    DocumentKind.UTILITY_CUT_REQUEST: "停供函",
}


def _supply_units(programme_id: int) -> str:
    """The addressees of a supply-cut letter: the programme's water and power
    supply units by name (one unit supplying both is named once)."""
    from relocation.organisation.functions import UnitFunction
    from relocation.organisation.selectors import unit_with_function

    names: list[str] = []
    for function in (UnitFunction.WATER_SUPPLY, UnitFunction.POWER_SUPPLY):
        unit = unit_with_function(programme_id, function)
        label = unit.name if unit is not None else str(UnitFunction(function).label)
        if label not in names:
            names.append(label)
    return "、".join(names)


def _document_issue(*, actor: Any, measure: Measure) -> EnforcementDocument:
    """Render the measure's Word document from its template (HQ may override
    it in core's document templates) and number it per department and year."""
    from relocation.core.documents import next_document_number, render_docx

    kind = DOCUMENT_FOR_KIND[measure.kind]
    unit = measure.team.lead_unit
    year = timezone.localdate().year
    prefix = f"{unit.short_name or unit.name}{DOCUMENT_WORD[kind]}"
    _n, number = next_document_number(prefix, year)
    violation = measure.violation
    context = {
        "number": number,
        "title": str(DocumentKind(kind).label),
        "unit": unit.name,
        "enterprise": measure.enterprise.name,
        "credit_code": measure.enterprise.credit_code,
        "address": measure.enterprise.address,
        "found_on": violation.found_on.isoformat(),
        "facts": violation.description,
        "legal_basis": str(violation.legal_basis) if violation.legal_basis_id else "",
        "measure": measure.get_kind_display(),
        "content": measure.content,
        "deadline": (measure.deadline.isoformat() + estimate_note(measure.deadline, timezone.localdate()))
        if measure.deadline
        else "",
        "workdays": measure.workdays or "",
        "amount": f"{measure.amount:,.2f}" if measure.amount is not None else "",
        "date": official_date(timezone.localdate()),
    }
    if kind == DocumentKind.UTILITY_CUT_REQUEST:
        context["utilities"] = _supply_units(measure.programme_id)
    content = render_docx(f"enforcement.{kind}", TEMPLATE_DIR / f"{kind}.docx", context)
    document = EnforcementDocument.objects.create(
        programme_id=measure.programme_id,
        measure=measure,
        enterprise_id=measure.enterprise_id,
        kind=kind,
        number=number,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="enforcement.document_issued",
        obj=document,
        enterprise_id=measure.enterprise_id,
        summary=_("制发%(k)s：%(n)s") % {"k": document.get_kind_display(), "n": number},
        changes={"sha256": [None, document.sha256]},
    )
    return document
