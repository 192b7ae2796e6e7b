"""The enterprise ledger (台账): enterprises, visits and their contacts.

Lifecycle, batches, commitment letters and closure checks build on these
models (see transitions.py and the lifecycle modules).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.fields import EncryptedTextField
from relocation.core.models import StoredFile, TimeStampedModel
from relocation.organisation.models import Programme, Unit


class Industry(models.TextChoices):
    ELECTROPLATING = "electroplating", _("电镀")
    DYEING = "dyeing", _("印染")
    OTHER = "other", _("其他")


class Process(models.TextChoices):
    ZINC = "zinc", _("镀锌")
    NICKEL = "nickel", _("镀镍")
    CHROMIUM = "chromium", _("镀铬")
    COPPER = "copper", _("镀铜")
    CYANIDE = "cyanide", _("氰化电镀")
    PRECIOUS = "precious", _("镀金银")
    ANODISING = "anodising", _("阳极氧化")
    PHOSPHATING = "phosphating", _("磷化")
    DYEING = "dyeing", _("染色")
    PRINTING = "printing", _("印花")
    WASHING = "washing", _("水洗")
    FINISHING = "finishing", _("后整理")


class CapitalBackground(models.TextChoices):
    DOMESTIC = "domestic", _("内资")
    HONG_KONG = "hong_kong", _("港资")
    MACAO = "macao", _("澳资")
    TAIWAN = "taiwan", _("台资")
    FOREIGN = "foreign", _("外资")


class PropertyOwnerType(models.TextChoices):
    COMMUNITY_COLLECTIVE = "community_collective", _("社区集体")
    VILLAGE_GROUP = "village_group", _("村小组")
    PRIVATE = "private", _("私人")


class ProductionStatus(models.TextChoices):
    PRODUCING = "producing", _("正常生产")
    PARTIAL = "partial", _("部分生产")
    STOPPED = "stopped", _("已停产")
    SEALED = "sealed", _("已查封")


class Intention(models.TextChoices):
    MOVE_TO_PARK = "move_to_park", _("搬入园区")
    MOVE_OUT_OF_CITY = "move_out_of_city", _("迁出本市")
    CLOSE = "close", _("关停退出")
    UNDECIDED = "undecided", _("未决定")
    REFUSES = "refuses", _("拒绝搬迁")


class LifecycleStatus(models.TextChoices):
    """Where an enterprise stands on its way out of the zone (transitions.py
    lists the allowed moves)."""

    SURVEYED = "surveyed", _("已摸查")
    INTENTION_RECORDED = "intention_recorded", _("已登记意向")
    COMMITMENT_SIGNED = "commitment_signed", _("已签承诺书")
    DESTINATION_CONFIRMED = "destination_confirmed", _("去向已确定")
    PRODUCTION_STOPPED = "production_stopped", _("已停产")
    CLOSURE_VERIFIED = "closure_verified", _("关停已核验")
    RELOCATED = "relocated", _("已搬迁投产")
    CLOSED = "closed", _("已关停退出")
    HOLDOUT = "holdout", _("拒不关停搬迁")
    FORCED_CLOSURE = "forced_closure", _("强制关停中")


class Category(TimeStampedModel):
    """A class of enterprise in the plan's 分类管理 (e.g. 配合搬迁·符合入园条件,
    关停退出, 钉子户). `rule` is data evaluated by categories.py: it only
    *proposes* a category; a person confirms it on the enterprise."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    order = models.PositiveIntegerField(_("顺序"), default=100)
    # {"all": [{"field": "intention", "in": ["move_to_park"]}, ...]} — see categories.py.
    rule = models.JSONField(_("建议规则"), default=dict, blank=True)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("企业分类")
        verbose_name_plural = _("企业分类")

    def __str__(self) -> str:
        return self.name


class Enterprise(TimeStampedModel):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("项目")
    )
    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    territorial_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="territorial_enterprises",
        verbose_name=_("属地单位"),
    )
    latitude = models.FloatField(
        _("纬度"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("经度"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    parcel = models.JSONField(_("地块范围"), default=dict, blank=True)
    industry = models.CharField(_("行业类别"), max_length=32, choices=Industry.choices, default=Industry.ELECTROPLATING)
    processes = models.JSONField(_("主要工艺"), default=list, blank=True)
    capital_background = models.CharField(
        _("资本背景"), max_length=32, choices=CapitalBackground.choices, default=CapitalBackground.DOMESTIC
    )
    is_key_polluter = models.BooleanField(_("重点污染企业"), default=False)
    workers_count = models.PositiveIntegerField(_("从业人数"), default=0)
    floor_area_m2 = models.DecimalField(_("厂房面积(平方米)"), max_digits=12, decimal_places=2, default=0)
    wastewater_t_per_day = models.DecimalField(_("废水排放量(吨/日)"), max_digits=10, decimal_places=2, default=0)
    discharge_permit_no = models.CharField(_("排污许可证编号"), max_length=64, blank=True)
    permit_expires_on = models.DateField(_("许可证有效期至"), null=True, blank=True)
    property_owner_type = models.CharField(_("物业性质"), max_length=32, choices=PropertyOwnerType.choices, blank=True)
    lease_ends_on = models.DateField(_("租约到期日"), null=True, blank=True)
    production_status = models.CharField(
        _("生产状态"), max_length=32, choices=ProductionStatus.choices, default=ProductionStatus.PRODUCING
    )
    intention = models.CharField(_("搬迁意向"), max_length=32, choices=Intention.choices, blank=True)
    status = models.CharField(
        _("搬迁进度"), max_length=32, choices=LifecycleStatus.choices, default=LifecycleStatus.SURVEYED
    )
    status_changed_at = models.DateTimeField(_("进度更新时间"), null=True, blank=True)
    is_repeat_offender = models.BooleanField(_("屡禁不止"), default=False)
    # Confirmed by a person (categories.category_confirm); rules only propose.
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("分类"),
    )
    notes = models.TextField(_("备注"), blank=True)
    # Incremented by every write: an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # Name, code, address and people in one lower-cased column for the search box.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            models.UniqueConstraint(fields=["programme", "credit_code"], name="enterprise_credit_code_unique"),
            models.CheckConstraint(condition=models.Q(floor_area_m2__gte=0), name="enterprise_floor_area_non_negative"),
            models.CheckConstraint(
                condition=models.Q(wastewater_t_per_day__gte=0), name="enterprise_wastewater_non_negative"
            ),
        ]
        indexes = [
            # The ledger list's default filter and order: one programme, by status, by name.
            models.Index(fields=["programme", "status", "name"], name="enterprise_prog_status_name"),
            models.Index(fields=["programme", "industry", "name"], name="enterprise_prog_industry"),
            models.Index(fields=["territorial_unit", "name"], name="enterprise_territorial"),
            # The ledger list filtered by category (分类), by name.
            models.Index(fields=["programme", "category", "name"], name="enterprise_prog_category"),
            # The unfiltered ledger list: one programme ordered by name (and its COUNT).
            models.Index(fields=["programme", "name", "id"], name="enterprise_prog_name"),
            # The ledger list's other sort orders (人数, 面积, 最近更新) without sorting the table.
            models.Index(fields=["programme", "workers_count", "id"], name="enterprise_prog_workers"),
            models.Index(fields=["programme", "floor_area_m2", "id"], name="enterprise_prog_area"),
            models.Index(fields=["programme", "updated_at", "id"], name="enterprise_prog_updated"),
            # The search box (alone or with 行业): its COUNT and row filter read this
            # narrow index instead of every wide table row. search_text stays well
            # under PostgreSQL's B-tree entry limit (its parts are at most 650 characters).
            models.Index(fields=["programme", "industry", "search_text"], name="enterprise_prog_search"),
            # 重点污染 (with or without 资本背景), counted and listed by name.
            models.Index(
                fields=["programme", "is_key_polluter", "capital_background", "name"], name="enterprise_prog_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def build_search_text(self) -> str:
        parts = [self.name, self.credit_code, self.address, self.legal_representative, self.contact_person]
        return " ".join(p for p in parts if p).lower()


class Visit(TimeStampedModel):
    """A field visit (走访): what was seen and what the enterprise intends."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visits", verbose_name=_("企业"))
    visited_on = models.DateField(_("走访日期"))
    visitors = models.CharField(_("走访人员"), max_length=200)
    production_status_seen = models.CharField(_("生产状态"), max_length=32, choices=ProductionStatus.choices)
    intention = models.CharField(_("搬迁意向"), max_length=32, choices=Intention.choices)
    demands = models.TextField(_("企业诉求"), blank=True)
    notes = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("记录人")
    )

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        indexes = [
            # An enterprise's visits, newest first, on its detail page.
            models.Index(fields=["enterprise", "-visited_on"], name="visit_enterprise_date"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"


class EnterpriseContact(TimeStampedModel):
    """Links an enterprise-contact account to the one enterprise it may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_link", verbose_name=_("账户")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("企业")
    )

    class Meta:
        ordering = ["enterprise", "user"]
        verbose_name = _("企业账户")
        verbose_name_plural = _("企业账户")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.user}"


class CategoryChange(TimeStampedModel):
    """History of an enterprise's confirmed category: who moved it from what
    to what, what the rules proposed at the time, and why."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="category_changes", verbose_name=_("企业")
    )
    from_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("原分类")
    )
    to_category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("新分类"))
    proposed_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("规则建议")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("确认人")
    )
    reason = models.CharField(_("理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("分类变更")
        verbose_name_plural = _("分类变更")
        indexes = [
            # The category history on the enterprise page, newest first.
            models.Index(fields=["enterprise", "-created_at"], name="category_change_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.to_category}"


class LedgerImport(TimeStampedModel):
    """An uploaded ledger workbook between preview (dry run) and confirmation.

    The file is kept (core.uploads, with its SHA-256) so that the confirmation
    applies exactly the bytes that were previewed, whichever server process
    handles it."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("已预览")
        APPLIED = "applied", _("已导入")
        REJECTED = "rejected", _("已拒绝")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="ledger_imports", verbose_name=_("项目")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("上传人")
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    # Checked and hashed by core.uploads; re-verified before it is applied.
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("文件"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    report = models.JSONField(_("检查结果"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        indexes = [
            # "My recent imports" on the import page.
            models.Index(fields=["uploaded_by", "-created_at"], name="ledger_import_user"),
        ]

    def __str__(self) -> str:
        return self.file_name


# The lifecycle's models (history, plans, batches, closure checks, letters) live in their own module.
from relocation.enterprises.lifecycle_models import *  # noqa: E402, F403
