"""Joint enforcement (联合综合执法): domains, teams, operations, inspections,
violations, measures (rectification orders up to bans) and their documents.

Configuration (domains, checklist items, legal bases, the escalation ladder
and the repeat-offender rule) is data, editable by HQ; `domains.py` holds the
plan's defaults that `configuration_ensure` loads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.models import StoredFile, TimeStampedModel
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme, Unit


class MeasureKind(models.TextChoices):
    """Measures in the order of the escalation ladder (a rectification order
    is the warning rung)."""

    RECTIFICATION = "rectification", _("责令限期整改")
    FINE = "fine", _("罚款")
    SUSPENSION = "suspension", _("停产停业整改")
    SEALING = "sealing", _("查封扣押")
    BAN = "ban", _("取缔")
    UTILITY_CUT = "utility_cut", _("停水停电")


# Everything but a rectification order needs a second person's approval.
FOUR_EYES_KINDS = frozenset(
    {MeasureKind.FINE, MeasureKind.SUSPENSION, MeasureKind.SEALING, MeasureKind.BAN, MeasureKind.UTILITY_CUT}
)


class MeasureStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("待审批")  # drafted, waiting for a second person
    IN_FORCE = "in_force", _("已生效")  # issued (orders) or approved (decisions)
    CLOSED = "closed", _("已销号")  # rectification confirmed by a re-inspection
    ESCALATED = "escalated", _("已升级")  # overdue or failed rectification moved up the ladder
    REJECTED = "rejected", _("已驳回")  # the approver refused the draft
    REVOKED = "revoked", _("已撤销")  # withdrawn after approval, with a reason


class InspectionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("待检查")  # a re-inspection waiting in the team's queue
    SUBMITTED = "submitted", _("已提交")


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    FOLLOW_UP = "follow_up", _("回头看复查")


class FollowUpResult(models.TextChoices):
    FIXED = "fixed", _("已整改到位")
    NOT_FIXED = "not_fixed", _("未整改到位")


class OperationStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class DocumentKind(models.TextChoices):
    RECTIFICATION_NOTICE = "rectification_notice", _("责令改正通知书")
    PENALTY_DECISION = "penalty_decision", _("行政处罚决定书")
    SUSPENSION_DECISION = "suspension_decision", _("责令停产停业整改决定书")
    SEIZURE_DECISION = "seizure_decision", _("查封扣押决定书")
    BAN_DECISION = "ban_decision", _("取缔决定书")
    UTILITY_CUT_REQUEST = "utility_cut_request", _("停止供水供电函")


class EnforcementDomain(TimeStampedModel):
    """执法领域: one of the plan's eight, with its lead and co-operating units."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="enforcement_domains", verbose_name=_("项目")
    )
    code = models.SlugField(_("代码"), max_length=64)
    name = models.CharField(_("名称"), max_length=64)
    lead_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="led_domains", verbose_name=_("牵头单位")
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_domains", verbose_name=_("配合单位"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = _("执法领域")
        verbose_name_plural = _("执法领域")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="enf_domain_code_unique")]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(TimeStampedModel):
    domain = models.ForeignKey(
        EnforcementDomain, on_delete=models.CASCADE, related_name="checklist_items", verbose_name=_("执法领域")
    )
    text = models.CharField(_("检查事项"), max_length=300)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # The article a "存在问题" on this item breaches: the violation it proposes carries it.
    legal_basis = models.ForeignKey(
        "LegalBasis",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checklist_items",
        verbose_name=_("法律依据"),
    )

    class Meta:
        ordering = ["domain", "order", "id"]
        verbose_name = _("检查事项")
        verbose_name_plural = _("检查事项")

    def __str__(self) -> str:
        return self.text


class LegalBasis(TimeStampedModel):
    domain = models.ForeignKey(
        EnforcementDomain, on_delete=models.CASCADE, related_name="legal_bases", verbose_name=_("执法领域")
    )
    law = models.CharField(_("法律法规"), max_length=200)
    article = models.CharField(_("条款"), max_length=100)
    summary = models.CharField(_("内容摘要"), max_length=500, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["domain", "law", "id"]
        verbose_name = _("法律依据")
        verbose_name_plural = _("法律依据")

    def __str__(self) -> str:
        return f"《{self.law}》{self.article}"


class EscalationStep(TimeStampedModel):
    """One rung of the escalation ladder: level 1 is the first measure."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="escalation_steps", verbose_name=_("项目")
    )
    level = models.PositiveSmallIntegerField(_("级别"))
    kind = models.CharField(_("措施"), max_length=32, choices=MeasureKind.choices)
    # Working days given to rectify after this rung's measure is taken.
    rectification_workdays = models.PositiveSmallIntegerField(_("整改期限(工作日)"), default=10)

    class Meta:
        ordering = ["programme", "level"]
        verbose_name = _("升级阶梯")
        verbose_name_plural = _("升级阶梯")
        constraints = [
            models.UniqueConstraint(fields=["programme", "level"], name="enf_step_level_unique"),
            models.UniqueConstraint(fields=["programme", "kind"], name="enf_step_kind_unique"),
            models.CheckConstraint(condition=models.Q(level__gte=1), name="enf_step_level_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.get_kind_display()}"


class RepeatOffenderRule(TimeStampedModel):
    """屡禁不止: `violations` or more violations within `window_days` days."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="repeat_offender_rule", verbose_name=_("项目")
    )
    violations = models.PositiveSmallIntegerField(_("违法次数"), default=3)
    window_days = models.PositiveSmallIntegerField(_("统计天数"), default=180)

    class Meta:
        ordering = ["programme"]
        verbose_name = _("屡禁不止规则")
        verbose_name_plural = _("屡禁不止规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(violations__gte=1, window_days__gte=1), name="enf_repeat_rule_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.violations}/{self.window_days}"


class EnforcementTeam(TimeStampedModel):
    """专项执法组 for one domain."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="enforcement_teams", verbose_name=_("项目")
    )
    domain = models.ForeignKey(
        EnforcementDomain, on_delete=models.PROTECT, related_name="teams", verbose_name=_("执法领域")
    )
    name = models.CharField(_("名称"), max_length=100)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="enforcement_teams", verbose_name=_("牵头单位")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="enforcement_teams", verbose_name=_("成员")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["programme", "domain__order", "name"]
        verbose_name = _("专项执法组")
        verbose_name_plural = _("专项执法组")
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="enf_team_name_unique")]

    def __str__(self) -> str:
        return self.name


class JointOperation(TimeStampedModel):
    """联合执法行动: a planned day of inspections by several teams."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="joint_operations", verbose_name=_("项目")
    )
    name = models.CharField(_("行动名称"), max_length=200)
    planned_on = models.DateField(_("计划日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=OperationStatus.choices, default=OperationStatus.PLANNED
    )
    targets = models.ManyToManyField(
        Enterprise, blank=True, related_name="joint_operations", verbose_name=_("目标企业")
    )
    teams = models.ManyToManyField(EnforcementTeam, blank=True, related_name="operations", verbose_name=_("参与执法组"))
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("联合执法行动")
        verbose_name_plural = _("联合执法行动")

    def __str__(self) -> str:
        return self.name


class Inspection(TimeStampedModel):
    """An on-site inspection (检查), or a scheduled re-inspection (回头看) of a
    rectification order waiting in its team's queue."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("项目")
    )
    operation = models.ForeignKey(
        JointOperation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
        verbose_name=_("联合执法行动"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("企业")
    )
    team = models.ForeignKey(
        EnforcementTeam, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("执法组")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=InspectionKind.choices, default=InspectionKind.ROUTINE)
    status = models.CharField(
        _("状态"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.SUBMITTED
    )
    scheduled_on = models.DateField(_("计划日期"), null=True, blank=True)
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="inspections", verbose_name=_("执法人员")
    )
    # {checklist item id: "ok" | "problem" | "na"}
    checklist = models.JSONField(_("检查事项结果"), default=dict, blank=True)
    findings = models.TextField(_("检查情况"), blank=True)
    representative_name = models.CharField(_("企业代表"), max_length=64, blank=True)
    representative_signed = models.BooleanField(_("企业代表已签名"), default=False)
    representative_refused = models.BooleanField(_("企业代表拒绝签名"), default=False)
    follow_up_of = models.ForeignKey(
        "Measure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("复查的整改令"),
    )
    follow_up_result = models.CharField(_("复查结论"), max_length=16, choices=FollowUpResult.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # Made by the phone when the inspector submits (also offline): a resend after
    # a lost answer finds this inspection instead of recording a second one.
    client_key = models.CharField(_("提交标识"), max_length=64, blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(representative_signed=True) & models.Q(representative_refused=True)),
                name="enf_inspection_signed_xor_refused",
            ),
            models.CheckConstraint(
                condition=models.Q(status="scheduled") | models.Q(inspected_on__isnull=False),
                name="enf_inspection_submitted_has_date",
            ),
            # One open re-inspection per order: the escalation job may run twice.
            models.UniqueConstraint(
                fields=["follow_up_of"],
                condition=models.Q(status="scheduled"),
                name="enf_one_open_follow_up",
            ),
            # One inspection per submission, however often the phone resends it.
            models.UniqueConstraint(
                fields=["created_by", "client_key"],
                condition=~models.Q(client_key=""),
                name="enf_inspection_client_key_unique",
            ),
        ]
        indexes = [
            # The team queue: a team's scheduled re-inspections by date.
            models.Index(fields=["team", "status", "scheduled_on", "id"], name="enf_insp_team_queue"),
            # The enterprise file: one enterprise's inspections, newest first.
            models.Index(fields=["enterprise", "-inspected_on", "-id"], name="enf_insp_enterprise"),
            # Statistics per month.
            models.Index(fields=["programme", "status", "inspected_on"], name="enf_insp_prog_month"),
            # Roll-up of an operation's results.
            models.Index(fields=["operation", "status"], name="enf_insp_operation"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.inspected_on or self.scheduled_on}"


class InspectionPhoto(TimeStampedModel):
    """A photo taken during an inspection. The bytes, their hash and the time
    and position read from the photo live in core's checked file store."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("检查"))
    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="inspection_photos", verbose_name=_("文件")
    )

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self) -> str:
        return str(self.stored_file_id)


class InspectionDraft(TimeStampedModel):
    """What an inspector has typed so far, saved as they type, so a lost
    connection loses nothing. Deleted when the inspection is submitted."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inspection_drafts", verbose_name=_("填写人")
    )
    key = models.CharField(_("草稿标识"), max_length=64)
    # The scheduled re-inspection this draft completes, if any.
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("检查")
    )
    data = models.JSONField(_("内容"), default=dict)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("检查草稿")
        verbose_name_plural = _("检查草稿")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="enf_draft_owner_key_unique")]

    def __str__(self) -> str:
        return self.key


class Violation(TimeStampedModel):
    """违法行为 found in an inspection, with its domain and legal basis."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="violations", verbose_name=_("项目")
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="violations", verbose_name=_("检查")
    )
    # Copied from the inspection: the file page and the repeat-offender count read it directly.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="violations", verbose_name=_("企业")
    )
    domain = models.ForeignKey(
        EnforcementDomain, on_delete=models.PROTECT, related_name="violations", verbose_name=_("执法领域")
    )
    legal_basis = models.ForeignKey(
        LegalBasis,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
        verbose_name=_("法律依据"),
    )
    # The checklist item marked "存在问题" that proposed this violation, if any.
    checklist_item = models.ForeignKey(
        ChecklistItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="violations",
        verbose_name=_("检查事项"),
    )
    description = models.TextField(_("违法事实"))
    found_on = models.DateField(_("发现日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("违法行为")
        verbose_name_plural = _("违法行为")
        indexes = [
            # The enterprise file and the repeat-offender count (violations of one enterprise in a window).
            models.Index(fields=["enterprise", "-found_on", "-id"], name="enf_viol_enterprise"),
            # Statistics per domain and month.
            models.Index(fields=["programme", "found_on", "domain"], name="enf_viol_prog_month"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.domain} · {self.found_on}"


class Measure(TimeStampedModel):
    """A measure taken on a violation: rectification order (with a deadline
    in working days), fine, suspension, sealing/seizure, ban, or a request to
    the utilities to cut supply. Decisions other than a rectification order
    take effect only when a second person approves them."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures", verbose_name=_("项目"))
    violation = models.ForeignKey(
        Violation, on_delete=models.PROTECT, related_name="measures", verbose_name=_("违法行为")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="measures", verbose_name=_("企业")
    )
    team = models.ForeignKey(
        EnforcementTeam, on_delete=models.PROTECT, related_name="measures", verbose_name=_("执法组")
    )
    kind = models.CharField(_("措施"), max_length=32, choices=MeasureKind.choices)
    status = models.CharField(_("状态"), max_length=32, choices=MeasureStatus.choices)
    level = models.PositiveSmallIntegerField(_("阶梯级别"), default=1)
    content = models.TextField(_("内容"), blank=True)
    workdays = models.PositiveSmallIntegerField(_("整改期限(工作日)"), null=True, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    amount = models.DecimalField(_("罚款金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=64, blank=True)
    escalated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("升级自")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("经办人"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审批人"),
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    revoked_reason = models.TextField(_("撤销理由"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("执法措施")
        verbose_name_plural = _("执法措施")
        constraints = [
            # Four eyes: the approver is never the person who drafted it.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | models.Q(created_by__isnull=True)
                | ~models.Q(approved_by=models.F("created_by")),
                name="enf_measure_four_eyes",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="rectification") | models.Q(deadline__isnull=False),
                name="enf_rectification_has_deadline",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="fine") | models.Q(amount__gt=0), name="enf_fine_amount_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | ~models.Q(revoked_reason=""), name="enf_revoked_has_reason"
            ),
        ]
        indexes = [
            # The escalation job: rectification orders in force past their deadline.
            models.Index(fields=["kind", "status", "deadline"], name="enf_measure_due"),
            # The enterprise file.
            models.Index(fields=["enterprise", "-created_at", "-id"], name="enf_measure_enterprise"),
            # The approval queue of a team.
            models.Index(fields=["team", "status"], name="enf_measure_team_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.enterprise}"

    @property
    def needs_approval(self) -> bool:
        return self.kind in FOUR_EYES_KINDS


class MeasureTransition(models.Model):
    """History of a measure's status: who moved it, when, and why."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("措施"))
    from_status = models.CharField(_("原状态"), max_length=32, blank=True)
    to_status = models.CharField(_("新状态"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["measure", "at", "id"]
        verbose_name = _("措施状态变更")
        verbose_name_plural = _("措施状态变更")

    def __str__(self) -> str:
        return f"{self.from_label} → {self.to_label}"

    @property
    def from_label(self) -> str:
        return str(MeasureStatus(self.from_status).label) if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return str(MeasureStatus(self.to_status).label)


class EnforcementDocument(TimeStampedModel):
    """A numbered document generated from a Word template; the bytes issued
    are kept (with their hash) so a later template edit never changes them."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="enforcement_documents", verbose_name=_("项目")
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="documents", verbose_name=_("措施"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="enforcement_documents", verbose_name=_("企业")
    )
    kind = models.CharField(_("文书类型"), max_length=32, choices=DocumentKind.choices)
    number = models.CharField(_("文号"), max_length=100)
    content = models.BinaryField(_("文件内容"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="enf_document_number_unique")]
        indexes = [
            # The enterprise file.
            models.Index(fields=["enterprise", "-created_at"], name="enf_doc_enterprise"),
        ]

    def __str__(self) -> str:
        return self.number
