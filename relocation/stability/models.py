"""Stability work (维稳) during the shutdown: the risk register per enterprise
(风险研判), incidents (维稳事件, safety and environmental events), the
emergency plan (维稳应急预案) with its versions and drills, and public-opinion
events (舆情). Every status change keeps a history row."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relocation.core.models import StoredFile, TimeStampedModel
from relocation.organisation.models import Programme, Unit


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class RiskFactor(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("拖欠工资")
    DEPOSIT_DISPUTE = "deposit_dispute", _("押金纠纷")
    LEASE_DISPUTE = "lease_dispute", _("租赁纠纷")
    COMPENSATION = "compensation", _("补偿诉求")
    CROSS_STRAIT_CAPITAL = "cross_strait_capital", _("台港澳资背景")
    MASS_LAYOFF = "mass_layoff", _("集中裁员")
    OTHER = "other", _("其他")


class RiskAssessment(TimeStampedModel):
    """The stability risk of one enterprise (风险研判): one row per enterprise,
    its level's changes kept in RiskLevelChange."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="stability_risk", verbose_name=_("企业")
    )
    level = models.CharField(_("风险等级"), max_length=16, choices=RiskLevel.choices, default=RiskLevel.LOW)
    factors = models.JSONField(_("风险因素"), default=list, blank=True)
    notes = models.TextField(_("研判情况"), blank=True)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="stability_risks", verbose_name=_("责任单位")
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_stability_risks", verbose_name=_("配合单位"))
    review_on = models.DateField(_("下次研判日期"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["review_on", "id"]
        verbose_name = _("稳定风险研判")
        verbose_name_plural = _("稳定风险研判")
        indexes = [
            # The register filtered by level (HQ's high-risk list), soonest review first.
            models.Index(fields=["level", "review_on"], name="risk_level_review"),
            models.Index(fields=["responsible_unit", "review_on"], name="risk_unit_review"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.get_level_display()}"

    def factor_labels(self) -> list[str]:
        labels = dict(RiskFactor.choices)
        return [str(labels.get(f, f)) for f in self.factors]


class RiskLevelChange(models.Model):
    """History of a risk level: who raised or lowered it, when and why."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="level_changes")
    from_level = models.CharField(max_length=16, blank=True)
    to_level = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("风险等级变更")
        verbose_name_plural = _("风险等级变更")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.from_level} → {self.to_level}"

    @property
    def from_label(self) -> str:
        return str(RiskLevel(self.from_level).label) if self.from_level in RiskLevel.values else ""

    @property
    def to_label(self) -> str:
        return str(RiskLevel(self.to_level).label) if self.to_level in RiskLevel.values else self.to_level


class IncidentKind(models.TextChoices):
    PETITION = "petition", _("聚集上访")
    LABOUR_DISPUTE = "labour_dispute", _("劳资纠纷")
    SAFETY_ACCIDENT = "safety_accident", _("安全生产事故")
    ENVIRONMENTAL = "environmental", _("环境事件")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    LARGER = "larger", _("较大")
    MAJOR = "major", _("重大")
    EXTRAORDINARY = "extraordinary", _("特别重大")


# Severities that HQ's commanders must know of at once (重特大).
SERIOUS = frozenset({Severity.MAJOR, Severity.EXTRAORDINARY})


class IncidentReportRule(TimeStampedModel):
    """How many hours after it occurred an incident of a severity must have its
    first report (首报: the lead unit takes it in hand and reports what it
    found): 特别重大 and 重大 1 hour, 较大 2 … Data, so HQ changes them without
    a release; clock hours, like opinion deadlines."""

    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices, unique=True)
    hours = models.PositiveIntegerField(_("报告时限（小时）"))

    class Meta:
        ordering = ["hours", "severity"]
        verbose_name = _("事件报告时限")
        verbose_name_plural = _("事件报告时限")
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="incident_rule_hours_positive")]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.hours}h"


def _clock(state: str, minutes: int, due: Any) -> dict[str, Any]:
    return {"state": state, "minutes": minutes, "hours": minutes // 60, "mins": minutes % 60, "due": due}


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("已报告")  # recorded; nobody on it yet
    RESPONDING = "responding", _("处置中")  # the lead unit is on site / handling it
    RESOLVED = "resolved", _("已化解")  # settled; final
    ESCALATED = "escalated", _("已上报市里")  # beyond the zone's means, reported to the city; final


class Incident(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("项目"))
    kind = models.CharField(_("事件类型"), max_length=32, choices=IncidentKind.choices)
    title = models.CharField(_("事件名称"), max_length=200)
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("发生地点"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stability_incidents",
        verbose_name=_("涉及企业"),
    )
    people_count = models.PositiveIntegerField(_("涉及人数"), default=0)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices, default=Severity.GENERAL)
    description = models.TextField(_("事件经过"))
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="lead_incidents", verbose_name=_("处置牵头单位")
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_incidents", verbose_name=_("配合单位"))
    status = models.CharField(_("状态"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED)
    # Occurred + the severity's hours (IncidentReportRule); recomputed when the severity changes.
    report_due_at = models.DateTimeField(_("首报时限"), null=True, blank=True)
    # When the lead unit took it in hand with its first report (reported → responding).
    first_report_at = models.DateTimeField(_("首报时间"), null=True, blank=True)
    # The resolution or the reason for reporting it to the city.
    outcome = models.TextField(_("处置结果"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("维稳事件")
        verbose_name_plural = _("维稳事件")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["reported", "responding", "resolved", "escalated"]),
                name="incident_status_valid",
            )
        ]
        indexes = [
            # The incident list: a programme's incidents by status, newest first.
            models.Index(fields=["programme", "status", "-occurred_at"], name="incident_prog_status"),
            # A unit's own incidents.
            models.Index(fields=["lead_unit", "-occurred_at"], name="incident_lead_unit"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_serious(self) -> bool:
        return self.severity in SERIOUS

    @property
    def is_open(self) -> bool:
        return self.status in {IncidentStatus.REPORTED, IncidentStatus.RESPONDING}

    def report_clock(self, now: Any = None) -> dict[str, Any] | None:
        """The first-report stage clock: `state` is waiting (time left),
        overdue (no first report past the limit), on_time or late, with the
        minutes left, over or taken."""
        if self.report_due_at is None:
            return None
        now = now or timezone.now()
        if self.first_report_at is None:
            if self.status not in {IncidentStatus.REPORTED}:
                return None
            left = int((self.report_due_at - now).total_seconds() // 60)
            return _clock("waiting" if left >= 0 else "overdue", abs(left), self.report_due_at)
        late = self.first_report_at > self.report_due_at
        taken = int((self.first_report_at - self.occurred_at).total_seconds() // 60)
        return _clock("late" if late else "on_time", max(taken, 0), self.report_due_at)


class StatusChange(models.Model):
    """One row of a record's status history. Incidents and opinion events keep
    the same history; the base is abstract, so each still has its own table
    and nothing in the schema changes. A subclass adds the foreign key to its
    record (named by `record_field`) and the choices its statuses come from."""

    record_field: str
    statuses: type[models.TextChoices]

    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{getattr(self, self.record_field + '_id')}: {self.from_status} → {self.to_status}"

    @property
    def to_label(self) -> str:
        return str(self.statuses(self.to_status).label)


class IncidentStatusChange(StatusChange):
    record_field = "incident"
    statuses = IncidentStatus

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("事件状态记录")
        verbose_name_plural = _("事件状态记录")


class IncidentAction(TimeStampedModel):
    """A follow-up action (后续措施) of an incident: a unit, a due date, and the
    supervision task it became, so HQ chases it like any other task."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions", verbose_name=_("事件"))
    text = models.CharField(_("后续措施"), max_length=300)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="incident_actions", verbose_name=_("责任单位")
    )
    due_on = models.DateField(_("完成时限"))
    task = models.OneToOneField(
        "supervision.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_action",
        verbose_name=_("对应任务"),
    )

    class Meta:
        ordering = ["incident", "due_on", "id"]
        verbose_name = _("后续措施")
        verbose_name_plural = _("后续措施")

    def __str__(self) -> str:
        return self.text


class IncidentEvidence(TimeStampedModel):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("事件"))
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("文件"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["incident", "created_at", "id"]
        verbose_name = _("事件证据")
        verbose_name_plural = _("事件证据")

    def __str__(self) -> str:
        return self.note or self.file.original_name


class EmergencyPlan(TimeStampedModel):
    """A stability / emergency plan (维稳应急预案). Its text lives in versions;
    the plan in force is the latest approved version."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="emergency_plans", verbose_name=_("项目")
    )
    title = models.CharField(_("预案名称"), max_length=200)
    scope = models.TextField(_("适用范围"))
    responsible_units = models.ManyToManyField(Unit, related_name="emergency_plans", verbose_name=_("责任单位"))
    # One line per role: "现场处置组：属地镇（分管副镇长）" — who is called on, by role not by name.
    contact_roles = models.TextField(_("联络角色"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("维稳应急预案")
        verbose_name_plural = _("维稳应急预案")

    def __str__(self) -> str:
        return self.title

    def contact_lines(self) -> list[str]:
        return [line.strip() for line in self.contact_roles.splitlines() if line.strip()]


class PlanVersionStatus(models.TextChoices):
    DRAFT = "draft", _("待审批")
    APPROVED = "approved", _("已批准")


class PlanVersion(TimeStampedModel):
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("预案"))
    number = models.PositiveIntegerField(_("版本号"))
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("预案文件"))
    changes = models.CharField(_("修订说明"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=PlanVersionStatus.choices, default=PlanVersionStatus.DRAFT
    )
    approved_by = models.CharField(_("批准机关"), max_length=100, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("预案版本")
        verbose_name_plural = _("预案版本")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_on__isnull=False),
                name="plan_version_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class Drill(TimeStampedModel):
    """An exercise of the plan (演练) and what it showed."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="drills", verbose_name=_("预案"))
    plan_version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="drills", verbose_name=_("所用版本")
    )
    held_on = models.DateField(_("演练日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    participants = models.CharField(_("参演单位和人数"), max_length=300, blank=True)
    findings = models.TextField(_("发现的问题和改进措施"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-held_on", "-id"]
        verbose_name = _("预案演练")
        verbose_name_plural = _("预案演练")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.held_on}"


class OpinionSource(models.TextChoices):
    MEDIA = "media", _("媒体")
    ONLINE = "online", _("网络平台")
    HOTLINE = "hotline", _("热线")


class OpinionLevel(models.TextChoices):
    GENERAL = "general", _("一般")
    LARGER = "larger", _("较大")
    MAJOR = "major", _("重大")


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("负面")
    NEUTRAL = "neutral", _("中性")
    POSITIVE = "positive", _("正面")


class OpinionStatus(models.TextChoices):
    DETECTED = "detected", _("已发现")  # spotted by monitoring; not checked yet
    VERIFYING = "verifying", _("核实中")  # the owner unit checks the facts
    RESPONDING = "responding", _("处置中")  # a response is being prepared / published
    CLOSED = "closed", _("已办结")  # answered publicly (the response is kept); final


class OpinionResponseRule(TimeStampedModel):
    """How many hours after it was first seen an opinion event of a level must
    be answered (重大 2 小时, 较大 24 小时 …). Data, so the propaganda
    department's rules change without a release. Clock hours, not working days:
    public opinion does not wait for Monday."""

    level = models.CharField(_("舆情等级"), max_length=16, choices=OpinionLevel.choices, unique=True)
    hours = models.PositiveIntegerField(_("响应时限（小时）"))

    class Meta:
        ordering = ["hours"]
        verbose_name = _("舆情响应时限")
        verbose_name_plural = _("舆情响应时限")
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="opinion_rule_hours_positive")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.hours}h"


class OpinionEvent(TimeStampedModel):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="opinion_events", verbose_name=_("项目")
    )
    source = models.CharField(_("来源"), max_length=16, choices=OpinionSource.choices)
    title = models.CharField(_("舆情标题"), max_length=200)
    url = models.URLField(_("链接"), max_length=500, blank=True)
    description = models.TextField(_("内容摘要"), blank=True)
    first_seen_at = models.DateTimeField(_("首次发现时间"))
    level = models.CharField(_("舆情等级"), max_length=16, choices=OpinionLevel.choices, default=OpinionLevel.GENERAL)
    heat = models.PositiveIntegerField(_("热度（阅读/转发量）"), default=0)
    sentiment = models.CharField(_("倾向"), max_length=16, choices=Sentiment.choices, default=Sentiment.NEGATIVE)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_events",
        verbose_name=_("相关企业"),
    )
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="opinion_events", verbose_name=_("处置单位")
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_opinion_events", verbose_name=_("配合单位"))
    # First seen + the level's hours (OpinionResponseRule); recomputed when the level changes.
    response_due_at = models.DateTimeField(_("响应时限"))
    status = models.CharField(_("状态"), max_length=16, choices=OpinionStatus.choices, default=OpinionStatus.DETECTED)
    published_response = models.TextField(_("公开回应"), blank=True)
    responded_at = models.DateTimeField(_("回应时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-first_seen_at", "-id"]
        verbose_name = _("舆情事件")
        verbose_name_plural = _("舆情事件")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(published_response=""),
                name="opinion_closed_has_response",
            )
        ]
        indexes = [
            # The opinion list and its overdue flag: open events by deadline.
            models.Index(fields=["programme", "status", "response_due_at"], name="opinion_prog_status_due"),
            models.Index(fields=["owner_unit", "-first_seen_at"], name="opinion_owner_unit"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != OpinionStatus.CLOSED


class OpinionStatusChange(StatusChange):
    record_field = "event"
    statuses = OpinionStatus

    event = models.ForeignKey(OpinionEvent, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("舆情状态记录")
        verbose_name_plural = _("舆情状态记录")
