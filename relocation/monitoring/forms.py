from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relocation.monitoring.models import MonitoringPoint, ProtocolVersionChoice, ToxicMovementKind, UtilityKind


class PointForm(forms.ModelForm):
    password = forms.CharField(label=_("访问密码"), max_length=64)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    protocol_version = forms.ChoiceField(
        label=_("协议版本"), choices=ProtocolVersionChoice.choices, required=False, initial=ProtocolVersionChoice.HJ2017
    )
    sm4_key = forms.CharField(
        label=_("SM4 密钥"), max_length=32, required=False, help_text=_("32位十六进制数；留空表示该设备不加密。")
    )

    def clean_protocol_version(self) -> str:
        return self.cleaned_data.get("protocol_version") or ProtocolVersionChoice.HJ2017

    class Meta:
        model = MonitoringPoint
        fields = [
            "mn",
            "password",
            "enterprise",
            "name",
            "outlet_kind",
            "standard",
            "table",
            "discharge_mode",
            "crc_variant",
            "protocol_version",
            "sm4_key",
            "expected_interval_minutes",
            "is_active",
        ]


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("关闭理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)


class UtilityImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=UtilityKind.choices)
    file = forms.FileField(label=_("文件（Excel 或 CSV）"))


class ToxicMovementForm(forms.Form):
    chemical = forms.CharField(
        label=_("化学品名称"),
        max_length=64,
        required=False,
        help_text=_("目录中的名称、别名或化学式"),
        widget=forms.TextInput(attrs={"list": "toxic-catalogue"}),
    )
    cas_number = forms.CharField(label=_("CAS号"), max_length=16, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=ToxicMovementKind.choices)
    quantity_kg = forms.DecimalField(label=_("数量(千克)"), min_value=0, max_digits=12, decimal_places=3)
    occurred_on = forms.DateField(
        label=_("日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    document_no = forms.CharField(label=_("凭证号"), max_length=64, required=False)
    permit_no = forms.CharField(label=_("购买许可证编号"), max_length=64, required=False)
    filing_no = forms.CharField(label=_("公安备案编号"), max_length=64, required=False)
    counterparty = forms.CharField(label=_("供货/处置单位"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class PolicyForm(forms.ModelForm):
    class Meta:
        from relocation.monitoring.models import MonitoringPolicy

        model = MonitoringPolicy
        fields = [
            "close_after_good_periods",
            "gap_factor",
            "stopped_share",
            "baseline_days",
            "window_days",
            "night_share",
            "absolute_thresholds",
        ]
