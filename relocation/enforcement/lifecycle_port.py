"""The one place enforcement asks the relocation lifecycle (enterprises, a
lower floor) to start a forced closure of a repeat offender.

`relocation.enterprises.lifecycle.forced_closure_start` lands later; until it
exists, the port only marks the enterprise as a repeat offender so that the
proposal is visible on the ledger and nothing is lost.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit


def _lifecycle_start():
    try:
        module = importlib.import_module("relocation.enterprises.lifecycle")
    except ImportError:
        return None
    return getattr(module, "forced_closure_start", None)


def propose_forced_closure(*, actor: Any, enterprise: Any, reason: str, decision_object: Any = None) -> str:
    """Mark the enterprise a repeat offender and propose forced closure.
    Returns "lifecycle" if the lifecycle took the proposal, "flagged" if only
    the repeat-offender flag could be set (lifecycle not there yet)."""
    mark_repeat_offender(actor=actor, enterprise=enterprise, reason=reason)
    start = _lifecycle_start()
    if start is None:
        return "flagged"
    # The proposal is the programme's rule acting, not the inspector who
    # recorded the last violation: the lifecycle accepts the system (None).
    start(actor=None, enterprise=enterprise, reason=reason, decision_ref="", decision_object=decision_object)
    return "lifecycle"


def mark_repeat_offender(*, actor: Any, enterprise: Any, reason: str) -> None:
    """Set Enterprise.is_repeat_offender through the ledger's services when
    they offer it; otherwise a guarded one-column update with its audit row."""
    from relocation.enterprises import services

    marker = getattr(services, "enterprise_mark_repeat_offender", None)
    if marker is not None:
        marker(actor=actor, enterprise=enterprise, reason=reason)
        return
    from relocation.enterprises.models import Enterprise

    with transaction.atomic():
        updated = Enterprise.objects.filter(pk=enterprise.pk, is_repeat_offender=False).update(is_repeat_offender=True)
        if updated:
            audit.record(
                actor=actor,
                action="enterprise.repeat_offender_marked",
                obj=enterprise,
                enterprise_id=enterprise.pk,
                summary=_("列为屡禁不止企业，建议强制关停：%(reason)s") % {"reason": reason},
                changes={"is_repeat_offender": [False, True]},
            )
    enterprise.is_repeat_offender = True
