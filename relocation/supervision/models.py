"""Tasks assigned to member units (督办事项), whatever created them.

A task has a generic subject (any object by type label + id) so that apps on
higher floors (enforcement follow-ups, forced closures, relocation procedures,
monitoring alerts, meeting decisions) can create tasks without this app
importing them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relocation.core.models import TimeStampedModel
from relocation.organisation.models import Programme, Unit
from relocation.supervision import task_sources


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("已交办")
    SIGNED_FOR = "signed_for", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    REPORTED_DONE = "reported_done", _("已报办结")
    VERIFIED = "verified", _("已核销")
    CANCELLED = "cancelled", _("已撤销")


class TaskSource(models.TextChoices):
    """Supervision's own task sources. Every other app registers its own in
    `task_sources` (the field's choices come from there)."""

    PLAN = "plan", _("方案任务")
    SUPERVISION = "supervision", _("督查")
    MANUAL = "manual", _("指挥部交办")


class Task(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("项目"))
    title = models.CharField(_("任务"), max_length=300)
    description = models.TextField(_("内容"), blank=True)
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="lead_tasks", verbose_name=_("牵头单位"))
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_tasks", verbose_name=_("配合单位"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_tasks",
        verbose_name=_("责任人"),
    )
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=32, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    source = models.CharField(_("来源"), max_length=32, choices=task_sources.choices, default=TaskSource.MANUAL)
    subject_type = models.CharField(_("关联对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("关联对象编号"), max_length=64, blank=True)
    enterprise_id = models.BigIntegerField(_("相关企业"), null=True, blank=True)
    # Set by jobs and other modules so that creating "the same" task twice creates one.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    # When the unit reported it done: on-time completion compares this with the deadline.
    reported_done_at = models.DateTimeField(_("报办结时间"), null=True, blank=True)
    # Whether it was reported done by the deadline; kept so scorecards aggregate without per-row date maths.
    reported_on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    signed_for_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    # Set by the warning job; lists compute the level from the deadline.
    warning_level = models.CharField(_("预警"), max_length=16, default="none")
    red_since = models.DateField(_("红色预警起始"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="task_dedupe_key_unique"
            )
        ]
        indexes = [
            # A unit's open tasks by deadline (the unit task list); the programme and
            # the on-time flag ride along so the league table counts from the index
            # alone (at 100k tasks, fetching each row cost ten times the count).
            models.Index(
                fields=["lead_unit", "status", "deadline", "programme", "reported_on_time"],
                name="task_unit_status_due_cover",
            ),
            # HQ's overdue scan: open tasks by deadline.
            models.Index(fields=["status", "deadline"], name="task_status_deadline"),
            # Tasks about one object (an order, a procedure, an alert).
            models.Index(fields=["subject_type", "subject_id"], name="task_subject"),
            models.Index(fields=["enterprise_id"], name="task_enterprise"),
        ]

    def __str__(self) -> str:
        return self.title


class WarningLevel(models.TextChoices):
    NONE = "none", _("正常")
    YELLOW = "yellow", _("黄色预警")
    RED = "red", _("红色预警")


class SupervisionSettings(TimeStampedModel):
    """Per-programme knobs of the supervision mechanisms, editable by HQ."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="supervision_settings", verbose_name=_("项目")
    )
    yellow_workdays = models.PositiveSmallIntegerField(_("临期预警（工作日）"), default=3)
    escalate_commander_workdays = models.PositiveSmallIntegerField(_("红色预警几个工作日后报总指挥"), default=3)
    escalate_group_workdays = models.PositiveSmallIntegerField(_("红色预警几个工作日后报协调小组"), default=10)
    report_period_days = models.PositiveSmallIntegerField(_("信息报送周期（天）"), default=14)
    report_anchor = models.DateField(_("首个报送周期起始日"), null=True, blank=True)
    report_due_workdays = models.PositiveSmallIntegerField(_("周期结束后几个工作日内报送"), default=2)
    report_remind_workdays = models.PositiveSmallIntegerField(_("截止前几个工作日提醒"), default=2)
    notice_issuer = models.CharField(_("督办单发文机关"), max_length=100, default="搬迁协调工作小组现场指挥部")
    # Filled from the programme's HQ unit when the settings are first created (services.settings_for).
    notice_prefix = models.CharField(_("督办单文号前缀"), max_length=40, default="")

    class Meta:
        ordering = ["programme"]
        verbose_name = _("督办设置")
        verbose_name_plural = _("督办设置")
        constraints = [
            models.CheckConstraint(condition=models.Q(report_period_days__gte=1), name="report_period_positive"),
            models.CheckConstraint(
                condition=models.Q(escalate_group_workdays__gte=models.F("escalate_commander_workdays")),
                name="escalation_steps_ordered",
                violation_error_message=_("报协调小组的天数不能少于报总指挥的天数。"),
            ),
        ]

    def __str__(self) -> str:
        return str(self.programme)


class TaskStage(models.Model):
    """One stretch of a task in one status, with who held it: the stage clocks
    and the task's status history at once. The open stretch has no `ended_at`."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="stages", verbose_name=_("任务"))
    status = models.CharField(_("阶段"), max_length=32, choices=TaskStatus.choices)
    from_status = models.CharField(_("原状态"), max_length=32, blank=True)
    holder_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("责任人"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["task", "started_at", "id"]
        verbose_name = _("任务阶段")
        verbose_name_plural = _("任务阶段")
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(ended_at__isnull=True), name="one_open_stage_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.status}"


class TaskUpdate(TimeStampedModel):
    """A message in a task's progress thread (a unit's report, HQ's remark)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates", verbose_name=_("任务"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("填报人")
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("类型"), max_length=32, default="progress")
    body = models.TextField(_("内容"))

    class Meta:
        ordering = ["task", "created_at", "id"]
        verbose_name = _("进展")
        verbose_name_plural = _("进展")

    def __str__(self) -> str:
        return self.body[:40]


class SupervisionNotice(TimeStampedModel):
    """督办单: a numbered formal notice to the lead unit of a red task."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="notices", verbose_name=_("任务"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="supervision_notices", verbose_name=_("单位"))
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=64)
    # The deadline the notice was issued against: one notice per task and deadline.
    deadline = models.DateField(_("完成时限"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    document = models.BinaryField(_("文书"), editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        constraints = [
            models.UniqueConstraint(fields=["task", "deadline"], name="notice_once_per_task_deadline"),
            models.UniqueConstraint(fields=["number"], name="notice_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class Escalation(TimeStampedModel):
    """A red task reported upward (to the commander, then to the group): once per level and deadline."""

    class Level(models.IntegerChoices):
        COMMANDER = 1, _("报总指挥")
        GROUP = 2, _("报协调小组")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("任务"))
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    deadline = models.DateField(_("完成时限"))

    class Meta:
        ordering = ["task", "level"]
        verbose_name = _("升级督办")
        verbose_name_plural = _("升级督办")
        constraints = [models.UniqueConstraint(fields=["task", "level", "deadline"], name="escalation_once_per_level")]

    def __str__(self) -> str:
        return f"{self.task_id} L{self.level}"


class MonthlyReview(TimeStampedModel):
    """The monthly supervision checklist: every task open on the 1st, for HQ to review."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="monthly_reviews")
    month = models.DateField(_("月份"))  # the first day of the month
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("月度督办")
        verbose_name_plural = _("月度督办")
        constraints = [models.UniqueConstraint(fields=["programme", "month"], name="monthly_review_once")]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class MonthlyReviewItem(TimeStampedModel):
    review = models.ForeignKey(MonthlyReview, on_delete=models.CASCADE, related_name="items")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="review_items", verbose_name=_("任务"))
    reviewed = models.BooleanField(_("已审核"), default=False)
    comment = models.TextField(_("意见"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "task__deadline", "id"]
        verbose_name = _("月度督办事项")
        verbose_name_plural = _("月度督办事项")
        constraints = [models.UniqueConstraint(fields=["review", "task"], name="review_item_once")]

    def __str__(self) -> str:
        return f"{self.review} · {self.task_id}"


class Inspection(TimeStampedModel):
    """专题督查: a quarterly special inspection with findings and a report to the group."""

    class Status(models.TextChoices):
        OPEN = "open", _("督查中")
        REPORTED = "reported", _("已报告")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="special_inspections")
    title = models.CharField(_("督查主题"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    scope = models.TextField(_("督查范围"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    report_number = models.CharField(_("报告文号"), max_length=64, blank=True)
    report = models.BinaryField(_("督查报告"), null=True, editable=False)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-year", "-quarter", "-id"]
        verbose_name = _("专题督查")
        verbose_name_plural = _("专题督查")
        constraints = [
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="inspection_quarter_valid")
        ]

    def __str__(self) -> str:
        return self.title


class InspectionFinding(TimeStampedModel):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位"))
    description = models.TextField(_("发现问题"))
    rectification = models.TextField(_("整改要求"), blank=True)
    task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="finding", verbose_name=_("整改任务")
    )

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("督查发现")
        verbose_name_plural = _("督查发现")

    def __str__(self) -> str:
        return self.description[:40]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    REVIEWED = "reviewed", _("已审阅")


class UnitReport(TimeStampedModel):
    """信息报送: a member unit's biweekly report to HQ."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="unit_reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("报送单位"))
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    due_on = models.DateField(_("报送截止"))
    status = models.CharField(_("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    progress = models.TextField(_("工作进展"), blank=True)
    next_steps = models.TextField(_("下一步工作"), blank=True)
    suggestions = models.TextField(_("意见建议"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    review_comment = models.TextField(_("审阅意见"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period_start", "unit__order", "id"]
        verbose_name = _("信息报送")
        verbose_name_plural = _("信息报送")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period_start"], name="report_once_per_unit_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="report_period_ordered"
            ),
        ]
        indexes = [
            # HQ's period overview and the bulletin: reports of one programme in a date window.
            models.Index(fields=["programme", "period_start"], name="report_programme_period"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_start}"

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and timezone.localdate(self.submitted_at) > self.due_on


class CoordinationProblem(TimeStampedModel):
    """A problem a unit raises in its report for the monthly meeting to coordinate."""

    class Status(models.TextChoices):
        OPEN = "open", _("待协调")
        RESOLVED = "resolved", _("已协调")

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="problems")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出单位"))
    title = models.CharField(_("问题"), max_length=300)
    detail = models.TextField(_("详细情况"), blank=True)
    is_urgent = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("协调结果"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_urgent", "created_at", "id"]
        verbose_name = _("需协调问题")
        verbose_name_plural = _("需协调问题")
        indexes = [
            # The meeting agenda: open problems, oldest first.
            models.Index(fields=["status", "created_at"], name="problem_status_created"),
        ]

    def __str__(self) -> str:
        return self.title


class TaskAttachment(TimeStampedModel):
    """A checked file (core.uploads) attached to a task, usually with a progress update."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("任务"))
    update = models.ForeignKey(TaskUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("文件"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["task", "created_at", "id"]
        verbose_name = _("任务附件")
        verbose_name_plural = _("任务附件")

    def __str__(self) -> str:
        return str(self.file_id)
