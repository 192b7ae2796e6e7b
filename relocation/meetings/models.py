"""Coordination meetings (定期会商): the monthly meeting and extra meetings,
their agenda, attendance, minutes and decisions (each of which becomes a task)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.models import TimeStampedModel
from relocation.organisation.models import Programme, Unit


class MeetingKind(models.TextChoices):
    MONTHLY = "monthly", _("月度会商")
    EXTRA = "extra", _("专题会商")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")  # on the calendar; agenda and attendance being prepared
    HELD = "held", _("已召开")  # took place; minutes being drafted
    MINUTES_ISSUED = "minutes_issued", _("纪要已印发")  # minutes numbered and sent; final
    CANCELLED = "cancelled", _("已取消")  # will not take place; final


class Meeting(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("项目"))
    kind = models.CharField(_("类型"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.MONTHLY)
    title = models.CharField(_("会议名称"), max_length=200)
    # The month a monthly meeting belongs to (first day); empty for extra meetings.
    period = models.DateField(_("所属月份"), null=True, blank=True)
    scheduled_at = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="convened_meetings",
        verbose_name=_("召集人"),
    )
    chaired_by = models.CharField(_("主持人"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    minutes = models.TextField(_("会议纪要"), blank=True)  # sanitised rich text (meetings.richtext)
    minutes_number = models.CharField(_("纪要文号"), max_length=64, blank=True)
    minutes_issued_at = models.DateTimeField(_("纪要印发时间"), null=True, blank=True)
    minutes_docx = models.BinaryField(_("纪要 Word 文件"), null=True, blank=True, editable=False)
    minutes_pdf = models.BinaryField(_("纪要 PDF 文件"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        verbose_name = _("会商会议")
        verbose_name_plural = _("会商会议")
        constraints = [
            # One monthly meeting per month: the scheduling job can run any number of times.
            models.UniqueConstraint(
                fields=["programme", "period"], condition=models.Q(kind="monthly"), name="meeting_monthly_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="monthly") | models.Q(period__isnull=False), name="meeting_monthly_has_period"
            ),
        ]
        indexes = [
            # The meetings page: a programme's meetings, newest first; "the next meeting".
            models.Index(fields=["programme", "scheduled_at"], name="meeting_prog_when"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in {MeetingStatus.SCHEDULED, MeetingStatus.HELD}


class MeetingStatusChange(models.Model):
    """History of a meeting's status (and of its moves to another time)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("会议状态记录")
        verbose_name_plural = _("会议状态记录")

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.from_status} → {self.to_status}"

    @property
    def to_label(self) -> str:
        if self.from_status == self.to_status:
            from django.utils.translation import gettext

            return gettext("调整时间")
        return str(MeetingStatus(self.to_status).label) if self.to_status in MeetingStatus.values else self.to_status


class AgendaSource(models.TextChoices):
    FOLLOW_UP = "follow_up", _("上次决定事项跟进")
    UNIT_REPORT = "unit_report", _("成员单位报送的协调问题")
    REQUEST = "request", _("专题会商申请")
    HQ = "hq", _("指挥部议题")


class AgendaItem(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("会议"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    source = models.CharField(_("来源"), max_length=16, choices=AgendaSource.choices, default=AgendaSource.HQ)
    title = models.CharField(_("议题"), max_length=300)
    description = models.TextField(_("说明"), blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items", verbose_name=_("提出单位")
    )
    # What the item came from (a report's problem, a request), so assembling twice adds nothing.
    source_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "source_ref"], condition=~models.Q(source_ref=""), name="agenda_item_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    DEPUTY = "deputy", _("委托出席")
    ABSENT = "absent", _("缺席")


class Attendance(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("会议"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="meeting_attendance", verbose_name=_("单位"))
    attendee = models.CharField(_("参会人"), max_length=100, blank=True)
    status = models.CharField(_("出席情况"), max_length=16, choices=AttendanceStatus.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "unit__order", "unit__code"]
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        constraints = [models.UniqueConstraint(fields=["meeting", "unit"], name="attendance_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_status_display()}"


class Decision(TimeStampedModel):
    """A decision (议定事项) of a meeting; `decision_make_task` turns it into a task."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("会议"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    text = models.TextField(_("议定事项"))
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="lead_decisions", verbose_name=_("牵头单位")
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_decisions", verbose_name=_("配合单位"))
    deadline = models.DateField(_("完成时限"))
    task = models.OneToOneField(
        "supervision.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_decision",
        verbose_name=_("对应任务"),
    )

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")

    def __str__(self) -> str:
        return self.text[:60]


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待受理")
    ACCEPTED = "accepted", _("已安排会商")
    DECLINED = "declined", _("不予安排")


class MeetingRequest(TimeStampedModel):
    """A unit's request for an extra meeting about an urgent problem (专题会商申请)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="meeting_requests", verbose_name=_("项目")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="meeting_requests", verbose_name=_("申请单位")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_requests", verbose_name=_("申请人")
    )
    problem = models.CharField(_("紧急问题"), max_length=300)
    details = models.TextField(_("情况说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests", verbose_name=_("会商会议")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reply = models.CharField(_("答复"), max_length=300, blank=True)
    # The urgent problem of a unit report this request was raised from (empty when typed in).
    source_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("专题会商申请")
        verbose_name_plural = _("专题会商申请")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="meeting_request_once_per_problem",
            )
        ]
        indexes = [
            # HQ's queue of pending requests.
            models.Index(fields=["programme", "status", "-created_at"], name="meeting_request_queue"),
        ]

    def __str__(self) -> str:
        return self.problem
