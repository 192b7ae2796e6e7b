from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.meetings.models import AttendanceStatus
from relocation.organisation.models import Unit


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(label=_("会议时间"), widget=DateTimeInput(attrs={"class": "form-control"}))
    place = forms.CharField(
        label=_("地点"), max_length=200, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    reason = forms.CharField(
        label=_("调整原因"), max_length=300, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class ExtraMeetingForm(forms.Form):
    title = forms.CharField(
        label=_("会议名称"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    scheduled_at = forms.DateTimeField(label=_("会议时间"), widget=DateTimeInput(attrs={"class": "form-control"}))
    place = forms.CharField(
        label=_("地点"), max_length=200, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control"}))
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    lead_unit = forms.ModelChoiceField(
        label=_("牵头单位"), queryset=Unit.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("配合单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}),
    )
    deadline = forms.DateField(
        label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    make_task = forms.BooleanField(label=_("同时转为任务"), required=False, initial=True)

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(programme=programme).exclude(kind=Unit.Kind.HEADQUARTERS)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class RequestForm(forms.Form):
    problem = forms.CharField(
        label=_("需要协调的紧急问题"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    details = forms.CharField(
        label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 4})
    )


class AcceptRequestForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("会议时间"), widget=DateTimeInput(attrs={"class": "form-control form-control-sm"})
    )
    place = forms.CharField(
        label=_("地点"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class DeclineRequestForm(forms.Form):
    reply = forms.CharField(
        label=_("理由"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )


ATTENDANCE_CHOICES = [("", _("未登记")), *AttendanceStatus.choices]
