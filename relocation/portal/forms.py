"""Forms of the portal pages; the rules themselves live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.portal.models import InquiryKind, RejectReason

TEXT = {"class": "form-control"}


class PublicInquiryForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=InquiryKind.choices, widget=forms.RadioSelect)
    subject = forms.CharField(label=_("标题"), max_length=120, widget=forms.TextInput(attrs=TEXT))
    text = forms.CharField(label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={**TEXT, "rows": 5}))
    location = forms.CharField(
        label=_("地点（选填）"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    contact_name = forms.CharField(
        label=_("姓名（选填）"), max_length=64, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    phone = forms.CharField(
        label=_("联系电话（选填）"), max_length=32, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    # The honeypot: hidden from people by CSS, filled in by form-filling scripts.
    website = forms.CharField(
        label=_("网址"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )


class AskForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[(InquiryKind.POLICY, InquiryKind.POLICY.label), (InquiryKind.COMPLAINT, InquiryKind.COMPLAINT.label)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    subject = forms.CharField(label=_("标题"), max_length=120, widget=forms.TextInput(attrs=TEXT))
    text = forms.CharField(label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={**TEXT, "rows": 5}))


class LookupForm(forms.Form):
    number = forms.CharField(label=_("受理编号"), max_length=32, widget=forms.TextInput(attrs=TEXT))
    code = forms.CharField(
        label=_("查询码"), max_length=16, widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"})
    )

    def __init__(self, *args: Any, example: str = "", **kwargs: Any) -> None:
        """`example`: a number as the programme of the page writes them (its prefix)."""
        super().__init__(*args, **kwargs)
        if example:
            self.fields["number"].widget.attrs["placeholder"] = example


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("追问或补充"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(VersionForm):
    unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    enterprise = forms.ModelChoiceField(
        label=_("相关企业（选填）"), queryset=None, required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from relocation.enterprises.models import Enterprise
        from relocation.organisation.models import Unit

        self.fields["unit"].queryset = Unit.objects.filter(programme=programme).exclude(kind=Unit.Kind.HEADQUARTERS)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(programme=programme).only("pk", "name")


class DraftForm(VersionForm):
    text = forms.CharField(label=_("答复内容"), max_length=5000, widget=forms.Textarea(attrs={**TEXT, "rows": 6}))


class RejectForm(VersionForm):
    reason = forms.ChoiceField(
        label=_("不予受理原因"), choices=RejectReason.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT))


class KindSettingForm(VersionForm):
    due_workdays = forms.IntegerField(
        label=_("办理时限（工作日）"), min_value=1, max_value=60, widget=forms.NumberInput(attrs=TEXT)
    )
    unit_may_publish = forms.BooleanField(label=_("承办单位可直接答复"), required=False)
