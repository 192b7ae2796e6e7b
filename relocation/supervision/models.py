"""Tasks assigned to member units (督办事项), whatever created them.

A task has a generic subject (any object by type label + id) so that apps on
higher floors (enforcement follow-ups, forced closures, relocation procedures,
monitoring alerts, meeting decisions) can create tasks without this app
importing them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.models import TimeStampedModel
from relocation.organisation.models import Programme, Unit


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("已交办")
    SIGNED_FOR = "signed_for", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    REPORTED_DONE = "reported_done", _("已报办结")
    VERIFIED = "verified", _("已核销")
    CANCELLED = "cancelled", _("已撤销")


class TaskSource(models.TextChoices):
    PLAN = "plan", _("方案任务")
    MEETING = "meeting", _("会议决定")
    SUPERVISION = "supervision", _("督查")
    ENFORCEMENT = "enforcement", _("执法跟进")
    LIFECYCLE = "lifecycle", _("搬迁流程")
    PROCEDURE = "procedure", _("搬迁手续")
    MONITORING = "monitoring", _("监控预警")
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
    source = models.CharField(_("来源"), max_length=32, choices=TaskSource.choices, default=TaskSource.MANUAL)
    subject_type = models.CharField(_("关联对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("关联对象编号"), max_length=64, blank=True)
    enterprise_id = models.BigIntegerField(_("相关企业"), null=True, blank=True)
    # Set by jobs and other modules so that creating "the same" task twice creates one.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
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
            # A unit's open tasks by deadline (the unit task list).
            models.Index(fields=["lead_unit", "status", "deadline"], name="task_unit_status_deadline"),
            # HQ's overdue scan: open tasks by deadline.
            models.Index(fields=["status", "deadline"], name="task_status_deadline"),
            # Tasks about one object (an order, a procedure, an alert).
            models.Index(fields=["subject_type", "subject_id"], name="task_subject"),
            models.Index(fields=["enterprise_id"], name="task_enterprise"),
        ]

    def __str__(self) -> str:
        return self.title
