"""Forms of the lifecycle pages. They only parse input; the rules live in the
services (lifecycle, closure, commitments, batches)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.enterprises.models import DestinationType, LifecycleStatus

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
TEXT = {"class": "form-control form-control-sm"}


class MoveForm(forms.Form):
    target = forms.ChoiceField(label=_("变更为"), choices=LifecycleStatus.choices)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={**TEXT, "rows": 2}), max_length=2000)
    destination_type = forms.ChoiceField(
        label=_("去向"),
        choices=[("", "—"), *DestinationType.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    destination_park_id = forms.IntegerField(
        label=_("承接园区编号"), required=False, min_value=1, widget=forms.NumberInput(attrs=TEXT)
    )
    destination_name = forms.CharField(
        label=_("去向名称"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT)
    )
    decision_ref = forms.CharField(
        label=_("决定文号"), required=False, max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    evidence = forms.FileField(
        label=_("证明材料（PDF/JPG/PNG）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"}),
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ClosureConfirmForm(forms.Form):
    # The view reads every selected file (request.FILES.getlist); the service
    # refuses a confirmation without a photo.
    photos = forms.FileField(
        label=_("现场照片"),
        required=False,
        widget=MultiplePhotoInput(
            attrs={"class": "form-control form-control-sm", "accept": "image/jpeg,image/png", "multiple": True}
        ),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=1000, widget=forms.TextInput(attrs=TEXT))


class ForcedClosureForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.TextInput(attrs=TEXT))
    decision_ref = forms.CharField(label=_("决定文号"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    confirm = forms.BooleanField(
        label=_("我已核对：该企业逾期未关停或已有执法决定，确认启动强制关停"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class ForcedClosureLiftForm(forms.Form):
    reason = forms.CharField(label=_("解除理由"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))


class BatchForm(forms.Form):
    name = forms.CharField(label=_("批次名称"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    deadline = forms.DateField(label=_("关停时限"), widget=DATE)
    order = forms.IntegerField(label=_("顺序"), min_value=0, initial=0, widget=forms.NumberInput(attrs=TEXT))
    description = forms.CharField(label=_("说明"), required=False, widget=forms.TextInput(attrs=TEXT))


class LetterForm(forms.Form):
    committed_shutdown_on = forms.DateField(label=_("承诺关停日期"), widget=DATE)
    committed_relocation_on = forms.DateField(label=_("承诺搬迁完成日期"), required=False, widget=DATE)
    obligations = forms.CharField(
        label=_("承诺事项（每行一项）"), widget=forms.Textarea(attrs={**TEXT, "rows": 7}), required=False
    )

    def clean_obligations(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("obligations", "").splitlines() if line.strip()]


class LetterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("签署后的扫描件（PDF/JPG/PNG）"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control form-control-sm", "accept": "application/pdf,image/jpeg,image/png"}
        ),
    )
    signed_on = forms.DateField(label=_("签署日期"), widget=DATE)


class LetterTemplateForm(forms.Form):
    file = forms.FileField(
        label=_("Word 模板（.docx）"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control form-control-sm",
                "accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            }
        ),
    )


class DateChangeForm(forms.Form):
    new_shutdown_on = forms.DateField(label=_("新的关停日期"), widget=DATE)
    new_relocation_on = forms.DateField(label=_("新的搬迁完成日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("变更理由"), max_length=2000, widget=forms.TextInput(attrs=TEXT))


class DateChangeDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批结果"), choices=[("1", _("批准")), ("0", _("驳回"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("审批意见"), required=False, max_length=1000, widget=forms.TextInput(attrs=TEXT))
