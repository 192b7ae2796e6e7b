"""Forms of the enforcement pages. They only parse input; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.enforcement.models import (
    ChecklistItem,
    EnforcementDomain,
    EnforcementTeam,
    FollowUpResult,
    JointOperation,
    LegalBasis,
    MeasureKind,
)
from relocation.enterprises.models import Enterprise


class InspectionForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("企业"))
    team = forms.ModelChoiceField(queryset=EnforcementTeam.objects.none(), label=_("执法组"))
    operation = forms.ModelChoiceField(queryset=JointOperation.objects.none(), required=False, label=_("联合执法行动"))
    inspected_on = forms.DateField(label=_("检查日期"))
    inspectors = forms.ModelMultipleChoiceField(queryset=None, label=_("执法人员"))  # type: ignore[arg-type]
    findings = forms.CharField(required=False, label=_("检查情况"))
    representative_name = forms.CharField(required=False, max_length=64, label=_("企业代表"))
    representative_ack = forms.ChoiceField(
        choices=[("signed", _("已签名")), ("refused", _("拒绝签名"))], label=_("企业代表确认")
    )
    follow_up_result = forms.ChoiceField(choices=FollowUpResult.choices, required=False, label=_("复查结论"))

    def __init__(self, *args: Any, enterprises: Any, teams: Any, operations: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["team"].queryset = teams
        self.fields["operation"].queryset = operations
        self.fields["inspectors"].queryset = users
        self.fields["inspectors"].error_messages["required"] = _("请至少选择两名执法人员。")


class ViolationForm(forms.Form):
    domain = forms.ModelChoiceField(queryset=EnforcementDomain.objects.none(), label=_("执法领域"))
    legal_basis = forms.ModelChoiceField(queryset=LegalBasis.objects.none(), required=False, label=_("法律依据"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("违法事实"))
    checklist_item = forms.ModelChoiceField(queryset=ChecklistItem.objects.none(), required=False, label=_("检查事项"))

    def __init__(self, *args: Any, domains: Any, bases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = domains
        self.fields["legal_basis"].queryset = bases
        self.fields["checklist_item"].queryset = ChecklistItem.objects.filter(domain__in=domains)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(choices=MeasureKind.choices, label=_("措施"))
    workdays = forms.IntegerField(required=False, min_value=1, max_value=180, label=_("整改期限(工作日)"))
    amount = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2, label=_("罚款金额(元)"))
    decision_number = forms.CharField(required=False, max_length=64, label=_("决定书文号"))
    content = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("内容"))


class MeasureEditForm(forms.Form):
    content = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("内容"))
    amount = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2, label=_("罚款金额(元)"))
    decision_number = forms.CharField(required=False, max_length=64, label=_("决定书文号"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("理由"))


class OperationForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("行动名称"))
    planned_on = forms.DateField(label=_("计划日期"), widget=forms.DateInput(attrs={"type": "date"}))
    teams = forms.ModelMultipleChoiceField(
        queryset=EnforcementTeam.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("参与执法组")
    )
    targets = forms.ModelMultipleChoiceField(
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        label=_("目标企业"),
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("说明"))

    def __init__(self, *args: Any, teams: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams
        self.fields["targets"].queryset = enterprises
        for name in ("name", "planned_on", "notes", "targets"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")


class TeamForm(forms.Form):
    domain = forms.ModelChoiceField(queryset=EnforcementDomain.objects.none(), label=_("执法领域"))
    name = forms.CharField(max_length=100, label=_("名称"))
    members = forms.ModelMultipleChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label=_("成员"),
    )

    def __init__(self, *args: Any, domains: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = domains
        self.fields["members"].queryset = users
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if not isinstance(field, forms.CharField) else "form-control"
            )


class ChecklistItemForm(forms.Form):
    domain = forms.ModelChoiceField(queryset=EnforcementDomain.objects.none(), label=_("执法领域"))
    text = forms.CharField(max_length=300, label=_("检查事项"))

    def __init__(self, *args: Any, domains: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = domains
        self.fields["domain"].widget.attrs["class"] = "form-select"
        self.fields["text"].widget.attrs["class"] = "form-control"


class LegalBasisForm(forms.Form):
    domain = forms.ModelChoiceField(queryset=EnforcementDomain.objects.none(), label=_("执法领域"))
    law = forms.CharField(max_length=200, label=_("法律法规"))
    article = forms.CharField(max_length=100, label=_("条款"))
    summary = forms.CharField(max_length=500, required=False, label=_("内容摘要"))

    def __init__(self, *args: Any, domains: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = domains
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "domain" else "form-control"
