"""Workers of the zone's enterprises (工人花名册), their wage-arrears and
deposit cases (工资拖欠、押金纠纷) and their placement (安置就业): the
human-resources bureau's share of the plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.fields import EncryptedTextField
from relocation.core.models import StoredFile, TimeStampedModel
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme


class WorkerStatus(models.TextChoices):
    EMPLOYED = "employed", _("在职")  # still on the enterprise's payroll
    LEFT = "left", _("已离职")  # left on their own before any placement; outside the placement rate
    PLACED = "placed", _("已安置")  # a placement outcome that counts as settled (see PlacementOutcome)


class PlacementOutcome(models.TextChoices):
    NOT_PLACED = "not_placed", _("尚未安置")
    MOVES_WITH_ENTERPRISE = "moves_with_enterprise", _("随企业搬迁")
    REEMPLOYED = "reemployed", _("到其他单位就业")
    TRAINING = "training", _("参加职业培训")
    RETIRED = "retired", _("退休")
    SELF_EMPLOYED = "self_employed", _("自主创业/灵活就业")


# Outcomes that settle a worker (status "placed"); training and "not yet" do not.
SETTLED_OUTCOMES = frozenset(
    {
        PlacementOutcome.MOVES_WITH_ENTERPRISE,
        PlacementOutcome.REEMPLOYED,
        PlacementOutcome.RETIRED,
        PlacementOutcome.SELF_EMPLOYED,
    }
)


class Worker(TimeStampedModel):
    """One person on an enterprise's roster. ID number, phone and bank account
    are encrypted; `id_number_index` (a keyed digest) finds and de-duplicates
    a person without decrypting anything."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="workers", verbose_name=_("企业"))
    name = models.CharField(_("姓名"), max_length=64)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_index = models.CharField(max_length=64, editable=False)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    bank_account = EncryptedTextField(_("工资卡账号"), blank=True)
    job = models.CharField(_("岗位"), max_length=64, blank=True)
    hired_on = models.DateField(_("入职日期"), null=True, blank=True)
    monthly_wage = models.DecimalField(_("月工资(元)"), max_digits=10, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=16, choices=WorkerStatus.choices, default=WorkerStatus.EMPLOYED)
    placement_outcome = models.CharField(
        _("安置去向"), max_length=32, choices=PlacementOutcome.choices, default=PlacementOutcome.NOT_PLACED
    )
    placement_employer = models.CharField(_("新就业单位"), max_length=200, blank=True)
    placed_on = models.DateField(_("安置日期"), null=True, blank=True)
    placement_note = models.CharField(_("安置说明"), max_length=500, blank=True)
    # Optimistic check for the edit page and PATCH (decision 0004).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["enterprise", "name", "id"]
        verbose_name = _("工人")
        verbose_name_plural = _("工人")
        constraints = [
            # One roster entry per person per enterprise.
            models.UniqueConstraint(fields=["enterprise", "id_number_index"], name="worker_once_per_enterprise"),
            models.CheckConstraint(condition=models.Q(monthly_wage__gte=0), name="worker_wage_non_negative"),
        ]
        indexes = [
            # Finding a person across enterprises by ID number (blind index).
            models.Index(fields=["id_number_index"], name="worker_id_index"),
            # The placement figures: workers of an enterprise by status.
            models.Index(fields=["enterprise", "status"], name="worker_enterprise_status"),
        ]

    def __str__(self) -> str:
        return self.name


class WorkerStatusChange(TimeStampedModel):
    """History of a worker's status (employed / left / placed) and outcome."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    outcome = models.CharField(max_length=32, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["worker", "created_at", "id"]
        verbose_name = _("工人状态变更")
        verbose_name_plural = _("工人状态变更")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.from_status}→{self.to_status}"

    @property
    def from_label(self) -> str:
        return str(dict(WorkerStatus.choices).get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(dict(WorkerStatus.choices).get(self.to_status, self.to_status))

    @property
    def outcome_label(self) -> str:
        return str(dict(PlacementOutcome.choices).get(self.outcome, self.outcome))


class CaseKind(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("工资拖欠")
    DEPOSIT_DISPUTE = "deposit_dispute", _("押金纠纷")
    # Compensation on the ending of the contract (劳动合同法第四十七条), computed per worker.
    SEVERANCE = "severance", _("经济补偿金")
    # Social-insurance contributions the employer did not pay (社会保险欠缴).
    SOCIAL_INSURANCE = "social_insurance", _("社会保险欠缴")


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("已登记")  # someone reported it; not checked yet
    VERIFIED = "verified", _("已核实")  # the bureau confirmed who is owed what
    MEDIATING = "mediating", _("调解中")  # the bureau and the town mediate with the employer
    PAID = "paid", _("已清偿")  # payments cover the total owed
    ESCALATED = "escalated", _("已移送")  # handed to labour inspection or the courts


# States in which a case still blocks the enterprise's closure verification.
UNRESOLVED = frozenset({CaseStatus.REPORTED, CaseStatus.VERIFIED, CaseStatus.MEDIATING})


class EscalatedTo(models.TextChoices):
    LABOUR_INSPECTION = "labour_inspection", _("劳动保障监察")
    ARBITRATION = "arbitration", _("劳动人事争议仲裁")
    JUDICIARY = "judiciary", _("司法机关")


class LabourCase(TimeStampedModel):
    """A wage-arrears or deposit case against one enterprise: who is owed how
    much (lines), what was paid back (payments), and where it stands."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="labour_cases")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="labour_cases", verbose_name=_("企业")
    )
    kind = models.CharField(_("类型"), max_length=32, choices=CaseKind.choices, default=CaseKind.WAGE_ARREARS)
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REPORTED)
    summary = models.CharField(_("情况摘要"), max_length=500)
    reporter_name = models.CharField(_("反映人"), max_length=64, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )
    reported_on = models.DateField(_("登记日期"))
    # Kept equal to the sum of the lines and of the payments by the services,
    # so lists and the closure guard read one row instead of aggregating.
    total_owed = models.DecimalField(_("涉及金额(元)"), max_digits=14, decimal_places=2, default=0)
    total_paid = models.DecimalField(_("已清偿(元)"), max_digits=14, decimal_places=2, default=0)
    escalated_to = models.CharField(_("移送机关"), max_length=32, choices=EscalatedTo.choices, blank=True)
    # Severance only: the day the contracts end and the local average monthly
    # wage of the previous year, the two inputs of art. 47 besides each worker's record.
    separation_on = models.DateField(_("劳动合同解除/终止日期"), null=True, blank=True)
    average_wage = models.DecimalField(
        _("当地上年度职工月平均工资(元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("劳动纠纷案件")
        verbose_name_plural = _("劳动纠纷案件")
        constraints = [
            models.CheckConstraint(condition=models.Q(total_owed__gte=0), name="labour_case_owed_non_negative"),
            models.CheckConstraint(condition=models.Q(total_paid__gte=0), name="labour_case_paid_non_negative"),
        ]
        indexes = [
            # The closure guard and the enterprise section: open cases of one enterprise.
            models.Index(fields=["enterprise", "status"], name="labour_case_enterprise_status"),
            # The case list: one programme by status, newest first.
            models.Index(fields=["programme", "status", "-reported_on"], name="labour_case_prog_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.enterprise.name if self.enterprise_id else ''}"

    @property
    def outstanding(self):
        return max(self.total_owed - self.total_paid, 0)


class CaseLine(TimeStampedModel):
    """What one worker is owed in a case (wages for `months`, or a deposit)."""

    case = models.ForeignKey(LabourCase, on_delete=models.CASCADE, related_name="lines")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="case_lines", verbose_name=_("工人"))
    months = models.PositiveSmallIntegerField(_("拖欠月数"), default=0)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2)
    # Severance: how the amount was computed (months of wage × the wage counted).
    months_counted = models.DecimalField(_("补偿月数"), max_digits=4, decimal_places=1, null=True, blank=True)
    basis = models.CharField(_("计算依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("涉及工人")
        verbose_name_plural = _("涉及工人")
        constraints = [
            models.UniqueConstraint(fields=["case", "worker"], name="case_line_worker_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="case_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.worker_id} {self.amount}"


class CasePayment(TimeStampedModel):
    """Money paid towards a case (by the enterprise, a guarantor or an advance
    from the wage guarantee fund); partial payments add up."""

    case = models.ForeignKey(LabourCase, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("支付日期"))
    payer = models.CharField(_("支付方"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "paid_on", "id"]
        verbose_name = _("清偿记录")
        verbose_name_plural = _("清偿记录")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="case_payment_positive")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.amount}"


class CaseEvidence(TimeStampedModel):
    """A document of the case (pay slips, IOUs, mediation agreements)."""

    case = models.ForeignKey(LabourCase, on_delete=models.CASCADE, related_name="evidence")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("材料名称"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = _("案件材料")
        verbose_name_plural = _("案件材料")

    def __str__(self) -> str:
        return self.title


class CaseStatusChange(TimeStampedModel):
    """History of a case's status."""

    case = models.ForeignKey(LabourCase, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = _("案件状态变更")
        verbose_name_plural = _("案件状态变更")

    def __str__(self) -> str:
        return f"{self.case_id} {self.from_status}→{self.to_status}"

    @property
    def from_label(self) -> str:
        return str(dict(CaseStatus.choices).get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(dict(CaseStatus.choices).get(self.to_status, self.to_status))


class ActivityKind(models.TextChoices):
    JOB_FAIR = "job_fair", _("专场招聘会")
    REFERRAL = "referral", _("岗位推荐")
    TRAINING = "training", _("职业培训")


class PlacementActivity(TimeStampedModel):
    """A job fair, a referral or a training class held for the zone's workers;
    `workers` are those who took part."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="placement_activities")
    kind = models.CharField(_("类型"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    held_on = models.DateField(_("日期"))
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placement_activities",
        verbose_name=_("面向企业"),
    )
    employers = models.PositiveSmallIntegerField(_("参与用人单位数"), default=0)
    jobs_offered = models.PositiveIntegerField(_("提供岗位数"), default=0)
    workers = models.ManyToManyField(
        Worker, blank=True, related_name="placement_activities", verbose_name=_("参加工人")
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("安置就业活动")
        verbose_name_plural = _("安置就业活动")

    def __str__(self) -> str:
        return self.title
