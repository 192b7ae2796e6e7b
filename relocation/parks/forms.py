from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.enterprises.models import Industry
from relocation.organisation.models import Unit
from relocation.parks.models import BuildStatus, Metal, Park, PolicyBasis, ProcedureStatus, Stream

DATE = forms.DateInput(attrs={"type": "date"})


class ParkForm(forms.Form):
    """A park's own fields and its heavy-metal quotas (one field per metal)."""

    code = forms.SlugField(label=_("代码"), max_length=32, required=False, help_text=_("登记后不可修改"))
    name = forms.CharField(label=_("园区名称"), max_length=100)
    town_unit = forms.ModelChoiceField(label=_("所在镇（承接单位）"), queryset=Unit.objects.none())
    industries = forms.MultipleChoiceField(
        label=_("承接行业"), choices=Industry.choices, widget=forms.CheckboxSelectMultiple
    )
    land_area_m2 = forms.DecimalField(label=_("用地面积(平方米)"), min_value=0, decimal_places=2)
    latitude = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(label=_("经度"), min_value=-180, max_value=180, required=False)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, units=None, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["town_unit"].queryset = units
        self.fields["code"].required = creating
        for value, label in Metal.choices:
            self.fields[f"quota_{value}"] = forms.DecimalField(
                label=label, min_value=0, decimal_places=2, required=False
            )

    def quota_fields(self):
        return [self[f"quota_{value}"] for value in Metal.values]

    def quotas(self):
        return {value: self.cleaned_data.get(f"quota_{value}") for value in Metal.values}


class FactoryLineForm(forms.Form):
    """One factory unit (承接厂房) of the park."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("编号"), max_length=32)
    area_m2 = forms.DecimalField(label=_("面积(平方米)"), min_value=0, decimal_places=2)
    # Initials match what an untouched blank row posts, so it does not count as changed.
    status = forms.ChoiceField(label=_("状态"), choices=BuildStatus.choices, initial=BuildStatus.PLANNED)
    expected_delivery_on = forms.DateField(label=_("预计交付"), required=False, widget=DATE)
    delivered_on = forms.DateField(label=_("实际交付"), required=False, widget=DATE)


class FacilityLineForm(forms.Form):
    """One wastewater treatment line (治污设施): the capacity of one stream."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("名称"), max_length=100)
    stream = forms.ChoiceField(label=_("废水类别"), choices=Stream.choices, initial=Stream.values[0])
    capacity_t_per_day = forms.DecimalField(label=_("处理能力(吨/日)"), min_value=0, decimal_places=2)
    status = forms.ChoiceField(label=_("状态"), choices=BuildStatus.choices, initial=BuildStatus.PLANNED)
    expected_commission_on = forms.DateField(label=_("预计投运"), required=False, widget=DATE)
    commissioned_on = forms.DateField(label=_("实际投运"), required=False, widget=DATE)


FactoryFormSet = forms.formset_factory(FactoryLineForm, extra=1)
FacilityFormSet = forms.formset_factory(FacilityLineForm, extra=1)


def lines(formset) -> list[dict]:
    """The rows a formset holds: every bound row with data (empty extras skipped)."""
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "id" or v}
        for f in formset.forms
        if f.has_changed() or f.cleaned_data.get("id")
    ]


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
