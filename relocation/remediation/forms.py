"""Forms of the remediation pages; they only validate input, services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.remediation.models import LandUse, LiabilityBasis, ObligationKind, ScreeningValue, Stage, TargetBasis

# ISO format: a type="date" input ignores any other (and would then block the submit as empty).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")


class SiteForm(StyledForm):
    enterprise = forms.ModelChoiceField(label=_("腾退企业"), queryset=None)
    code = forms.CharField(label=_("地块编号"), max_length=40)
    name = forms.CharField(label=_("地块名称"), max_length=200)
    land_use = forms.ChoiceField(label=_("规划用地类型"), choices=LandUse.choices, initial=LandUse.SECOND)
    area_m2 = forms.DecimalField(label=_("占地面积（平方米）"), min_value=0, max_digits=12, decimal_places=2, initial=0)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class SiteEditForm(StyledForm):
    name = forms.CharField(label=_("地块名称"), max_length=200)
    area_m2 = forms.DecimalField(label=_("占地面积（平方米）"), min_value=0, max_digits=12, decimal_places=2)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class LandUseForm(StyledForm):
    land_use = forms.ChoiceField(label=_("规划用地类型"), choices=LandUse.choices)
    reason = forms.CharField(label=_("变更依据"), widget=forms.Textarea(attrs={"rows": 2}))


class TargetBasisForm(StyledForm):
    basis = forms.ChoiceField(label=_("修复目标默认取值"), choices=TargetBasis.choices)
    reason = forms.CharField(label=_("依据"), widget=forms.Textarea(attrs={"rows": 2}))


class TargetForm(StyledForm):
    pollutant = forms.ModelChoiceField(label=_("污染物"), queryset=ScreeningValue.objects.all())
    value = forms.DecimalField(
        label=_("修复目标值（mg/kg，留空恢复默认）"), min_value=0, max_digits=16, decimal_places=6, required=False
    )
    reason = forms.CharField(label=_("依据"), widget=forms.Textarea(attrs={"rows": 2}))


class MoveForm(StyledForm):
    target = forms.ChoiceField(label=_("推进到"), choices=Stage.choices)
    moved_on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("依据文件（PDF、图片或 Word）"))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t, Stage(t).label) for t in targets]


class ResultForm(StyledForm):
    point = forms.CharField(label=_("采样点"), max_length=40)
    depth_m = forms.DecimalField(label=_("采样深度（米）"), min_value=0, max_digits=6, decimal_places=2)
    pollutant = forms.ModelChoiceField(label=_("污染物"), queryset=ScreeningValue.objects.all())
    concentration = forms.DecimalField(label=_("浓度（mg/kg）"), min_value=0, max_digits=18, decimal_places=7)
    sampled_on = forms.DateField(label=_("采样日期"), widget=DATE)
    stage = forms.ChoiceField(
        label=_("调查阶段"),
        choices=[(s, Stage(s).label) for s in (Stage.INITIAL, Stage.DETAILED, Stage.EFFECT)],
    )


class ImportForm(StyledForm):
    file = forms.FileField(label=_("检测结果文件（Excel 或 CSV）"))


class PolluterForm(StyledForm):
    name = forms.CharField(label=_("使用单位名称"), max_length=200)
    activity = forms.CharField(label=_("生产活动"), max_length=200, required=False)
    from_year = forms.IntegerField(label=_("起始年份"), min_value=1949, max_value=2100, required=False)
    to_year = forms.IntegerField(label=_("截止年份"), min_value=1949, max_value=2100, required=False)


class LiabilityForm(StyledForm):
    basis = forms.ChoiceField(label=_("认定依据"), choices=LiabilityBasis.choices)
    enterprise = forms.ModelChoiceField(label=_("台账企业"), queryset=None, required=False)
    party_name = forms.CharField(label=_("责任主体（不在台账中时填写）"), max_length=200, required=False)
    basis_note = forms.CharField(label=_("认定说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    determined_on = forms.DateField(label=_("认定日期"), widget=DATE)

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class ObligationForm(StyledForm):
    kind = forms.ChoiceField(label=_("义务类型"), choices=ObligationKind.choices)
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(label=_("赔偿金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False)
    due_on = forms.DateField(label=_("履行期限"), widget=DATE)


class ObligationEditForm(StyledForm):
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(label=_("赔偿金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False)
    due_on = forms.DateField(label=_("履行期限"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PaymentForm(StyledForm):
    paid_on = forms.DateField(label=_("支付日期"), widget=DATE)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=14, decimal_places=2)
    reference = forms.CharField(label=_("凭证号"), max_length=100, required=False)
    evidence = forms.FileField(label=_("凭证（可选）"), required=False)


class DocumentForm(StyledForm):
    file = forms.FileField(label=_("文件（PDF、图片或 Word）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(StyledForm):
    start = forms.DateField(label=_("计划开始日期"), widget=DATE)
    steps = forms.CharField(
        label=_("节点（每行一个：名称,工作日数）"),
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "进场及围挡,10\n污染土壤清挖,40\n异位固化稳定化处理,60"}
        ),
    )

    def clean_steps(self):
        steps = []
        for n, line in enumerate(self.cleaned_data["steps"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, days = line.replace("，", ",").rpartition(",")
            if not name.strip() or not days.strip().isdigit() or int(days) <= 0:
                raise forms.ValidationError(_("第 %(n)s 行应为“名称,工作日数”，工作日数为正整数。") % {"n": n})
            steps.append((name.strip(), int(days)))
        if not steps:
            raise forms.ValidationError(_("请至少填写一个节点。"))
        return steps


class ProgressForm(StyledForm):
    percent = forms.IntegerField(label=_("完成比例（%）"), min_value=0, max_value=100)
    version = forms.IntegerField(widget=forms.HiddenInput)
