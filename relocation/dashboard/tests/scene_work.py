"""The plan's other work around one enterprise, written straight to the
tables (the layers read; how each row came to be is the apps' own tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone


def add_work(programme: Any, units: dict[str, Any], enterprise: Any, n: int = 1) -> None:
    """One of each: an unpaid labour case, an overdue public report, a site
    under investigation, a high stability risk, an open incident and opinion
    event, a detector alert and a toxic-chemical alert."""
    from relocation.monitoring.models import Alert
    from relocation.portal.models import Inquiry
    from relocation.remediation.models import Site
    from relocation.stability.models import Incident, OpinionEvent, RiskAssessment
    from relocation.workers.models import LabourCase

    now = timezone.now()
    LabourCase.objects.create(
        programme=programme,
        enterprise=enterprise,
        kind="wage_arrears",
        status="verified",
        summary="欠薪",
        reported_on=timezone.localdate(),
        total_owed=Decimal("2900"),
        total_paid=Decimal("900"),
    )
    Inquiry.objects.create(
        programme=programme,
        number=f"GZ-{enterprise.pk}-{n}",
        code_digest="x",
        channel="public",
        kind="pollution",
        subject="夜间排污",
        text="夜间排污",
        enterprise=enterprise,
        status="assigned",
        unit=units["humen"],
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    Site.objects.create(
        programme=programme,
        code=f"DK-{enterprise.pk}",
        name="原厂区地块",
        enterprise=enterprise,
        territorial_unit=units["humen"],
        stage="detailed",
    )
    RiskAssessment.objects.create(
        enterprise=enterprise, level="high", responsible_unit=units["humen"], review_on=timezone.localdate()
    )
    Incident.objects.create(
        programme=programme,
        kind="petition",
        title="工人聚集",
        occurred_at=now,
        place="厂门口",
        enterprise=enterprise,
        description="聚集",
        lead_unit=units["humen"],
    )
    OpinionEvent.objects.create(
        programme=programme,
        source="online",
        title="网传偷排",
        first_seen_at=now,
        enterprise=enterprise,
        owner_unit=units["humen"],
        response_due_at=now - dt.timedelta(hours=1),
    )
    for kind in ("stopped_consuming", "toxic_discrepancy"):
        Alert.objects.create(
            enterprise=enterprise, kind=kind, status="open", dedupe_key=f"{kind}-{enterprise.pk}", title="预警"
        )
