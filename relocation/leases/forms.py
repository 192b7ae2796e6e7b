"""Forms of the lease pages; they only validate the shape of input, services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.leases.models import LandlordKind

# ISO format: a type="date" input ignores any other (and would then block the submit as empty).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")


class LeaseForm(StyledForm):
    number = forms.CharField(label=_("租约编号"), max_length=40)
    landlord_kind = forms.ChoiceField(label=_("出租方类型"), choices=LandlordKind.choices)
    landlord_name = forms.CharField(label=_("出租方"), max_length=200)
    community_unit = forms.ModelChoiceField(label=_("所在社区"), queryset=None)
    enterprise = forms.ModelChoiceField(label=_("承租企业"), queryset=None)
    address = forms.CharField(label=_("物业地址"), max_length=300)
    area_m2 = forms.DecimalField(label=_("租赁面积（平方米）"), min_value=0, max_digits=12, decimal_places=2)
    starts_on = forms.DateField(label=_("租期起始"), widget=DATE)
    ends_on = forms.DateField(label=_("租期届满"), widget=DATE)
    monthly_rent = forms.DecimalField(label=_("月租金（元）"), min_value=0, max_digits=12, decimal_places=2, initial=0)
    deposit = forms.DecimalField(label=_("押金（元）"), min_value=0, max_digits=12, decimal_places=2, initial=0)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, enterprises=None, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["community_unit"].queryset = communities
        only = list(communities[:2]) if communities is not None else []
        if len(only) == 1:
            self.fields["community_unit"].initial = only[0].pk


class NoticeForm(StyledForm):
    vacate_by = forms.DateField(label=_("限期腾退日期"), widget=DATE)
    refund_due_on = forms.DateField(label=_("押金退还期限"), widget=DATE)
    reason = forms.CharField(
        label=_("停租事由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_("因基地关停搬迁工作需要，出租方决定租期届满后不再续租。"),
    )


class RefundForm(StyledForm):
    amount = forms.DecimalField(label=_("退还金额（元）"), min_value=0, max_digits=12, decimal_places=2)
    refunded_on = forms.DateField(label=_("退还日期"), widget=DATE)
    withheld_reason = forms.CharField(
        label=_("扣留理由（部分退还时必填）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClearanceForm(StyledForm):
    checked_on = forms.DateField(label=_("核查日期"), widget=DATE)
    premises_vacated = forms.BooleanField(label=_("物业已腾空"), required=False)
    equipment_removed = forms.BooleanField(label=_("设备已清走"), required=False)
    keys_returned = forms.BooleanField(label=_("钥匙已交回"), required=False)
    note = forms.CharField(
        label=_("核查情况（未通过时必填）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(StyledForm):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DisputeForm(StyledForm):
    opened_on = forms.DateField(label=_("发生日期"), widget=DATE)
    description = forms.CharField(label=_("纠纷情况"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(StyledForm):
    resolved_on = forms.DateField(label=_("化解日期"), widget=DATE)
    resolution = forms.CharField(label=_("化解情况"), widget=forms.Textarea(attrs={"rows": 3}))
