"""Public reports and inquiries, and enterprise contacts' questions (诉求与咨询):
the contact channel the plan asks HQ to keep open (方案 四(三)1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.fields import EncryptedTextField
from relocation.core.models import StoredFile, TimeStampedModel
from relocation.organisation.models import Programme, Unit


class InquiryKind(models.TextChoices):
    POLLUTION = "pollution", _("举报污染")
    POLICY = "policy", _("咨询政策")
    COMPLAINT = "complaint", _("投诉建议")


class InquiryChannel(models.TextChoices):
    PUBLIC = "public", _("社会公众")  # anonymous, through the public page or API
    ENTERPRISE = "enterprise", _("企业")  # a logged-in enterprise contact, about their own enterprise


class InquiryStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")  # submitted; waits for HQ to triage it
    ASSIGNED = "assigned", _("已交办")  # a member unit handles it and drafts the answer
    ANSWERED = "answered", _("已答复")  # the answer is published to the person who asked
    CLOSED = "closed", _("已办结")  # HQ closed it; a follow-up reopens it
    REJECTED = "rejected", _("不予受理")  # spam or a duplicate, with the reason; final


class RejectReason(models.TextChoices):
    SPAM = "spam", _("无效信息")
    DUPLICATE = "duplicate", _("重复提交")
    OUT_OF_SCOPE = "out_of_scope", _("不属于本平台受理范围")


class KindSetting(TimeStampedModel):
    """How a kind of inquiry is handled: the working days a unit has to answer,
    and whether the unit may publish its answer itself or HQ publishes it."""

    kind = models.CharField(_("类型"), max_length=16, choices=InquiryKind.choices, unique=True)
    due_workdays = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    unit_may_publish = models.BooleanField(_("承办单位可直接答复"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("办理时限设置")
        verbose_name_plural = _("办理时限设置")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_workdays__gte=1, due_workdays__lte=60), name="portal_due_workdays_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.due_workdays}"


class Inquiry(TimeStampedModel):
    """One report, inquiry or question and its answer.

    The tracking number is sequential per year and so guessable; the query code
    (only its keyed digest is stored) is what proves the asker is looking."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("项目"))
    number = models.CharField(_("受理编号"), max_length=32, unique=True)
    code_digest = models.CharField(max_length=64)
    channel = models.CharField(_("渠道"), max_length=16, choices=InquiryChannel.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=InquiryKind.choices)
    subject = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("内容"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    photos = models.ManyToManyField(StoredFile, blank=True, related_name="+", verbose_name=_("照片"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiries",
        verbose_name=_("提交账户"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiries",
        verbose_name=_("相关企业"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=InquiryStatus.choices, default=InquiryStatus.RECEIVED)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("承办单位")
    )
    due_date = models.DateField(_("办理时限"), null=True, blank=True)
    draft_answer = models.TextField(_("答复草稿"), blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reject_reason = models.CharField(_("不予受理原因"), max_length=16, choices=RejectReason.choices, blank=True)
    reject_note = models.CharField(_("说明"), max_length=300, blank=True)
    # The supervision task a pollution report becomes for its unit.
    task = models.OneToOneField(
        "supervision.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portal_inquiry",
        verbose_name=_("督办任务"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["assigned", "answered", "closed"]) | models.Q(unit__isnull=False),
                name="portal_handled_inquiry_has_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reject_reason=""),
                name="portal_rejection_has_reason",
            ),
        ]
        indexes = [
            # HQ's inbox: a programme's items by status, newest first.
            models.Index(fields=["programme", "status", "-created_at"], name="portal_inbox"),
            # A unit's inbox and the overdue scan: its items by status and due date.
            models.Index(fields=["unit", "status", "due_date"], name="portal_unit_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class InquiryStatusChange(models.Model):
    """History of an inquiry's status, with who moved it and why."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("诉求状态记录")
        verbose_name_plural = _("诉求状态记录")

    def __str__(self) -> str:
        return f"{self.inquiry_id}: {self.from_status} → {self.to_status}"

    @property
    def to_label(self) -> str:
        return str(InquiryStatus(self.to_status).label) if self.to_status in InquiryStatus.values else self.to_status


class FollowUp(models.Model):
    """More from the person who asked, after the answer (追问); it reopens the item."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.TextField(_("追问内容"))
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("追问")
        verbose_name_plural = _("追问")

    def __str__(self) -> str:
        return self.text[:40]
