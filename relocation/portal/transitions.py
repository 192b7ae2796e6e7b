"""Allowed status moves of an inquiry. A follow-up moves an answered or closed
item back to its unit (reopen); rejection is final."""

from relocation.portal.models import InquiryStatus as S

INQUIRY: dict[str, set[str]] = {
    S.RECEIVED: {S.ASSIGNED, S.REJECTED},
    S.ASSIGNED: {S.ANSWERED, S.REJECTED},
    S.ANSWERED: {S.CLOSED, S.ASSIGNED},
    S.CLOSED: {S.ASSIGNED},
    S.REJECTED: set(),
}
# Items still owed an answer, by HQ (triage) or by the unit: the clock runs from
# arrival, so the overdue flag applies to both.
ON_THE_CLOCK: frozenset[str] = frozenset({S.RECEIVED, S.ASSIGNED})
# Items not yet finished, for the inbox's default view.
OPEN: frozenset[str] = frozenset({S.RECEIVED, S.ASSIGNED, S.ANSWERED})
