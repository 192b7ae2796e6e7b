from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.workers.models import ActivityKind, CaseKind, CaseStatus, EscalatedTo, PlacementOutcome

DATE = forms.DateInput(attrs={"type": "date"})


class WorkerForm(forms.Form):
    """A roster entry. On edit the personal fields start empty: what is stored
    is shown masked beside them and an empty field keeps it."""

    name = forms.CharField(label=_("姓名"), max_length=64)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    bank_account = forms.CharField(label=_("工资卡账号"), max_length=40, required=False)
    job = forms.CharField(label=_("岗位"), max_length=64, required=False)
    hired_on = forms.DateField(label=_("入职日期"), required=False, widget=DATE)
    monthly_wage = forms.DecimalField(label=_("月工资(元)"), min_value=0, decimal_places=2, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = creating

    def service_data(self, *, creating: bool) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if not creating:
            # An empty personal field means "keep what is stored".
            for key in ("id_number", "phone", "bank_account"):
                if not data.get(key):
                    data.pop(key, None)
        if data.get("monthly_wage") is None:
            data.pop("monthly_wage", None)
        return data


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("离职原因"), max_length=500)


class PlacementForm(forms.Form):
    outcome = forms.ChoiceField(label=_("安置去向"), choices=PlacementOutcome.choices)
    employer = forms.CharField(label=_("新就业单位"), max_length=200, required=False)
    placed_on = forms.DateField(label=_("安置日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("安置说明"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("花名册文件（.xlsx）"))


class CaseReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=CaseKind.choices)
    summary = forms.CharField(label=_("情况摘要"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    reporter_name = forms.CharField(label=_("反映人"), max_length=64, required=False)
    reported_on = forms.DateField(label=_("登记日期"), required=False, widget=DATE)
    separation_on = forms.DateField(
        label=_("劳动合同解除/终止日期"), required=False, widget=DATE, help_text=_("仅经济补偿金案件填写。")
    )
    average_wage = forms.DecimalField(
        label=_("当地上年度职工月平均工资(元)"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("仅经济补偿金案件填写：月工资高于其3倍的，按3倍、最多12年计算。"),
    )


class CaseMoveForm(forms.Form):
    target = forms.ChoiceField(label=_("变更为"), choices=CaseStatus.choices)
    reason = forms.CharField(label=_("理由"), max_length=500)
    escalated_to = forms.ChoiceField(label=_("移送机关"), choices=[("", "—"), *EscalatedTo.choices], required=False)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("金额(元)"), min_value=0, decimal_places=2)
    paid_on = forms.DateField(label=_("支付日期"), widget=DATE)
    payer = forms.CharField(label=_("支付方"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("材料名称"), max_length=200, required=False)
    file = forms.FileField(label=_("文件（PDF 或图片）"))


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    enterprise = forms.TypedChoiceField(label=_("面向企业"), coerce=int, required=False, empty_value=None)
    employers = forms.IntegerField(label=_("参与用人单位数"), min_value=0, initial=0)
    jobs_offered = forms.IntegerField(label=_("提供岗位数"), min_value=0, initial=0)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)
    # Attendance sheets list ID numbers; they are matched through the blind index.
    id_numbers = forms.CharField(
        label=_("参加工人身份证号（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", _("全基地")), *[(e.pk, e.name) for e in enterprises]]
