from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.parks.models import Park, PolicyBasis, ProcedureStatus, Stream


class DemandForm(forms.Form):
    cyanide_t_per_day = forms.DecimalField(label=Stream.CYANIDE.label, min_value=0, decimal_places=2, required=False)
    chromium_t_per_day = forms.DecimalField(label=Stream.CHROMIUM.label, min_value=0, decimal_places=2, required=False)
    nickel_t_per_day = forms.DecimalField(label=Stream.NICKEL.label, min_value=0, decimal_places=2, required=False)
    general_t_per_day = forms.DecimalField(label=Stream.GENERAL.label, min_value=0, decimal_places=2, required=False)
    dyeing_t_per_day = forms.DecimalField(label=Stream.DYEING.label, min_value=0, decimal_places=2, required=False)
    floor_area_m2 = forms.DecimalField(label=_("需求厂房面积(平方米)"), min_value=0, decimal_places=2)
    preferred_parks = forms.ModelMultipleChoiceField(
        label=_("意向园区"), queryset=Park.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, parks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parks is not None:
            self.fields["preferred_parks"].queryset = parks


class ProcedureMoveForm(forms.Form):
    target = forms.ChoiceField(label=_("变更为"), choices=ProcedureStatus.choices)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200, required=False)
    file = forms.FileField(label=_("文件（PDF 或图片）"))


class PolicyForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=200)
    basis = forms.ChoiceField(label=_("计算基数"), choices=PolicyBasis.choices)
    tiers = forms.CharField(
        label=_("分档"),
        help_text=_("每行一档：停产截止日期,标准，例如 2021-12-31,300"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    cap_amount = forms.DecimalField(label=_("单个企业上限(元)"), min_value=0, required=False)
    requires_no_open_violations = forms.BooleanField(label=_("要求无未办结违法行为"), required=False, initial=True)
    requires_closure_verified = forms.BooleanField(label=_("要求关停已核验"), required=False, initial=True)

    def clean_tiers(self):
        tiers = []
        for n, line in enumerate(self.cleaned_data["tiers"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) != 2:
                raise forms.ValidationError(_("第 %(n)s 行应为“日期,标准”。") % {"n": n})
            tiers.append({"stopped_by": parts[0], "rate": parts[1]})
        return tiers


class GrantForm(forms.Form):
    enterprise = forms.IntegerField(label=_("企业"), widget=forms.Select)
    # Only when the lifecycle history has no production stop (incentives.production_stop).
    production_stopped_on = forms.DateField(
        label=_("停产日期（仅在搬迁进度无停产记录时填写）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    stop_override_reason = forms.CharField(label=_("手工停产日期的依据"), max_length=500, required=False)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("金额(元)"), min_value=0, decimal_places=2)
    paid_on = forms.DateField(label=_("支付日期"), widget=forms.DateInput(attrs={"type": "date"}))
    voucher_no = forms.CharField(label=_("凭证号"), max_length=64)
