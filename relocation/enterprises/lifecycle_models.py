"""Models of the relocation lifecycle: status history, the relocation plan
(batch and destination), closure checks (两断三清), batches (分批) and
commitment letters (关停搬迁承诺书).

Imported at the end of models.py so Django registers them in the enterprises
app; kept apart so the ledger and the lifecycle can grow without stepping on
each other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.models import StoredFile, TimeStampedModel
from relocation.enterprises.models import LifecycleStatus, ProductionStatus
from relocation.organisation.models import Programme, Unit


class DestinationType(models.TextChoices):
    PARK = "park", _("搬入承接园区")
    OUT_OF_CITY = "out_of_city", _("迁出本市")
    CLOSE = "close", _("关停退出")


class Batch(TimeStampedModel):
    """A batch (分批) of enterprises that must be shut down by one deadline."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="batches", verbose_name=_("项目"))
    name = models.CharField(_("批次名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    deadline = models.DateField(_("关停时限"))
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["programme", "order", "deadline", "id"]
        verbose_name = _("搬迁批次")
        verbose_name_plural = _("搬迁批次")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="batch_name_unique_per_programme"),
        ]

    def __str__(self) -> str:
        return self.name


class RelocationPlan(TimeStampedModel):
    """Where one enterprise is going and in which batch: one row per
    enterprise, created the first time anything is planned for it."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="relocation_plan", verbose_name=_("企业")
    )
    batch = models.ForeignKey(
        Batch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        verbose_name=_("批次"),
    )
    destination_type = models.CharField(_("去向"), max_length=32, choices=DestinationType.choices, blank=True)
    # Parks live on a higher floor: the id is kept as a plain number, the name as text.
    destination_park_id = models.BigIntegerField(_("承接园区编号"), null=True, blank=True)
    destination_name = models.CharField(_("去向名称"), max_length=200, blank=True)
    # The enforcement decision that ordered a forced closure, if any.
    decision_ref = models.CharField(_("强制关停决定文号"), max_length=100, blank=True)
    decision_object_type = models.CharField(_("决定对象类型"), max_length=64, blank=True)
    decision_object_id = models.CharField(_("决定对象编号"), max_length=64, blank=True)

    class Meta:
        ordering = ["enterprise"]
        verbose_name = _("搬迁计划")
        verbose_name_plural = _("搬迁计划")
        indexes = [
            # Per-batch progress counts and the batch's enterprise list.
            models.Index(fields=["batch", "enterprise"], name="plan_batch_enterprise"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(destination_park_id__isnull=True) | models.Q(destination_type="park"),
                name="plan_park_id_only_for_park",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.destination_name or self.destination_type or '—'}"


class StatusChange(models.Model):
    """One row per lifecycle move: who moved the enterprise from where to
    where, when, why and on what evidence."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("企业")
    )
    from_status = models.CharField(_("原状态"), max_length=32, choices=LifecycleStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=32, choices=LifecycleStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lifecycle_moves",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("理由"))
    evidence = models.ForeignKey(
        StoredFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("证明材料"),
    )
    destination_type = models.CharField(_("去向"), max_length=32, choices=DestinationType.choices, blank=True)
    destination_park_id = models.BigIntegerField(_("承接园区编号"), null=True, blank=True)
    destination_name = models.CharField(_("去向名称"), max_length=200, blank=True)
    decision_ref = models.CharField(_("决定文号"), max_length=100, blank=True)
    decision_object_type = models.CharField(_("决定对象类型"), max_length=64, blank=True)
    decision_object_id = models.CharField(_("决定对象编号"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("搬迁进度变更")
        verbose_name_plural = _("搬迁进度变更")
        indexes = [
            # An enterprise's history, newest first (detail page, API).
            models.Index(fields=["enterprise", "-at"], name="statuschange_enterprise_at"),
            # "Moved into state X between dates" counts on the overview.
            models.Index(fields=["to_status", "at"], name="statuschange_to_at"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.from_status} → {self.to_status}"


class ClosureItemKind(models.TextChoices):
    """The five checks of 两断三清, in the order they are shown."""

    WATER_CUT = "water_cut", _("断水")
    POWER_CUT = "power_cut", _("断电")
    MATERIALS_CLEARED = "materials_cleared", _("清原料")
    EQUIPMENT_CLEARED = "equipment_cleared", _("清设备")
    WASTE_CLEARED = "waste_cleared", _("清产品及危险废物")


class ClosureCheck(TimeStampedModel):
    """One confirmed item of an enterprise's closure checklist. A missing row
    means the item is still open."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="closure_checks", verbose_name=_("企业")
    )
    item = models.CharField(_("核验项目"), max_length=32, choices=ClosureItemKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="closure_checks", verbose_name=_("确认单位"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="closure_checks",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["enterprise", "item"]
        verbose_name = _("关停核验项")
        verbose_name_plural = _("关停核验项")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "item"], name="closure_check_once_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.get_item_display()}"


class ClosureCheckPhoto(models.Model):
    """A site photo attached to a closure confirmation (EXIF time and place kept)."""

    closure_check = models.ForeignKey(
        ClosureCheck, on_delete=models.CASCADE, related_name="photos", verbose_name=_("核验项")
    )
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("照片"))

    class Meta:
        ordering = ["closure_check", "id"]
        verbose_name = _("核验照片")
        verbose_name_plural = _("核验照片")

    def __str__(self) -> str:
        return f"{self.closure_check_id}: {self.file_id}"


class ClosureOverride(models.Model):
    """HQ lets a closure step go ahead despite open findings against it (an
    open "still using water" alert, say), with a reason. It waives exactly the
    findings named in `hold_keys`; one that appears later holds again. Rows
    are never changed or deleted: they are the audit of the decision."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="closure_overrides", verbose_name=_("企业")
    )
    # "verification" (the closure as a whole) or a checklist item (ClosureItemKind).
    step = models.CharField(_("核验环节"), max_length=32)
    hold_keys = models.JSONField(_("放行的预警"), default=list)
    holds_text = models.TextField(_("放行时的预警内容"))
    reason = models.TextField(_("放行理由"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("放行人")
    )
    granted_at = models.DateTimeField(_("放行时间"))

    class Meta:
        ordering = ["enterprise", "granted_at", "id"]
        verbose_name = _("关停核验放行")
        verbose_name_plural = _("关停核验放行")
        indexes = [
            # The guard: the overrides of one enterprise's step.
            models.Index(fields=["enterprise", "step"], name="closure_override_step"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.step}"


class LetterStatus(models.TextChoices):
    GENERATED = "generated", _("已生成待签署")
    SIGNED = "signed", _("已签署")


class CommitmentLetter(TimeStampedModel):
    """The enterprise's commitment letter (关停搬迁承诺书): generated from a
    template, printed, signed and uploaded as a scan."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="commitment_letter", verbose_name=_("企业")
    )
    number = models.CharField(_("编号"), max_length=64, blank=True)
    committed_shutdown_on = models.DateField(_("承诺关停日期"))
    committed_relocation_on = models.DateField(_("承诺搬迁完成日期"), null=True, blank=True)
    obligations = models.JSONField(_("承诺事项"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=32, choices=LetterStatus.choices, default=LetterStatus.GENERATED)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("生成人"),
    )
    signed_on = models.DateField(_("签署日期"), null=True, blank=True)
    signed_file = models.ForeignKey(
        StoredFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签署扫描件"),
    )
    signed_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    dates_changed = models.BooleanField(_("日期已变更"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["committed_shutdown_on", "id"]
        verbose_name = _("关停搬迁承诺书")
        verbose_name_plural = _("关停搬迁承诺书")
        indexes = [
            # The register's filters: signed / not signed / date changed, by date.
            models.Index(fields=["status", "committed_shutdown_on"], name="letter_status_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(committed_relocation_on__isnull=True)
                | models.Q(committed_relocation_on__gte=models.F("committed_shutdown_on")),
                name="letter_relocation_after_shutdown",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="signed") | models.Q(signed_on__isnull=False),
                name="letter_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.enterprise_id}"


class DateChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class CommitmentDateChange(TimeStampedModel):
    """A request to change the committed dates; HQ approves or rejects it
    (someone other than the requester)."""

    letter = models.ForeignKey(
        CommitmentLetter, on_delete=models.CASCADE, related_name="date_changes", verbose_name=_("承诺书")
    )
    old_shutdown_on = models.DateField(_("原关停日期"))
    old_relocation_on = models.DateField(_("原搬迁日期"), null=True, blank=True)
    new_shutdown_on = models.DateField(_("新关停日期"))
    new_relocation_on = models.DateField(_("新搬迁日期"), null=True, blank=True)
    reason = models.TextField(_("变更理由"))
    status = models.CharField(
        _("状态"), max_length=16, choices=DateChangeStatus.choices, default=DateChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("承诺日期变更申请")
        verbose_name_plural = _("承诺日期变更申请")
        indexes = [
            # HQ's queue of pending requests.
            models.Index(fields=["status", "-created_at"], name="datechange_status"),
        ]
        constraints = [
            # Four eyes: nobody approves their own request.
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")),
                name="datechange_requester_not_approver",
            ),
            # Only one open request per letter at a time.
            models.UniqueConstraint(
                fields=["letter"], condition=models.Q(status="pending"), name="datechange_one_pending_per_letter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter} {self.old_shutdown_on} → {self.new_shutdown_on}"


class ProductionChangeKind(models.TextChoices):
    HOLD = "hold", _("执法决定生效")  # a suspension, sealing or ban stops production
    RELEASE = "release", _("执法决定解除")  # the decision was lifted or revoked


class ProductionStatusChange(models.Model):
    """History of the production status (生产状态) changed by an enforcement
    decision: which decision stopped or sealed the enterprise, and which
    release restored it. production.py replays these rows to know what the
    status was before the first decision still in force."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="production_changes",
        verbose_name=_("企业"),
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ProductionChangeKind.choices)
    from_status = models.CharField(_("原生产状态"), max_length=32, choices=ProductionStatus.choices)
    to_status = models.CharField(_("新生产状态"), max_length=32, choices=ProductionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("理由"))
    decision_object_type = models.CharField(_("决定对象类型"), max_length=64)
    decision_object_id = models.CharField(_("决定对象编号"), max_length=64)

    class Meta:
        ordering = ["enterprise", "at", "id"]
        verbose_name = _("生产状态变更")
        verbose_name_plural = _("生产状态变更")
        indexes = [
            # Replaying one enterprise's holds in order.
            models.Index(fields=["enterprise", "at"], name="prodchange_enterprise_at"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.from_status} → {self.to_status}"
