from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relocation.core import workdays
from relocation.core.roles import Role
from relocation.organisation.models import Unit, User

WORKDAYS_RE = re.compile(r"^\s*(\d{1,3})\s*(?:个)?\s*(?:工作日|working\s*days?)\s*$", re.IGNORECASE)


def parse_deadline(value: str, *, today: dt.date | None = None) -> dt.date:
    """A deadline typed as a date (2022-02-16) or as "N 个工作日" (N working days from today)."""
    value = (value or "").strip()
    match = WORKDAYS_RE.match(value)
    if match:
        n = int(match.group(1))
        if n < 1:
            raise forms.ValidationError(_("工作日数必须大于 0。"))
        return workdays.add_workdays(today or timezone.localdate(), n)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise forms.ValidationError(_("完成时限请填写日期（如 2022-02-16）或“10 个工作日”。")) from None


class WorkdayDeadlineField(forms.CharField):
    """Accepts a date or "N 个工作日"; cleans to a date. Templates render it with
    supervision/_deadline_input.html (live preview of the resolved date)."""

    is_workday_deadline = True

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("完成时限"))
        kwargs.setdefault("help_text", _("填写日期，或“10 个工作日”（按国家法定节假日和调休计算）"))
        super().__init__(max_length=30, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return parse_deadline(value)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def _unit_choices(programme_id: int | None):
    """The programme's units only; without a programme, none (never every programme's)."""
    return Unit.objects.filter(programme_id=programme_id) if programme_id else Unit.objects.none()


class TaskForm(StyledForm):
    title = forms.CharField(label=_("任务"), max_length=300)
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("配合单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    responsible = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), required=False)
    deadline = WorkdayDeadlineField()

    def __init__(self, *args, programme_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        units = _unit_choices(programme_id)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["responsible"].queryset = User.objects.filter(
            is_active=True, role__in=[Role.UNIT_LEADER, Role.UNIT_LIAISON, Role.INSPECTOR]
        ).select_related("unit")

    def clean(self):
        data = super().clean()
        responsible, unit = data.get("responsible"), data.get("lead_unit")
        if responsible and unit and responsible.unit_id != unit.pk:
            self.add_error("responsible", _("责任人必须属于牵头单位。"))
        return data


class ProgressForm(StyledForm):
    body = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("附件（PDF 或图片）"), required=False)


class NoteForm(StyledForm):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReassignForm(StyledForm):
    lead_unit = forms.ModelChoiceField(label=_("新的牵头单位"), queryset=Unit.objects.none())
    responsible = forms.ModelChoiceField(label=_("新的责任人"), queryset=User.objects.none(), required=False)
    reason = forms.CharField(label=_("改派理由"), max_length=500)

    def __init__(self, *args, programme_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _unit_choices(programme_id)
        self.fields["responsible"].queryset = User.objects.filter(
            is_active=True, role__in=[Role.UNIT_LEADER, Role.UNIT_LIAISON, Role.INSPECTOR]
        )


class ExtendForm(StyledForm):
    deadline = WorkdayDeadlineField(label=_("新的完成时限"))
    reason = forms.CharField(label=_("理由"), max_length=500)


class ReportForm(StyledForm):
    progress = forms.CharField(label=_("工作进展"), widget=forms.Textarea(attrs={"rows": 8}))
    problems = forms.CharField(
        label=_("需协调解决的问题"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("每行一个问题，可写成“问题：详细情况”；以“【紧急】”开头的问题会立即提醒指挥部。"),
    )
    next_steps = forms.CharField(label=_("下一步工作"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    suggestions = forms.CharField(label=_("意见建议"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def problem_list(self) -> list[dict]:
        result = []
        for line in self.cleaned_data.get("problems", "").splitlines():
            line = line.strip()
            if not line:
                continue
            urgent = line.startswith("【紧急】")
            line = line.removeprefix("【紧急】").strip()
            title, _sep, detail = line.partition("：")
            result.append({"title": title.strip(), "detail": detail.strip(), "is_urgent": urgent})
        return result


class ReviewForm(StyledForm):
    comment = forms.CharField(label=_("审阅意见"), widget=forms.Textarea(attrs={"rows": 3}))


class InspectionForm(StyledForm):
    title = forms.CharField(label=_("督查主题"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=[(i, i) for i in range(1, 5)], coerce=int)
    scope = forms.CharField(label=_("督查范围"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FindingForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    description = forms.CharField(label=_("发现问题"), widget=forms.Textarea(attrs={"rows": 2}))
    rectification = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = WorkdayDeadlineField(label=_("整改时限"), required=False)

    def __init__(self, *args, programme_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _unit_choices(programme_id)


class SettingsForm(forms.ModelForm):
    class Meta:
        from relocation.supervision.models import SupervisionSettings

        model = SupervisionSettings
        fields = [
            "yellow_workdays",
            "escalate_commander_workdays",
            "escalate_group_workdays",
            "report_period_days",
            "report_anchor",
            "report_due_workdays",
            "report_remind_workdays",
            "notice_issuer",
            "notice_prefix",
        ]
        widgets = {"report_anchor": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class WorkdayOverrideForm(StyledForm):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("调整为"),
        choices=[("1", _("工作日（上班）")), ("0", _("休息日（不上班）"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("原因"), max_length=200)
