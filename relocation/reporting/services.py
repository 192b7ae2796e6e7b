"""Writes on the monthly bulletin: compile, edit a section, issue, record a read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role, is_hq_editor
from relocation.meetings import official
from relocation.meetings import sources as meeting_sources
from relocation.organisation.models import Programme, Unit
from relocation.organisation.selectors import people_in_roles
from relocation.reporting import compilation, transitions
from relocation.reporting.models import (
    Bulletin,
    BulletinReceipt,
    BulletinRecipient,
    BulletinSection,
    BulletinStatus,
    BulletinStatusChange,
    RecipientKind,
)

BULLETIN_TEMPLATE_CODE = "reporting.bulletin"
# 发文字号 prefix: part of the number, so never translated.
BULLETIN_PREFIX = "搬迁通报"


def _require_hq(actor: Any) -> None:
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有现场指挥部可以编制和印发月度通报。"))


def bulletin_compile(*, actor: Any, programme: Programme, year: int, month: int) -> Bulletin:
    """Compile (or compile again) the month's bulletin from the figures.

    Creates the draft if needed (one per month, a database constraint), stores
    fresh figures, and rewrites only the sections HQ has not edited. An issued
    bulletin is never recompiled."""
    _require_hq(actor)
    if not 1 <= month <= 12:
        raise ServiceError(_("月份无效。"), code="month")
    figures = compilation.compile_figures(programme, year, month)
    # The bulletin is an official document: its text is Chinese whoever compiles it.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                bulletin, created = Bulletin.objects.get_or_create(
                    programme=programme,
                    year=year,
                    month=month,
                    defaults={"title": _("关于%(y)s年%(m)s月关停搬迁工作进展情况的通报") % {"y": year, "m": month}},
                )
        except IntegrityError:  # the job and the button at the same moment
            bulletin, created = Bulletin.objects.get(programme=programme, year=year, month=month), False
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if bulletin.status == BulletinStatus.ISSUED:
            raise ServiceError(_("该月通报已印发，不能重新汇编。"))
        existing = {s.key: s for s in bulletin.sections.all()}
        heads = compilation.headings()
        for order, key in enumerate(compilation.SECTION_KEYS):
            section = existing.get(key)
            if section is None:
                BulletinSection.objects.create(
                    bulletin=bulletin,
                    key=key,
                    order=order,
                    heading=heads[key],
                    text=compilation.default_text(key, figures),
                )
            elif not section.edited:
                # A section added since (workers and stability) renumbers the later headings.
                section.text, section.order, section.heading = compilation.default_text(key, figures), order, heads[key]
                section.save(update_fields=["text", "order", "heading", "updated_at"])
            elif section.order != order:
                section.order = order
                section.save(update_fields=["order", "updated_at"])
        bulletin.figures = figures
        bulletin.compiled_at = timezone.now()
        bulletin.version += 1
        bulletin.save(update_fields=["figures", "compiled_at", "version", "updated_at"])
        if created:
            BulletinStatusChange.objects.create(
                bulletin=bulletin, to_status=BulletinStatus.DRAFT, actor=_user(actor), at=timezone.now()
            )
        audit.record(
            actor=actor,
            action="bulletin.compiled",
            obj=bulletin,
            summary=_("汇编月度通报：%(title)s") % {"title": bulletin.title},
            changes={
                "figures": [
                    None,
                    {"enterprises": figures["enterprises"]["total"], "tasks_due": figures["tasks"]["due"]},
                ]
            },
        )
    return bulletin


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def first_workday_of_month(day: dt.date) -> dt.date:
    return meeting_sources.nth_workday_of_month(day.year, day.month, 1)


def compile_due_bulletins(*, today: dt.date | None = None) -> list[Bulletin]:
    """The job's work: on the first working day of a month, compile last
    month's bulletin for every active programme (once: an existing bulletin is
    left as HQ has it)."""
    today = today or timezone.localdate()
    if today != first_workday_of_month(today):
        return []
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    result = []
    for programme in Programme.objects.filter(is_active=True):
        if Bulletin.objects.filter(programme=programme, year=last_month.year, month=last_month.month).exists():
            continue
        bulletin = bulletin_compile(actor=None, programme=programme, year=last_month.year, month=last_month.month)
        result.append(bulletin)
        notify(
            recipients=people_in_roles(programme, Role.HQ_COMMANDER, Role.HQ_STAFF),
            verb="bulletin.compiled",
            title=_("月度通报已自动汇编：%(title)s") % {"title": bulletin.title},
            body=_("请审核修改后印发。"),
            url=f"/reporting/bulletins/{bulletin.pk}/",
            dedupe_key=f"bulletin.compiled:{bulletin.pk}",
        )
    return result


def section_update(*, actor: Any, section: BulletinSection, text: str, expected_version: int) -> BulletinSection:
    """HQ edits a section's text (the figures stay as compiled). Refuses an
    edit based on an older version of the section (someone saved it meanwhile)."""
    _require_hq(actor)
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=section.bulletin_id)
        if bulletin.status != BulletinStatus.DRAFT:
            raise ServiceError(_("通报已印发，不能再修改。"))
        before = section.text
        section.text = text.strip()
        section.edited = True
        workflow.save_if_unchanged(section, expected_version=expected_version, fields=["text", "edited"])
        audit.record(
            actor=actor,
            action="bulletin.section_edited",
            obj=bulletin,
            summary=_("修改月度通报“%(heading)s”") % {"heading": section.heading},
            changes={section.key: [before, section.text]},
        )
        section.bulletin = bulletin
    return section


def bulletin_issue(*, actor: Any, bulletin: Bulletin) -> Bulletin:
    """Number the bulletin, render it as Word and PDF (GB/T 9704-2012, CJK fonts
    embedded), freeze it, and send it to the member units' leaders and liaisons
    with the city leaders (group leaders) in copy. Once only."""
    _require_hq(actor)
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().select_related("programme").get(pk=bulletin.pk)
        if bulletin.status != BulletinStatus.DRAFT:
            raise ServiceError(_("通报已印发。"))
        today = timezone.localdate()
        _n, number = official.next_number(
            getattr(settings, "REPORTING_BULLETIN_PREFIX", "") or BULLETIN_PREFIX,
            today.year,
        )
        sections = list(bulletin.sections.all())
        doc = compilation.document(bulletin, sections, number=number, issued_on=today)
        docx = official.render_word(doc, template_code=BULLETIN_TEMPLATE_CODE)
        pdf = official.render_pdf(doc)
        now = timezone.now()
        previous = workflow.move(
            bulletin,
            field="status",
            target=BulletinStatus.ISSUED,
            allowed=transitions.BULLETIN,
            labels=BulletinStatus,
            extra={"document_number": number, "issued_at": now, "issued_by": _user(actor), "docx": docx, "pdf": pdf},
        )
        BulletinStatusChange.objects.create(
            bulletin=bulletin, from_status=previous, to_status=BulletinStatus.ISSUED, actor=_user(actor), at=now
        )
        main = list(
            people_in_roles(bulletin.programme, Role.UNIT_LEADER, Role.UNIT_LIAISON).exclude(
                unit__kind=Unit.Kind.HEADQUARTERS
            )
        )
        copy = list(people_in_roles(bulletin.programme, Role.GROUP_LEADER))
        BulletinRecipient.objects.bulk_create(
            [
                BulletinRecipient(bulletin=bulletin, user=u, unit_id=u.unit_id, kind=RecipientKind.MAIN, sent_at=now)
                for u in main
            ]
            + [
                BulletinRecipient(bulletin=bulletin, user=u, unit_id=u.unit_id, kind=RecipientKind.COPY, sent_at=now)
                for u in copy
            ],
            ignore_conflicts=True,
        )
        audit.record(
            actor=actor,
            action="bulletin.issued",
            obj=bulletin,
            summary=_("印发月度通报：%(number)s %(title)s") % {"number": number, "title": bulletin.title},
            changes={"status": [previous, BulletinStatus.ISSUED], "document_number": [None, number]},
        )
        notify(
            recipients=main + copy,
            verb="bulletin.issued",
            title=_("月度通报：%(title)s") % {"title": bulletin.title},
            body=number,
            url=f"/reporting/bulletins/{bulletin.pk}/",
            dedupe_key=f"bulletin.issued:{bulletin.pk}",
        )
    return bulletin


def receipt_record(*, user: Any, bulletin: Bulletin) -> BulletinReceipt | None:
    """Note the first time a user opens an issued bulletin (later opens change
    nothing). The receipt row is itself the record, so no audit event: reading
    must not grow the audit chain."""
    if bulletin.status != BulletinStatus.ISSUED or not getattr(user, "is_authenticated", False):
        return None
    receipt = BulletinReceipt.objects.filter(bulletin=bulletin, user=user).first()
    if receipt is not None:
        return receipt
    try:
        with transaction.atomic():
            return BulletinReceipt.objects.create(bulletin=bulletin, user=user, opened_at=timezone.now())
    except IntegrityError:  # opened twice at the same moment
        return BulletinReceipt.objects.get(bulletin=bulletin, user=user)
