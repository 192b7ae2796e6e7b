"""Receiving parks (承接园区), their capacity, the allocation of enterprises
to them, the relocation procedures at the new site and the incentives for
proactive relocation (主动搬迁支持优待措施)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.models import StoredFile, TimeStampedModel
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme, Unit


class Stream(models.TextChoices):
    CYANIDE = "cyanide", _("含氰废水")
    CHROMIUM = "chromium", _("含铬废水")
    NICKEL = "nickel", _("含镍废水")
    GENERAL = "general", _("综合电镀废水")
    DYEING = "dyeing", _("印染废水")


class Metal(models.TextChoices):
    CHROMIUM = "chromium", _("总铬")
    NICKEL = "nickel", _("总镍")
    COPPER = "copper", _("总铜")
    ZINC = "zinc", _("总锌")
    CADMIUM = "cadmium", _("总镉")
    LEAD = "lead", _("总铅")


class Park(TimeStampedModel):
    """A receiving park (承接园区 / 环保产业基地)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="parks", verbose_name=_("项目"))
    code = models.SlugField(_("代码"), max_length=32)
    name = models.CharField(_("园区名称"), max_length=100)
    town_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="parks", verbose_name=_("所在镇（承接单位）")
    )
    industries = models.JSONField(_("承接行业"), default=list)
    land_area_m2 = models.DecimalField(_("用地面积(平方米)"), max_digits=12, decimal_places=2, default=0)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # Optimistic check for the edit page and PATCH (decision 0004).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("承接园区")
        verbose_name_plural = _("承接园区")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="park_code_unique")]

    def __str__(self) -> str:
        return self.name


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")


class EiaMilestone(TimeStampedModel):
    """A step of the park's planning-EIA adjustment (规划环评调整)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="eia_milestones", verbose_name=_("园区"))
    name = models.CharField(_("节点"), max_length=100)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    planned_on = models.DateField(_("计划日期"))
    actual_on = models.DateField(_("实际日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )

    class Meta:
        ordering = ["park", "order", "id"]
        verbose_name = _("规划环评调整节点")
        verbose_name_plural = _("规划环评调整节点")

    def __str__(self) -> str:
        return f"{self.park} · {self.name}"


class BuildStatus(models.TextChoices):
    PLANNED = "planned", _("规划中")
    UNDER_CONSTRUCTION = "under_construction", _("建设中")
    DELIVERED = "delivered", _("已交付")


class Factory(TimeStampedModel):
    """A factory unit (承接厂房) of a park."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="factories", verbose_name=_("园区"))
    code = models.CharField(_("编号"), max_length=32)
    area_m2 = models.DecimalField(_("面积(平方米)"), max_digits=12, decimal_places=2)
    status = models.CharField(_("状态"), max_length=32, choices=BuildStatus.choices, default=BuildStatus.PLANNED)
    expected_delivery_on = models.DateField(_("预计交付日期"), null=True, blank=True)
    delivered_on = models.DateField(_("实际交付日期"), null=True, blank=True)

    class Meta:
        ordering = ["park", "code"]
        verbose_name = _("承接厂房")
        verbose_name_plural = _("承接厂房")
        constraints = [
            models.UniqueConstraint(fields=["park", "code"], name="factory_code_unique"),
            models.CheckConstraint(condition=models.Q(area_m2__gt=0), name="factory_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.code}"


class TreatmentFacility(TimeStampedModel):
    """A wastewater treatment line (治污设施) of one stream."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="facilities", verbose_name=_("园区"))
    name = models.CharField(_("名称"), max_length=100)
    stream = models.CharField(_("废水类别"), max_length=16, choices=Stream.choices)
    capacity_t_per_day = models.DecimalField(_("处理能力(吨/日)"), max_digits=10, decimal_places=2)
    status = models.CharField(_("状态"), max_length=32, choices=BuildStatus.choices, default=BuildStatus.PLANNED)
    expected_commission_on = models.DateField(_("预计投运日期"), null=True, blank=True)
    commissioned_on = models.DateField(_("实际投运日期"), null=True, blank=True)

    class Meta:
        ordering = ["park", "stream", "name"]
        verbose_name = _("治污设施")
        verbose_name_plural = _("治污设施")
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity_t_per_day__gt=0), name="facility_capacity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.name}"


class HeavyMetalQuota(TimeStampedModel):
    """The park's yearly total-emission quota of one heavy metal."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="metal_quotas", verbose_name=_("园区"))
    metal = models.CharField(_("重金属"), max_length=16, choices=Metal.choices)
    kg_per_year = models.DecimalField(_("总量指标(千克/年)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["park", "metal"]
        verbose_name = _("重金属总量指标")
        verbose_name_plural = _("重金属总量指标")
        constraints = [
            models.UniqueConstraint(fields=["park", "metal"], name="metal_quota_unique"),
            models.CheckConstraint(condition=models.Q(kg_per_year__gte=0), name="metal_quota_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.get_metal_display()}"


class EnterpriseDemand(TimeStampedModel):
    """What an enterprise needs at a park: wastewater per stream, floor area,
    preferred parks. Derived from the ledger (streams.split_wastewater) until
    HQ edits it (`is_derived` becomes False)."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.CASCADE, related_name="park_demand", verbose_name=_("企业")
    )
    cyanide_t_per_day = models.DecimalField(_("含氰废水(吨/日)"), max_digits=10, decimal_places=2, default=0)
    chromium_t_per_day = models.DecimalField(_("含铬废水(吨/日)"), max_digits=10, decimal_places=2, default=0)
    nickel_t_per_day = models.DecimalField(_("含镍废水(吨/日)"), max_digits=10, decimal_places=2, default=0)
    general_t_per_day = models.DecimalField(_("综合电镀废水(吨/日)"), max_digits=10, decimal_places=2, default=0)
    dyeing_t_per_day = models.DecimalField(_("印染废水(吨/日)"), max_digits=10, decimal_places=2, default=0)
    floor_area_m2 = models.DecimalField(_("需求厂房面积(平方米)"), max_digits=12, decimal_places=2, default=0)
    preferred_parks = models.ManyToManyField(Park, blank=True, related_name="preferred_by", verbose_name=_("意向园区"))
    is_derived = models.BooleanField(_("按规则推算"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["enterprise"]
        verbose_name = _("入园需求")
        verbose_name_plural = _("入园需求")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cyanide_t_per_day__gte=0)
                & models.Q(chromium_t_per_day__gte=0)
                & models.Q(nickel_t_per_day__gte=0)
                & models.Q(general_t_per_day__gte=0)
                & models.Q(dyeing_t_per_day__gte=0)
                & models.Q(floor_area_m2__gte=0),
                name="demand_non_negative",
            )
        ]

    def __str__(self) -> str:
        return str(self.enterprise)

    def stream_amounts(self) -> dict[str, Decimal]:
        return {s: getattr(self, f"{s}_t_per_day") for s in Stream.values}


class ProposalStatus(models.TextChoices):
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Proposal(TimeStampedModel):
    """One run of the allocation optimiser on the database's open demand."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="allocation_proposals", verbose_name=_("项目")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("发起人")
    )
    status = models.CharField(_("状态"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.RUNNING)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("计算结果"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("分配方案")
        verbose_name_plural = _("分配方案")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已否决")


class Allocation(TimeStampedModel):
    """A proposed placement of an enterprise in a park; only a person's
    confirmation makes it binding (and commits the park's capacity)."""

    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("方案")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="park_allocations", verbose_name=_("企业")
    )
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("园区"))
    status = models.CharField(
        _("状态"), max_length=16, choices=AllocationStatus.choices, default=AllocationStatus.PROPOSED
    )
    reason = models.TextField(_("理由"), blank=True)
    is_preferred = models.BooleanField(_("意向园区"), default=False)
    distance_km = models.DecimalField(_("距离(公里)"), max_digits=8, decimal_places=2, default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("确认人"),
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["proposal", "park", "enterprise"]
        verbose_name = _("园区分配")
        verbose_name_plural = _("园区分配")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="confirmed"),
                name="allocation_one_confirmed_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["proposal", "enterprise"],
                name="allocation_once_per_proposal",
                condition=models.Q(proposal__isnull=False),
            ),
        ]
        indexes = [
            # Capacity: confirmed allocations per park.
            models.Index(fields=["park", "status"], name="allocation_park_status"),
            # The enterprise page: its confirmed allocation.
            models.Index(fields=["enterprise", "status"], name="allocation_enterprise_status"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.park}"


class ProcedureKind(models.TextChoices):
    LEASE = "lease", _("新厂房租赁或购置")
    CONSTRUCTION_PERMIT = "construction_permit", _("报建手续")
    EIA = "eia", _("新项目环评")
    DISCHARGE_PERMIT_TRANSFER = "discharge_permit_transfer", _("排污许可证迁移")
    FIRE_ACCEPTANCE = "fire_acceptance", _("消防验收")
    UTILITY_CONNECTION = "utility_connection", _("水电接入")
    TRIAL_PRODUCTION = "trial_production", _("试生产")
    ACCEPTANCE = "acceptance", _("竣工验收")


class ProcedureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已办结")
    BLOCKED = "blocked", _("受阻")


class ProcedureItem(TimeStampedModel):
    """One step of an enterprise's relocation procedures at its new park."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="procedure_items", verbose_name=_("企业")
    )
    allocation = models.ForeignKey(
        Allocation, on_delete=models.CASCADE, related_name="procedure_items", verbose_name=_("园区分配")
    )
    kind = models.CharField(_("事项"), max_length=32, choices=ProcedureKind.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="procedure_items", verbose_name=_("责任单位")
    )
    due_on = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ProcedureStatus.choices, default=ProcedureStatus.NOT_STARTED
    )
    note = models.TextField(_("说明"), blank=True)
    completed_on = models.DateField(_("办结日期"), null=True, blank=True)
    task_id = models.BigIntegerField(_("督办任务"), null=True, blank=True)

    class Meta:
        ordering = ["enterprise", "order", "id"]
        verbose_name = _("搬迁手续事项")
        verbose_name_plural = _("搬迁手续事项")
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind"], name="procedure_item_unique")]
        indexes = [
            # HQ overview: open items by due date (late and blocked first).
            models.Index(fields=["status", "due_on"], name="procedure_status_due"),
            # A unit's items.
            models.Index(fields=["responsible_unit", "status"], name="procedure_unit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()}"


class ProcedureDocument(TimeStampedModel):
    """A document attached to a procedure item (stored through core.uploads)."""

    item = models.ForeignKey(ProcedureItem, on_delete=models.CASCADE, related_name="documents", verbose_name=_("事项"))
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("文件"))
    title = models.CharField(_("名称"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("上传人")
    )

    class Meta:
        ordering = ["item", "-created_at"]
        verbose_name = _("手续材料")
        verbose_name_plural = _("手续材料")

    def __str__(self) -> str:
        return self.title


class StatusChange(TimeStampedModel):
    """History of every status move in this app (allocations, procedure items, grants)."""

    subject_type = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    from_status = models.CharField(max_length=32)
    to_status = models.CharField(max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["subject_type", "subject_id", "created_at", "id"]
        verbose_name = _("状态变更记录")
        verbose_name_plural = _("状态变更记录")
        indexes = [
            # The history of one object.
            models.Index(fields=["subject_type", "subject_id"], name="parks_status_change_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} {self.from_status}→{self.to_status}"


class PolicyBasis(models.TextChoices):
    PER_M2 = "per_m2", _("按厂房面积(元/平方米)")
    PER_T_PER_DAY = "per_t_per_day", _("按废水处理量(元/吨·日)")


class Policy(TimeStampedModel):
    """A support measure for proactive relocation, its tiers as data:
    `tiers` = [{"stopped_by": "2021-12-31", "rate": "300"}, ...] — the first
    tier whose date is on or after the production-stop date applies."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="policies", verbose_name=_("项目"))
    code = models.SlugField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=200)
    basis = models.CharField(_("计算基数"), max_length=16, choices=PolicyBasis.choices)
    tiers = models.JSONField(_("分档"), default=list)
    cap_amount = models.DecimalField(_("单个企业上限(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    requires_no_open_violations = models.BooleanField(_("要求无未办结违法行为"), default=True)
    requires_closure_verified = models.BooleanField(_("要求关停已核验"), default=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("支持优待政策")
        verbose_name_plural = _("支持优待政策")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="policy_code_unique")]

    def __str__(self) -> str:
        return self.name


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    PAID = "paid", _("已兑付")


class StopSource(models.TextChoices):
    LIFECYCLE = "lifecycle", _("搬迁进度记录")  # the lifecycle move to production stopped
    MANUAL = "manual", _("手工填写")  # the history has none; HQ gave the date and its basis


class Grant(TimeStampedModel):
    """A computed incentive for one enterprise under one policy."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="grants", verbose_name=_("政策"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="grants", verbose_name=_("企业"))
    production_stopped_on = models.DateField(_("停产日期"))
    production_stop_source = models.CharField(
        _("停产日期来源"), max_length=16, choices=StopSource.choices, default=StopSource.MANUAL
    )
    production_stop_basis = models.TextField(_("停产日期依据"), blank=True)
    quantity = models.DecimalField(_("计算基数"), max_digits=14, decimal_places=2)
    rate = models.DecimalField(_("标准"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2)
    explanation = models.JSONField(_("计算说明"), default=list)
    status = models.CharField(_("状态"), max_length=16, choices=GrantStatus.choices, default=GrantStatus.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("经办人")
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

    class Meta:
        ordering = ["policy", "enterprise"]
        verbose_name = _("补助")
        verbose_name_plural = _("补助")
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="grant_once_per_policy"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="grant_amount_non_negative"),
            # Four-eyes: whoever computed the grant may not approve it.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("created_by")),
                name="grant_four_eyes",
            ),
        ]
        indexes = [
            # The policy page's totals by status.
            models.Index(fields=["policy", "status"], name="grant_policy_status"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.enterprise}"


class Payment(TimeStampedModel):
    """A payment of an approved grant."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="payments", verbose_name=_("补助"))
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("支付日期"))
    voucher_no = models.CharField(_("凭证号"), max_length=64, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )

    class Meta:
        ordering = ["grant", "paid_on", "id"]
        verbose_name = _("兑付记录")
        verbose_name_plural = _("兑付记录")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return self.voucher_no
