"""The files remediation keeps: the core.uploads purposes of stage evidence and
obligation documents, and the kinds of file accepted."""

from __future__ import annotations

# core.uploads purposes; their download checks are registered in apps.py.
STAGE_EVIDENCE = "remediation.stage"
OBLIGATION_FILE = "remediation.obligation"
EVIDENCE_KINDS = ("pdf", "jpeg", "png", "docx")
