"""Base model, the audit chain (also the event stream every timeline reads),
and the in-app notification inbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    """Bulk writes would skip the model guard: refused like save() and delete().
    The database refuses them too (triggers, migration 0006)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events cannot be changed")


class AuditEvent(models.Model):
    """One row per write, chained by hash: altering or removing any row breaks
    the chain from that row on, which `manage.py audit_verify` reports.

    The same rows are the event stream: an enterprise's timeline is the events
    whose `enterprise_id` is that enterprise, whichever app recorded them.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    # Kept as text too: the chain must verify even if the account is renamed.
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    enterprise_id = models.BigIntegerField(_("相关企业"), null=True, blank=True)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)
    changes = models.JSONField(_("字段变更"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            # The enterprise timeline: newest events of one enterprise.
            models.Index(fields=["enterprise_id", "-seq"], name="audit_enterprise_seq"),
            # "History of this object" on detail pages.
            models.Index(fields=["object_type", "object_id", "-seq"], name="audit_object_seq"),
            # The auditors' page filters by time window and action.
            models.Index(fields=["created_at"], name="audit_created"),
            models.Index(fields=["action", "-seq"], name="audit_action_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """A single row holding the last sequence number and hash.

    Writers lock it (SELECT … FOR UPDATE) so that concurrent transactions
    append to the chain one after another instead of forking it.
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class Notification(TimeStampedModel):
    """An item in a user's in-app inbox. `dedupe_key` makes a job that runs
    twice notify once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    verb = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("标题"), max_length=255)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            # The inbox badge: a user's unread items.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(TimeStampedModel):
    """One external channel (e-mail or the group robot) of one notification.

    A worker sends only after claiming the row with a conditional UPDATE
    (pending → sending), so a job queued twice, or two workers, send once. A
    failed attempt returns the row to pending for huey's next retry; after the
    last attempt it stays failed, listed on the undelivered-notifications page.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        WEBHOOK = "webhook", _("全局推送接口")
        ROBOT = "robot", _("单位群机器人")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")  # not tried yet, or failed and waiting for the next retry
        SENDING = "sending", _("发送中")  # claimed by one worker
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")  # the last attempt failed too; nobody retries it

    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知投递")
        verbose_name_plural = _("通知投递")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notification_delivery_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "sent", "failed"]),
                name="notification_delivery_status_valid",
            ),
        ]
        indexes = [
            # The undelivered-notifications page: failed deliveries, newest first.
            models.Index(fields=["status", "-updated_at"], name="notification_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.status}"


class NotificationPreference(TimeStampedModel):
    """A user's choice for one category of notification (see notification_kinds):
    whether it also comes by e-mail. Without a row, e-mail is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    category = models.CharField(_("通知类别"), max_length=32)
    email = models.BooleanField(_("同时发送邮件"), default=True)

    class Meta:
        ordering = ["user", "category"]
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category} {'email' if self.email else 'inbox'}"


class WorkdayOverride(TimeStampedModel):
    """A locally decided working day or day off, overriding the official calendar
    (e.g. a typhoon day, or a Saturday the HQ works)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_workday else '休息日'}"


class OfficialCalendarYear(TimeStampedModel):
    """A year's State Council notice on public holidays (国务院办公厅关于××年部分节假日安排的通知),
    entered by HQ. Its days win over the `chinese-calendar` package, and a year entered
    here counts as covered, so dates in it are no longer estimates."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据（通知文号）"), max_length=200)
    holidays = models.JSONField(_("放假日期"), default=list)
    workdays = models.JSONField(_("调休上班日期"), default=list)

    class Meta:
        ordering = ["year"]
        verbose_name = _("国家节假日安排")
        verbose_name_plural = _("国家节假日安排")
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="calendar_year_in_range")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.source}"


class OfficialCalendarDay(models.Model):
    """One listed day of an entered notice, so a date range is read in the same
    query as the local overrides (a holiday, or a weekend day worked)."""

    year = models.ForeignKey(OfficialCalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("国家节假日安排日期")
        verbose_name_plural = _("国家节假日安排日期")

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_workday else '休息日'}"


class StoredFile(TimeStampedModel):
    """An uploaded file whose type, size and SHA-256 were checked on the way in;
    the hash (of the plaintext) is checked again on every download. The bytes on
    disk are encrypted (core.crypto.encrypt_bytes): a copied media folder shows
    no phone number of a ledger nor an ID card photo."""

    file = models.FileField(_("文件"), upload_to="uploads/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    purpose = models.CharField(_("用途"), max_length=64, blank=True)
    enterprise_id = models.BigIntegerField(_("相关企业"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # From a photo's EXIF data, when present.
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    # Files stored before encryption at rest stay readable; `reindex_lookups --reencrypt` encrypts them.
    encrypted = models.BooleanField(_("加密存储"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [
            # Files of one enterprise (its file page, 一企一档).
            models.Index(fields=["enterprise_id", "-created_at"], name="storedfile_enterprise"),
        ]

    def __str__(self) -> str:
        return self.original_name


class DocumentTemplate(TimeStampedModel):
    """A Word template HQ uploaded to replace the built-in one for a document kind."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("模板文件"), upload_to="templates/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["code"]
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")

    def __str__(self) -> str:
        return self.name


class DocumentSequence(models.Model):
    """The last number issued per issuer prefix and year (发文字号)."""

    prefix = models.CharField(_("机关代字"), max_length=32)
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        ordering = ["prefix", "year"]
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="document_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


class SavedFilter(TimeStampedModel):
    """A user's own named filter of one list (like a saved view): the list's
    query string, applied by opening the list with it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="saved_filters"
    )
    list_key = models.CharField(_("列表"), max_length=64)
    name = models.CharField(_("名称"), max_length=60)
    query = models.CharField(_("筛选条件"), max_length=1000, blank=True)

    class Meta:
        ordering = ["user", "list_key", "name"]
        verbose_name = _("保存的筛选")
        verbose_name_plural = _("保存的筛选")
        constraints = [models.UniqueConstraint(fields=["user", "list_key", "name"], name="saved_filter_name_once")]

    def __str__(self) -> str:
        return f"{self.list_key}: {self.name}"


class DigestOptOut(TimeStampedModel):
    """The person does not want the daily digest of unread notices (default: wanted)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="digest_opt_out"
    )

    class Meta:
        verbose_name = _("不接收每日摘要")
        verbose_name_plural = _("不接收每日摘要")

    def __str__(self) -> str:
        return str(self.user_id)


class NotificationDigest(models.Model):
    """The daily digest sent to one person on one day: the row is claimed before
    sending, so a job run twice sends one message per person per day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField(_("日期"))
    unread = models.PositiveIntegerField(_("未读条数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-day", "user"]
        verbose_name = _("每日摘要")
        verbose_name_plural = _("每日摘要")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
