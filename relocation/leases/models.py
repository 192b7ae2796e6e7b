"""Leases of community-collective and village-group property to enterprises
of the zone, and their ending (方案 四(二)5: 到期停租、租约、清租退场).

A lease moves active → termination notice issued → deposit refunded →
cleared (the community's clearance check passed) → closed; each move leaves a
`LeaseStatusChange`. The notice, the refund and each clearance check are rows
of their own, so the file of a lease can be read back step by step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.models import TimeStampedModel
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme, Unit


class LandlordKind(models.TextChoices):
    COMMUNITY_COLLECTIVE = "community_collective", _("社区集体")
    VILLAGE_GROUP = "village_group", _("村小组")


class LeaseStatus(models.TextChoices):
    """Where a lease stands (transitions.py lists the allowed moves)."""

    ACTIVE = "active", _("租赁中")  # registered, the enterprise still occupies the premises
    NOTICE_ISSUED = "notice_issued", _("已发停租通知")  # the numbered termination notice went out
    DEPOSIT_REFUNDED = "deposit_refunded", _("押金已退还")  # in full, or in part with the reason
    CLEARED = "cleared", _("已清租退场")  # the community checked: vacated, equipment out, keys back
    CLOSED = "closed", _("已办结")  # the territorial town (or HQ) closed the file


class Lease(TimeStampedModel):
    """One lease of collective property to an enterprise of the ledger."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="leases", verbose_name=_("项目"))
    number = models.CharField(_("租约编号"), max_length=40)
    landlord_kind = models.CharField(_("出租方类型"), max_length=24, choices=LandlordKind.choices)
    landlord_name = models.CharField(_("出租方"), max_length=200)
    # The community unit that carries the lease's ending (a unit with the community function).
    community_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="community_leases", verbose_name=_("所在社区")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="leases", verbose_name=_("承租企业")
    )
    address = models.CharField(_("物业地址"), max_length=300)
    area_m2 = models.DecimalField(_("租赁面积（平方米）"), max_digits=12, decimal_places=2)
    starts_on = models.DateField(_("租期起始"))
    ends_on = models.DateField(_("租期届满"))
    monthly_rent = models.DecimalField(_("月租金（元）"), max_digits=12, decimal_places=2, default=0)
    deposit = models.DecimalField(_("押金（元）"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=20, choices=LeaseStatus.choices, default=LeaseStatus.ACTIVE)
    notes = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["number", "id"]
        verbose_name = _("租约")
        verbose_name_plural = _("租约")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="lease_number_unique"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="lease_term_ordered"),
            models.CheckConstraint(condition=models.Q(area_m2__gt=0), name="lease_area_positive"),
            models.CheckConstraint(
                condition=models.Q(monthly_rent__gte=0, deposit__gte=0), name="lease_money_non_negative"
            ),
        ]
        indexes = [
            # The list: a programme's leases by status.
            models.Index(fields=["programme", "status", "number"], name="lease_prog_status"),
            # The closure guard and the enterprise page: an enterprise's leases.
            models.Index(fields=["enterprise", "status"], name="lease_enterprise_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.address}"


class LeaseStatusChange(models.Model):
    """One move of a lease's status: who, when, why."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("租约"))
    from_status = models.CharField(_("原状态"), max_length=20, choices=LeaseStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=LeaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("租约状态记录")
        verbose_name_plural = _("租约状态记录")

    def __str__(self) -> str:
        return f"{self.lease_id}: {self.from_status} → {self.to_status}"


class TerminationNotice(models.Model):
    """The numbered 到期停租（终止租赁）通知书 sent to the tenant, as issued."""

    lease = models.OneToOneField(Lease, on_delete=models.CASCADE, related_name="notice", verbose_name=_("租约"))
    number = models.CharField(_("文号"), max_length=64, unique=True)
    issued_on = models.DateField(_("发出日期"))
    vacate_by = models.DateField(_("限期腾退日期"))
    refund_due_on = models.DateField(_("押金退还期限"))
    reason = models.TextField(_("停租事由"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.BinaryField(_("通知书"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("停租通知书")
        verbose_name_plural = _("停租通知书")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vacate_by__gte=models.F("issued_on"), refund_due_on__gte=models.F("issued_on")),
                name="lease_notice_dates_after_issue",
            )
        ]
        indexes = [
            # The risk signal: notices whose refund date has passed.
            models.Index(fields=["refund_due_on"], name="lease_notice_refund_due"),
        ]

    def __str__(self) -> str:
        return self.number


class DepositRefund(models.Model):
    """The deposit returned to the tenant: never more than the deposit; less
    only with the reason for what is withheld (unpaid rent, damage…)."""

    lease = models.OneToOneField(Lease, on_delete=models.CASCADE, related_name="refund", verbose_name=_("租约"))
    amount = models.DecimalField(_("退还金额（元）"), max_digits=12, decimal_places=2)
    refunded_on = models.DateField(_("退还日期"))
    withheld_reason = models.TextField(_("扣留理由"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-refunded_on", "-id"]
        verbose_name = _("押金退还")
        verbose_name_plural = _("押金退还")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="lease_refund_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.lease_id}: {self.amount}"


class ClearanceCheck(models.Model):
    """One 清租退场 check by the community on the premises. A check that finds
    anything missing is kept too; the lease is cleared by the first that passes."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="clearance_checks", verbose_name=_("租约"))
    checked_on = models.DateField(_("核查日期"))
    premises_vacated = models.BooleanField(_("物业已腾空"))
    equipment_removed = models.BooleanField(_("设备已清走"))
    keys_returned = models.BooleanField(_("钥匙已交回"))
    note = models.TextField(_("核查情况"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("清租退场核查")
        verbose_name_plural = _("清租退场核查")

    def __str__(self) -> str:
        return f"{self.lease_id}: {self.checked_on}"

    @property
    def passed(self) -> bool:
        return self.premises_vacated and self.equipment_removed and self.keys_returned


class LeaseDispute(models.Model):
    """A dispute between landlord and tenant over the lease's ending (rent,
    deposit, compensation for fittings…); an open one feeds the stability
    risk register and keeps the lease from being closed."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="disputes", verbose_name=_("租约"))
    opened_on = models.DateField(_("发生日期"))
    description = models.TextField(_("纠纷情况"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_on = models.DateField(_("化解日期"), null=True, blank=True)
    resolution = models.TextField(_("化解情况"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("租赁纠纷")
        verbose_name_plural = _("租赁纠纷")
        constraints = [
            # At most one open dispute per lease (a second complaint is added to it).
            models.UniqueConstraint(
                fields=["lease"], condition=models.Q(resolved_on__isnull=True), name="lease_one_open_dispute"
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True) | ~models.Q(resolution=""),
                name="lease_resolved_dispute_has_resolution",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:40]
