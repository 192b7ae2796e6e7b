"""The monthly bulletin (月度通报): compiled figures, text sections HQ edits,
the issued Word/PDF, who it went to and who opened it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.models import TimeStampedModel
from relocation.organisation.models import Programme, Unit


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")  # compiled; HQ edits the text and may compile again
    ISSUED = "issued", _("已印发")  # numbered, frozen, sent; final


class Bulletin(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="bulletins", verbose_name=_("项目"))
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"))
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    # The month's figures as compiled (see reporting.sources); editing the text never changes them.
    figures = models.JSONField(_("统计数据"), default=dict, blank=True)
    compiled_at = models.DateTimeField(_("汇编时间"), null=True, blank=True)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("印发人"),
    )
    docx = models.BinaryField(_("Word 文件"), null=True, blank=True, editable=False)
    pdf = models.BinaryField(_("PDF 文件"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("月度通报")
        verbose_name_plural = _("月度通报")
        constraints = [
            # One bulletin per month: the compile job can run any number of times.
            models.UniqueConstraint(fields=["programme", "year", "month"], name="bulletin_once_per_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="bulletin_month_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class BulletinSection(TimeStampedModel):
    """A text section of the bulletin. The compiler writes `text` from the figures
    until HQ edits it (`edited`); compiling again then keeps HQ's words."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="sections", verbose_name=_("通报"))
    key = models.SlugField(_("代码"), max_length=32)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    heading = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("正文"), blank=True)
    edited = models.BooleanField(_("已人工修改"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["bulletin", "order", "id"]
        verbose_name = _("通报章节")
        verbose_name_plural = _("通报章节")
        constraints = [models.UniqueConstraint(fields=["bulletin", "key"], name="bulletin_section_once")]

    def __str__(self) -> str:
        return self.heading


class RecipientKind(models.TextChoices):
    MAIN = "main", _("主送")
    COPY = "copy", _("抄送")


class BulletinRecipient(models.Model):
    """Someone the issued bulletin was sent to (unit people 主送, city leaders 抄送)."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulletins_received")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("类别"), max_length=8, choices=RecipientKind.choices)
    sent_at = models.DateTimeField(_("发送时间"))

    class Meta:
        ordering = ["bulletin", "kind", "unit_id", "user_id"]
        verbose_name = _("通报接收人")
        verbose_name_plural = _("通报接收人")
        constraints = [models.UniqueConstraint(fields=["bulletin", "user"], name="bulletin_recipient_once")]

    def __str__(self) -> str:
        return f"{self.bulletin_id} → {self.user_id}"


class BulletinReceipt(models.Model):
    """A read receipt: the first time a user opened an issued bulletin."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulletin_receipts")
    opened_at = models.DateTimeField(_("首次阅读时间"))

    class Meta:
        ordering = ["bulletin", "opened_at"]
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        constraints = [models.UniqueConstraint(fields=["bulletin", "user"], name="bulletin_receipt_once")]

    def __str__(self) -> str:
        return f"{self.bulletin_id} ← {self.user_id}"


class BulletinStatusChange(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("通报状态记录")
        verbose_name_plural = _("通报状态记录")

    def __str__(self) -> str:
        return f"{self.bulletin_id}: {self.from_status} → {self.to_status}"
