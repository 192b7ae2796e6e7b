"""Forms of the stability pages. They only parse input; every rule is in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Unit
from relocation.stability.models import (
    IncidentKind,
    OpinionLevel,
    OpinionSource,
    RiskFactor,
    RiskLevel,
    Sentiment,
    Severity,
)

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **TEXT}), **kwargs
    )


def _units(label: Any, *, required: bool = True, many: bool = False) -> forms.Field:
    if many:
        return forms.ModelMultipleChoiceField(
            label=label,
            queryset=Unit.objects.none(),
            required=required,
            widget=forms.SelectMultiple(attrs={**SELECT, "size": 4}),
        )
    return forms.ModelChoiceField(
        label=label, queryset=Unit.objects.none(), required=required, widget=forms.Select(attrs=SELECT)
    )


class ProgrammeForm(forms.Form):
    """A form whose unit and enterprise choices come from the programme (and the user's scope)."""

    unit_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, programme: Any = None, enterprises: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(programme=programme) if programme is not None else Unit.objects.none()
        for name in self.unit_fields:
            if name in self.fields:
                self.fields[name].queryset = units
        if "enterprise" in self.fields and enterprises is not None:
            self.fields["enterprise"].queryset = enterprises


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RiskForm(ProgrammeForm):
    unit_fields = ("responsible_unit", "co_units")
    enterprise = forms.ModelChoiceField(
        label=_("企业"), queryset=Enterprise.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices, widget=forms.Select(attrs=SELECT))
    factors = forms.MultipleChoiceField(
        label=_("风险因素"),
        choices=RiskFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("台港澳资背景按企业台账的资本背景自动标注。"),
    )
    responsible_unit = _units(_("责任单位"))
    co_units = _units(_("配合单位"), required=False, many=True)
    review_on = _date(_("下次研判日期"))
    notes = forms.CharField(label=_("研判情况"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))


class RiskEditForm(RiskForm, VersionedForm):
    reason = forms.CharField(
        label=_("调整等级的理由"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("风险等级有变化时必填。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["enterprise"]


class IncidentForm(ProgrammeForm):
    unit_fields = ("lead_unit", "co_units")
    kind = forms.ChoiceField(label=_("事件类型"), choices=IncidentKind.choices, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(label=_("事件名称"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=DateTimeInput(attrs=TEXT))
    place = forms.CharField(label=_("发生地点"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    enterprise = forms.ModelChoiceField(
        label=_("涉及企业"), queryset=Enterprise.objects.none(), required=False, widget=forms.Select(attrs=SELECT)
    )
    people_count = forms.IntegerField(label=_("涉及人数"), min_value=0, initial=0, widget=forms.NumberInput(attrs=TEXT))
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, widget=forms.Select(attrs=SELECT))
    description = forms.CharField(label=_("事件经过"), widget=forms.Textarea(attrs={**TEXT, "rows": 4}))
    lead_unit = _units(_("处置牵头单位"), required=False)
    co_units = _units(_("配合单位"), required=False, many=True)


class IncidentEditForm(ProgrammeForm, VersionedForm):
    unit_fields = ("co_units",)
    title = forms.CharField(label=_("事件名称"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    place = forms.CharField(label=_("发生地点"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    people_count = forms.IntegerField(label=_("涉及人数"), min_value=0, widget=forms.NumberInput(attrs=TEXT))
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, widget=forms.Select(attrs=SELECT))
    description = forms.CharField(label=_("事件经过"), widget=forms.Textarea(attrs={**TEXT, "rows": 4}))
    co_units = _units(_("配合单位"), required=False, many=True)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class IncidentActionForm(ProgrammeForm):
    unit_fields = ("unit",)
    text = forms.CharField(label=_("后续措施"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    unit = _units(_("责任单位"))
    due_on = _date(_("完成时限"))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("照片或文件（JPG、PNG、PDF）"), widget=forms.ClearableFileInput(attrs=TEXT))
    note = forms.CharField(label=_("说明"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))


class PlanForm(ProgrammeForm):
    unit_fields = ("responsible_units",)
    title = forms.CharField(label=_("预案名称"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    scope = forms.CharField(label=_("适用范围"), widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    responsible_units = _units(_("责任单位"), many=True)
    contact_roles = forms.CharField(
        label=_("联络角色"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
        help_text=_("每行一个角色，例如：现场处置组：属地镇街（分管副职）"),
    )


class PlanEditForm(PlanForm, VersionedForm):
    pass


class PlanVersionForm(forms.Form):
    file = forms.FileField(label=_("预案文本（PDF 或 Word）"), widget=forms.ClearableFileInput(attrs=TEXT))
    changes = forms.CharField(label=_("修订说明"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT))


class ApproveForm(forms.Form):
    approved_by = forms.CharField(label=_("批准机关"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    approved_on = _date(_("批准日期"))


class DrillForm(forms.Form):
    held_on = _date(_("演练日期"))
    place = forms.CharField(label=_("地点"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    participants = forms.CharField(
        label=_("参演单位和人数"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    findings = forms.CharField(label=_("发现的问题和改进措施"), widget=forms.Textarea(attrs={**TEXT, "rows": 3}))


class OpinionForm(ProgrammeForm):
    unit_fields = ("owner_unit", "co_units")
    source = forms.ChoiceField(label=_("来源"), choices=OpinionSource.choices, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(label=_("舆情标题"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    url = forms.URLField(
        label=_("链接"), max_length=500, assume_scheme="https", required=False, widget=forms.URLInput(attrs=TEXT)
    )
    description = forms.CharField(label=_("内容摘要"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    first_seen_at = forms.DateTimeField(label=_("首次发现时间"), widget=DateTimeInput(attrs=TEXT))
    level = forms.ChoiceField(label=_("舆情等级"), choices=OpinionLevel.choices, widget=forms.Select(attrs=SELECT))
    heat = forms.IntegerField(
        label=_("热度（阅读/转发量）"), min_value=0, initial=0, widget=forms.NumberInput(attrs=TEXT)
    )
    sentiment = forms.ChoiceField(label=_("倾向"), choices=Sentiment.choices, widget=forms.Select(attrs=SELECT))
    enterprise = forms.ModelChoiceField(
        label=_("相关企业"), queryset=Enterprise.objects.none(), required=False, widget=forms.Select(attrs=SELECT)
    )
    owner_unit = _units(_("处置单位"), required=False)
    co_units = _units(_("配合单位"), required=False, many=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].help_text = _("不选则按规定：宣传部门；涉台港澳资企业由台港澳办牵头。")


class OpinionEditForm(ProgrammeForm, VersionedForm):
    unit_fields = ("co_units",)
    title = forms.CharField(label=_("舆情标题"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    url = forms.URLField(
        label=_("链接"), max_length=500, assume_scheme="https", required=False, widget=forms.URLInput(attrs=TEXT)
    )
    description = forms.CharField(label=_("内容摘要"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    level = forms.ChoiceField(label=_("舆情等级"), choices=OpinionLevel.choices, widget=forms.Select(attrs=SELECT))
    heat = forms.IntegerField(label=_("热度（阅读/转发量）"), min_value=0, widget=forms.NumberInput(attrs=TEXT))
    sentiment = forms.ChoiceField(label=_("倾向"), choices=Sentiment.choices, widget=forms.Select(attrs=SELECT))
    co_units = _units(_("配合单位"), required=False, many=True)


class CloseOpinionForm(forms.Form):
    published_response = forms.CharField(label=_("已发布的回应"), widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
