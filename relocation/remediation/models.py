"""Contaminated-site work on the vacated plots (谁污染、谁治理): the site and
its stage, the sampling results, who is liable and for what, and the
remediation plan's milestones.

Screening and intervention values are data (`ScreeningValue`, loaded from
`screening_values.py`), so a revised standard is a data change, not a code change.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.models import StoredFile, TimeStampedModel
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme, Unit


class LandUse(models.TextChoices):
    """GB 36600-2018 §3.4: the planned use decides which values apply."""

    FIRST = "first", _("第一类用地")  # homes, schools, hospitals, parks…
    SECOND = "second", _("第二类用地")  # industry, logistics, roads, utilities…


class TargetBasis(models.TextChoices):
    """Which value of the standard a site's remediation targets default to
    (the remediation plan decides; a target per pollutant may replace it)."""

    SCREENING = "screening", _("筛选值")
    INTERVENTION = "intervention", _("管制值")


class Stage(models.TextChoices):
    """Where a site stands (transitions.py lists the allowed moves)."""

    PENDING = "pending", _("待调查")
    INITIAL = "initial", _("初步调查")  # stage-1 investigation with first sampling
    DETAILED = "detailed", _("详细调查")  # stage 1 found values above screening
    RISK = "risk", _("风险评估")
    PLAN = "plan", _("修复方案")
    REMEDIATION = "remediation", _("修复实施")
    EFFECT = "effect", _("效果评估")
    CLOSED = "closed", _("验收销号")  # accepted and removed from the list of contaminated plots
    HANDED_OVER = "handed_over", _("移交再开发")  # an accepted plot handed over for redevelopment
    NOT_REQUIRED = "not_required", _("无需修复")  # stage 1/2 results below screening values


class PollutantGroup(models.TextChoices):
    """The standard's headings within each table."""

    METAL = "metal", _("重金属和无机物")
    VOC = "voc", _("挥发性有机物")
    SVOC = "svoc", _("半挥发性有机物")
    PESTICIDE = "pesticide", _("有机农药类")
    PCB = "pcb", _("多氯联苯、多溴联苯和二噁英类")
    TPH = "tph", _("石油烃类")


class ScreeningValue(models.Model):
    """One item of a soil standard: screening (筛选值) and intervention
    (管制值) values in mg/kg for each class of land use."""

    standard = models.CharField(_("标准"), max_length=40)
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("污染物"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    cas = models.CharField(_("CAS 编号"), max_length=40, blank=True)
    # Table 1 (基本项目) or 2 (其他项目), and the item's number in it.
    table = models.PositiveSmallIntegerField(_("表"), default=1)
    number = models.PositiveSmallIntegerField(_("序号"), default=0)
    group = models.CharField(_("类别"), max_length=16, choices=PollutantGroup.choices, default=PollutantGroup.METAL)
    # Other spellings a laboratory uses (matched by screening_values.normalise).
    synonyms = models.JSONField(_("别名"), default=list, blank=True)
    screening_first = models.DecimalField(_("筛选值（第一类用地）"), max_digits=16, decimal_places=6)
    screening_second = models.DecimalField(_("筛选值（第二类用地）"), max_digits=16, decimal_places=6)
    intervention_first = models.DecimalField(_("管制值（第一类用地）"), max_digits=16, decimal_places=6)
    intervention_second = models.DecimalField(_("管制值（第二类用地）"), max_digits=16, decimal_places=6)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("土壤筛选值")
        verbose_name_plural = _("土壤筛选值")
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="screening_value_unique"),
            models.CheckConstraint(
                condition=models.Q(intervention_first__gte=models.F("screening_first"))
                & models.Q(intervention_second__gte=models.F("screening_second")),
                name="screening_below_intervention",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def limits(self, land_use: str) -> tuple[Decimal, Decimal]:
        """(screening, intervention) for the land use."""
        if land_use == LandUse.FIRST:
            return self.screening_first, self.intervention_first
        return self.screening_second, self.intervention_second


class Site(TimeStampedModel):
    """The plot an enterprise vacated, investigated and if needed remediated."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sites", verbose_name=_("项目"))
    code = models.CharField(_("地块编号"), max_length=40)
    name = models.CharField(_("地块名称"), max_length=200)
    # The enterprise that last used the plot; earlier users are in `polluters`.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="remediation_sites", verbose_name=_("腾退企业")
    )
    territorial_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="remediation_sites", verbose_name=_("属地单位")
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    area_m2 = models.DecimalField(_("占地面积（平方米）"), max_digits=12, decimal_places=2, default=0)
    land_use = models.CharField(_("规划用地类型"), max_length=16, choices=LandUse.choices, default=LandUse.SECOND)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, default=Stage.PENDING)
    # The default remediation target of every pollutant (RemediationTarget overrides it).
    target_basis = models.CharField(
        _("修复目标默认取值"), max_length=16, choices=TargetBasis.choices, default=TargetBasis.SCREENING
    )
    stage_changed_on = models.DateField(_("阶段变更日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["code", "id"]
        verbose_name = _("污染地块")
        verbose_name_plural = _("污染地块")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="site_code_unique"),
            # One plot per vacated enterprise.
            models.UniqueConstraint(fields=["enterprise"], name="site_enterprise_unique"),
            models.CheckConstraint(condition=models.Q(area_m2__gte=0), name="site_area_non_negative"),
        ]
        indexes = [
            # The list and the overview: sites per stage, and a town's sites.
            models.Index(fields=["programme", "stage", "code"], name="site_prog_stage"),
            models.Index(fields=["territorial_unit", "code"], name="site_territorial"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SitePolluter(TimeStampedModel):
    """An enterprise that operated on the plot for a period (a plot may have
    had several polluters over time)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="polluters", verbose_name=_("地块"))
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remediation_polluted_sites",
        verbose_name=_("台账企业"),
    )
    name = models.CharField(_("使用单位名称"), max_length=200)
    activity = models.CharField(_("生产活动"), max_length=200, blank=True)
    from_year = models.PositiveSmallIntegerField(_("起始年份"), null=True, blank=True)
    to_year = models.PositiveSmallIntegerField(_("截止年份"), null=True, blank=True)

    class Meta:
        ordering = ["site", "from_year", "id"]
        verbose_name = _("历史使用单位")
        verbose_name_plural = _("历史使用单位")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_year__isnull=True)
                | models.Q(to_year__isnull=True)
                | models.Q(to_year__gte=models.F("from_year")),
                name="site_polluter_years_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """One move of a site's stage: who, on what date, why, and the report."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("地块"))
    from_stage = models.CharField(_("原阶段"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("新阶段"), max_length=16, choices=Stage.choices)
    moved_on = models.DateField(_("日期"))
    reason = models.TextField(_("理由"))
    # None only for a reopening caused by a change of land use (the change is the evidence).
    evidence = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("依据文件")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人")
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")

    def __str__(self) -> str:
        return f"{self.site_id} {self.from_stage}→{self.to_stage}"


class RemediationTarget(TimeStampedModel):
    """A site's remediation target (修复目标值) for one pollutant and one class
    of land use, replacing the default of `Site.target_basis`; never above the
    class's intervention value. It applies only while the site's land use is
    that class, so a stricter land use falls back to the stricter defaults."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="targets", verbose_name=_("地块"))
    pollutant = models.ForeignKey(
        ScreeningValue, on_delete=models.PROTECT, related_name="targets", verbose_name=_("污染物")
    )
    land_use = models.CharField(_("用地类型"), max_length=16, choices=LandUse.choices)
    value = models.DecimalField(_("修复目标值（mg/kg）"), max_digits=16, decimal_places=6)
    reason = models.TextField(_("依据"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("设定人")
    )

    class Meta:
        ordering = ["site", "pollutant__order", "id"]
        verbose_name = _("修复目标值")
        verbose_name_plural = _("修复目标值")
        constraints = [
            models.UniqueConstraint(fields=["site", "pollutant", "land_use"], name="rem_target_once"),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="rem_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.pollutant_id} {self.value}"


class SamplingResult(TimeStampedModel):
    """One laboratory result: a pollutant at a sample point and depth."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="results", verbose_name=_("地块"))
    pollutant = models.ForeignKey(
        ScreeningValue, on_delete=models.PROTECT, related_name="results", verbose_name=_("污染物")
    )
    point = models.CharField(_("采样点"), max_length=40)
    depth_m = models.DecimalField(_("采样深度（米）"), max_digits=6, decimal_places=2)
    concentration = models.DecimalField(_("浓度（mg/kg）"), max_digits=18, decimal_places=7)
    sampled_on = models.DateField(_("采样日期"))
    # The investigation stage the sample was taken for.
    stage = models.CharField(_("调查阶段"), max_length=16, choices=Stage.choices, default=Stage.INITIAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("录入人")
    )

    class Meta:
        ordering = ["site", "point", "depth_m", "pollutant__order"]
        verbose_name = _("检测结果")
        verbose_name_plural = _("检测结果")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "point", "depth_m", "pollutant", "sampled_on"], name="sampling_result_once"
            ),
            models.CheckConstraint(condition=models.Q(concentration__gte=0), name="sampling_concentration_positive"),
            models.CheckConstraint(condition=models.Q(depth_m__gte=0), name="sampling_depth_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.depth_m}m {self.pollutant_id}"


class LiabilityBasis(models.TextChoices):
    """Why this party answers for the plot (谁污染、谁治理; the soil pollution law's order)."""

    POLLUTER = "polluter", _("污染责任人")
    SUCCESSOR = "successor", _("承继其债权债务的单位")
    LAND_USER = "land_user", _("土地使用权人（污染责任人无法认定）")


class Liability(TimeStampedModel):
    """The party responsible for a site, and on what basis."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="liabilities", verbose_name=_("地块"))
    basis = models.CharField(_("认定依据"), max_length=16, choices=LiabilityBasis.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remediation_liabilities",
        verbose_name=_("台账企业"),
    )
    party_name = models.CharField(_("责任主体"), max_length=200)
    basis_note = models.TextField(_("认定说明"), blank=True)
    determined_on = models.DateField(_("认定日期"))

    class Meta:
        ordering = ["site", "determined_on", "id"]
        verbose_name = _("责任主体")
        verbose_name_plural = _("责任主体")

    def __str__(self) -> str:
        return self.party_name


class ObligationKind(models.TextChoices):
    REMEDIATION = "remediation", _("履行修复义务")
    COMPENSATION = "compensation", _("赔偿")


class ObligationStatus(models.TextChoices):
    OPEN = "open", _("履行中")
    FULFILLED = "fulfilled", _("已履行")
    CANCELLED = "cancelled", _("已撤销")  # e.g. the liability was determined anew


class Obligation(TimeStampedModel):
    """What the responsible party must do by when: remediate, or pay compensation."""

    liability = models.ForeignKey(
        Liability, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("责任主体")
    )
    kind = models.CharField(_("义务类型"), max_length=16, choices=ObligationKind.choices)
    description = models.TextField(_("内容"))
    amount = models.DecimalField(_("赔偿金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    due_on = models.DateField(_("履行期限"))
    status = models.CharField(_("状态"), max_length=16, choices=ObligationStatus.choices, default=ObligationStatus.OPEN)
    # The supervision task opened when the obligation was escalated to the town.
    task_id = models.BigIntegerField(_("督办任务"), null=True, blank=True)
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("责任义务")
        verbose_name_plural = _("责任义务")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="compensation") | models.Q(amount__gt=0),
                name="obligation_compensation_has_amount",
            ),
        ]
        indexes = [
            # Overdue obligations: open ones by due date.
            models.Index(fields=["status", "due_on"], name="obligation_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.liability}"


class ObligationChange(models.Model):
    """History of an obligation's status."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="changes", verbose_name=_("责任义务")
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=ObligationStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ObligationStatus.choices)
    reason = models.TextField(_("理由"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人")
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("义务状态变更")
        verbose_name_plural = _("义务状态变更")

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.from_status}→{self.to_status}"


class Payment(TimeStampedModel):
    """A compensation payment received."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="payments", verbose_name=_("义务")
    )
    paid_on = models.DateField(_("支付日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    reference = models.CharField(_("凭证号"), max_length=100, blank=True)
    evidence = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("凭证")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("录入人")
    )

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("赔偿支付")
        verbose_name_plural = _("赔偿支付")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="rem_payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class ObligationDocument(TimeStampedModel):
    """A document uploaded for an obligation (often by the enterprise itself)."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="documents", verbose_name=_("义务")
    )
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("文件"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("上传人")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("义务文件")
        verbose_name_plural = _("义务文件")

    def __str__(self) -> str:
        return self.note or str(self.file_id)


class Milestone(TimeStampedModel):
    """A step of the remediation plan, due a number of working days after the plan starts."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("地块"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("节点"), max_length=200)
    workdays = models.PositiveIntegerField(_("工作日"))
    due_on = models.DateField(_("计划完成日期"))
    percent = models.PositiveSmallIntegerField(_("完成比例（%）"), default=0)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["site", "order", "id"]
        verbose_name = _("修复节点")
        verbose_name_plural = _("修复节点")
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="rem_milestone_percent_range"),
        ]
        indexes = [
            # Overdue milestones on the overview: unfinished ones by due date.
            models.Index(fields=["percent", "due_on"], name="rem_milestone_percent_due"),
        ]

    def __str__(self) -> str:
        return self.name
