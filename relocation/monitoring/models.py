"""Production supervision: online discharge monitoring (HJ 212), limits,
alerts, utility readings and the highly-toxic-chemical ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.fields import EncryptedTextField
from relocation.core.models import TimeStampedModel
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Unit


class StandardKind(models.TextChoices):
    NATIONAL = "national", _("国家标准")
    LOCAL = "local", _("地方标准")
    PERMIT = "permit", _("排污许可限值")


class OutletKind(models.TextChoices):
    WORKSHOP = "workshop", _("车间或生产设施废水排放口")
    FINAL = "final", _("企业废水总排放口")


class DischargeMode(models.TextChoices):
    ANY = "", _("不区分")
    DIRECT = "direct", _("直接排放")
    INDIRECT = "indirect", _("间接排放")
    # GB 4287-2012 amendment 2015, note (4): park WWTP that pre-treats dyeing wastewater separately.
    INDIRECT_PARK = "indirect_park", _("间接排放（园区集中预处理）")


class CrcVariant(models.TextChoices):
    HJ212 = "hj212", _("标准 CRC（HJ 212 附录A）")
    MODBUS_LO = "modbus_lo", _("CRC-16/MODBUS 低字节在前")
    MODBUS_HI = "modbus_hi", _("CRC-16/MODBUS 高字节在前")


class ProtocolVersionChoice(models.TextChoices):
    HJ2005 = "2005", _("HJ/T 212-2005")
    HJ2017 = "2017", _("HJ 212-2017")
    HJ2025 = "2025", _("HJ 212-2025")


class Standard(TimeStampedModel):
    """A discharge standard (national, local) or one enterprise's permit limits."""

    code = models.CharField(_("标准编号"), max_length=64, unique=True)
    title = models.CharField(_("标准名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=16, choices=StandardKind.choices, default=StandardKind.NATIONAL)
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="permit_standards",
        verbose_name=_("企业（许可限值）"),
    )
    notes = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("排放标准")
        verbose_name_plural = _("排放标准")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="permit") | models.Q(enterprise__isnull=False),
                name="standard_permit_has_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class LimitRow(TimeStampedModel):
    """One limit of one table of a standard. Concentrations in `unit` (mg/L
    unless stated); pH has a range; "不得检出" is `not_detectable` with the
    method's detection limit."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="limits", verbose_name=_("标准"))
    table = models.CharField(_("表"), max_length=16)
    mode = models.CharField(_("排放方式"), max_length=16, choices=DischargeMode.choices, blank=True)
    pollutant_code = models.CharField(_("污染物编码"), max_length=16, blank=True)
    pollutant_name = models.CharField(_("污染物"), max_length=64)
    min_value = models.DecimalField(_("下限"), max_digits=12, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("上限"), max_digits=12, decimal_places=4, null=True, blank=True)
    not_detectable = models.BooleanField(_("不得检出"), default=False)
    detection_limit = models.DecimalField(_("检出限"), max_digits=12, decimal_places=5, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=16, default="mg/L")
    location = models.CharField(_("监控位置"), max_length=16, choices=OutletKind.choices, default=OutletKind.FINAL)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["standard", "table", "mode", "id"]
        verbose_name = _("排放限值")
        verbose_name_plural = _("排放限值")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "table", "mode", "pollutant_name"], name="limitrow_unique_per_table"
            ),
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=False)
                | models.Q(max_value__isnull=False)
                | models.Q(not_detectable=True),
                name="limitrow_has_a_limit",
            ),
        ]
        indexes = [
            # The evaluator's lookup: the limits of one standard table for the point's pollutants.
            models.Index(fields=["standard", "table", "pollutant_code"], name="limitrow_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.code} 表{self.table} {self.pollutant_name}"


class MonitoringPoint(TimeStampedModel):
    """One data logger (MN) at one outlet of an enterprise."""

    mn = models.CharField(_("设备唯一标识 MN"), max_length=32, unique=True)
    password = EncryptedTextField(_("访问密码"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="monitoring_points", verbose_name=_("企业")
    )
    name = models.CharField(_("监控点名称"), max_length=100)
    outlet_kind = models.CharField(_("排放口类型"), max_length=16, choices=OutletKind.choices, default=OutletKind.FINAL)
    standard = models.ForeignKey(
        Standard,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points",
        verbose_name=_("执行标准"),
    )
    table = models.CharField(_("执行表"), max_length=16, default="2")
    discharge_mode = models.CharField(
        _("排放方式"), max_length=16, choices=DischargeMode.choices, blank=True, default=DischargeMode.DIRECT
    )
    crc_variant = models.CharField(
        _("容忍的校验方式"), max_length=16, choices=CrcVariant.choices, default=CrcVariant.HJ212
    )
    # The version the server writes its own commands in (back-fill, time calibration);
    # answers always follow the version of the frame they answer.
    protocol_version = models.CharField(
        _("协议版本"), max_length=4, choices=ProtocolVersionChoice.choices, default=ProtocolVersionChoice.HJ2017
    )
    # HJ 212-2025 SM4 key (32 hex digits) for devices that encrypt CP; empty = no encryption.
    sm4_key = EncryptedTextField(_("SM4 密钥"), blank=True, default="")
    expected_interval_minutes = models.PositiveIntegerField(_("数据上报间隔(分钟)"), default=60)
    # pollutant code -> unit the analyser really reports ("mg/L" / "µg/L"), overriding the standard's default.
    unit_overrides = models.JSONField(_("单位配置"), default=dict, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["enterprise", "name", "id"]
        verbose_name = _("监控点")
        verbose_name_plural = _("监控点")
        constraints = [
            models.CheckConstraint(condition=models.Q(expected_interval_minutes__gte=1), name="point_interval_positive")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.mn}）"


class Measurement(models.Model):
    """One value of one pollutant in one upload. Written in bulk by the HJ 212
    server (no created/updated stamps: `received_at` says when it arrived).

    Values are stored converted to the units of the limits (mg/L for
    concentrations) so that comparisons and charts need no conversion.
    """

    id = models.BigAutoField(primary_key=True)
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.CASCADE, related_name="measurements", db_index=False, verbose_name=_("监控点")
    )
    cn = models.CharField(_("命令编码"), max_length=4)
    data_time = models.DateTimeField(_("数据时间"))
    pollutant = models.CharField(_("污染物编码"), max_length=16)
    value = models.FloatField(_("数值"), null=True)
    min_value = models.FloatField(_("最小值"), null=True)
    max_value = models.FloatField(_("最大值"), null=True)
    cou = models.FloatField(_("累计值"), null=True)
    flag = models.CharField(_("数据标记"), max_length=2, blank=True)
    received_at = models.DateTimeField(_("接收时间"))

    class Meta:
        ordering = ["point", "data_time", "cn", "pollutant"]
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")
        constraints = [
            # Idempotent storage: one row per MN (point), DataTime, CN and pollutant. The same
            # index serves "one point's data in a time range" and "last data of a point".
            models.UniqueConstraint(fields=["point", "data_time", "cn", "pollutant"], name="measurement_unique_value"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.cn} {self.data_time} {self.pollutant}"


class MeasurementAggregate(models.Model):
    """Sums of one pollutant's values of one CN over a period, kept by
    aggregates.py so that charts and reports over weeks and months need not
    read the raw values. "Valid" follows evaluation.VALID_FLAGS; over-range
    (flag T) values are kept apart as their extremes, as the evaluator needs."""

    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="+", verbose_name=_("监控点"))
    cn = models.CharField(_("命令编码"), max_length=4)
    pollutant = models.CharField(_("污染物编码"), max_length=16)
    samples = models.PositiveIntegerField(_("数据条数"), default=0)
    valid = models.PositiveIntegerField(_("有效数据条数"), default=0)
    valid_sum = models.FloatField(_("有效值合计"), null=True)
    valid_min = models.FloatField(_("有效值最小"), null=True)
    valid_max = models.FloatField(_("有效值最大"), null=True)
    over_range_min = models.FloatField(_("超量程值最小"), null=True)
    over_range_max = models.FloatField(_("超量程值最大"), null=True)

    class Meta:
        abstract = True

    @property
    def mean(self) -> float | None:
        return self.valid_sum / self.valid if self.valid else None


class MeasurementHour(MeasurementAggregate):
    """One hour (UTC-aligned, which is the local hour in China) of one point, CN and pollutant."""

    hour = models.DateTimeField(_("小时"))

    class Meta:
        ordering = ["point", "hour", "cn", "pollutant"]
        verbose_name = _("监测数据小时汇总")
        verbose_name_plural = _("监测数据小时汇总")
        constraints = [
            # The upsert's key; also serves "one point's hours in a range" (charts).
            models.UniqueConstraint(fields=["point", "hour", "cn", "pollutant"], name="measurementhour_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.cn} {self.hour} {self.pollutant}"


class MeasurementDay(MeasurementAggregate):
    """One local calendar day of one point, CN and pollutant (sum of its hours)."""

    day = models.DateField(_("日期"))

    class Meta:
        ordering = ["point", "day", "cn", "pollutant"]
        verbose_name = _("监测数据日汇总")
        verbose_name_plural = _("监测数据日汇总")
        constraints = [
            # The upsert's key; also serves "one point's days in a range" (charts).
            models.UniqueConstraint(fields=["point", "day", "cn", "pollutant"], name="measurementday_unique"),
        ]
        indexes = [
            # The monthly exceedance report: every point's days of one month.
            models.Index(fields=["day"], name="measurementday_day"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.cn} {self.day} {self.pollutant}"


class AggregateBacklog(models.Model):
    """An hour of a point whose values arrived late (back-fill, a resend): the
    aggregation job recomputes it, then deletes the row. On-time values need
    no entry, the job's sliding window covers them."""

    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()

    class Meta:
        ordering = ["hour", "point"]
        constraints = [models.UniqueConstraint(fields=["point", "hour"], name="aggregatebacklog_unique")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.hour}"


class LimitsVersion(models.Model):
    """One row whose `version` database triggers change at every write to the
    standards and their limit rows (ORM saves, bulk updates, raw SQL alike): the
    cached applicable limits (limits.py) are keyed by it. A random number, not a
    counter, so that a version never comes back after a rolled-back change."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("限值版本")
        verbose_name_plural = _("限值版本")

    def __str__(self) -> str:
        return str(self.version)


class AggregateCursor(models.Model):
    """Up to when (real time) the aggregation job's sliding window has run."""

    key = models.CharField(max_length=32, unique=True)
    until = models.DateTimeField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} {self.until}"


class IngestCounter(models.Model):
    """How many frames were refused, per day, device and reason (never the frames themselves)."""

    day = models.DateField(_("日期"))
    mn = models.CharField(_("MN"), max_length=32, blank=True)
    reason = models.CharField(_("原因"), max_length=64)
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        ordering = ["-day", "reason", "mn"]
        verbose_name = _("拒收报文计数")
        verbose_name_plural = _("拒收报文计数")
        constraints = [models.UniqueConstraint(fields=["day", "mn", "reason"], name="ingestcounter_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.mn} {self.reason}: {self.count}"


class FrameCounter(models.Model):
    """How many frames a device had accepted per day, by the CRC variant and the
    protocol version they arrived in (the device's real dialect)."""

    day = models.DateField(_("日期"))
    mn = models.CharField(_("MN"), max_length=32)
    crc_variant = models.CharField(_("校验方式"), max_length=16)
    version = models.CharField(_("协议版本"), max_length=4)
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        ordering = ["-day", "mn", "crc_variant", "version"]
        verbose_name = _("接收报文计数")
        verbose_name_plural = _("接收报文计数")
        constraints = [
            models.UniqueConstraint(fields=["day", "mn", "crc_variant", "version"], name="framecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.mn} {self.crc_variant}/{self.version}: {self.count}"


class DeviceStatus(models.Model):
    """What the HJ 212 server last saw of a device: written by the server in
    bulk, read by the device health page and the back-fill decision."""

    point = models.OneToOneField(
        MonitoringPoint, on_delete=models.CASCADE, related_name="device_status", verbose_name=_("监控点")
    )
    last_frame_at = models.DateTimeField(_("最近报文时间"), null=True, blank=True)
    last_data_time = models.DateTimeField(_("最近数据时间"), null=True, blank=True)
    # Arrival minus DataTime of the last real-time upload: positive = the device's clock is behind.
    clock_skew_seconds = models.IntegerField(_("时钟偏差(秒)"), null=True, blank=True)
    backfill_requested_at = models.DateTimeField(_("最近补传请求"), null=True, blank=True)
    backfill_from = models.DateTimeField(_("补传起"), null=True, blank=True)
    backfill_to = models.DateTimeField(_("补传止"), null=True, blank=True)
    time_set_at = models.DateTimeField(_("最近校时"), null=True, blank=True)

    class Meta:
        ordering = ["point"]
        verbose_name = _("设备状态")
        verbose_name_plural = _("设备状态")

    def __str__(self) -> str:
        return f"{self.point_id} {self.last_frame_at}"


class MonitoringPolicy(TimeStampedModel):
    """The thresholds of the detectors, editable by HQ (one row)."""

    close_after_good_periods = models.PositiveIntegerField(_("连续达标几个周期后关闭预警"), default=3)
    gap_factor = models.DecimalField(_("断线判定倍数"), max_digits=5, decimal_places=2, default=2)
    stopped_share = models.DecimalField(
        _("停产后用量占停产前基准的比例上限"), max_digits=5, decimal_places=2, default=0.3
    )
    baseline_days = models.PositiveIntegerField(_("基准期(天)"), default=30)
    window_days = models.PositiveIntegerField(_("观察期(天)"), default=7)
    night_share = models.DecimalField(
        _("夜间用电占基准小时用电的比例上限"), max_digits=5, decimal_places=2, default=0.5
    )
    # Device health (HJ 212 devices).
    clock_skew_limit_seconds = models.PositiveIntegerField(_("校时阈值(秒)"), default=120)
    crc_proposal_refusals = models.PositiveIntegerField(_("建议更改校验方式的拒收次数"), default=5)
    # {utility: {industry: limit}} for enterprises with no reading from before the stop;
    # "night" holds the power limit per night hour (kWh/h). See consumption.default_thresholds.
    absolute_thresholds = models.JSONField(_("无停产前数据时的绝对阈值"), default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("监管参数")
        verbose_name_plural = _("监管参数")

    def __str__(self) -> str:
        return str(_("监管参数"))


class EvaluationCursor(models.Model):
    """Up to when the limits of a point were evaluated for one period kind:
    the periodic job starts after it, so running it twice changes nothing."""

    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="cursors")
    period = models.CharField(max_length=8)
    evaluated_until = models.DateTimeField()

    class Meta:
        ordering = ["point", "period"]
        constraints = [models.UniqueConstraint(fields=["point", "period"], name="cursor_unique")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.period} {self.evaluated_until}"


class AlertKind(models.TextChoices):
    EXCEEDANCE = "exceedance", _("超标")
    DATA_GAP = "data_gap", _("数据中断")
    STOPPED_CONSUMING = "stopped_consuming", _("停产仍用水用电")
    TOXIC_DISCREPANCY = "toxic_discrepancy", _("剧毒化学品账实不符")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    CLOSED = "closed", _("已关闭")


class Alert(TimeStampedModel):
    """A condition that needs someone's attention. At most one alert per
    condition (`dedupe_key`) is not closed at a time: a condition that keeps
    occurring updates its open alert instead of opening a new one."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("企业"))
    point = models.ForeignKey(
        MonitoringPoint,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("监控点"),
    )
    kind = models.CharField(_("类型"), max_length=32, choices=AlertKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    dedupe_key = models.CharField(max_length=200)
    title = models.CharField(_("标题"), max_length=300)
    detail = models.TextField(_("说明"), blank=True)
    pollutant = models.CharField(_("污染物"), max_length=16, blank=True)
    period = models.CharField(_("统计周期"), max_length=8, blank=True)
    first_period = models.DateTimeField(_("首次发生"), null=True, blank=True)
    last_period = models.DateTimeField(_("最近发生"), null=True, blank=True)
    value = models.FloatField(_("数值"), null=True, blank=True)
    limit_value = models.FloatField(_("限值"), null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    occurrences = models.PositiveIntegerField(_("发生次数"), default=1)
    good_streak = models.PositiveIntegerField(_("连续正常周期"), default=0)
    responsible_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitoring_alerts",
        verbose_name=_("责任单位"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_alerts",
        verbose_name=_("处理人"),
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    close_reason = models.TextField(_("关闭理由"), blank=True)
    task_id = models.BigIntegerField(_("复查任务"), null=True, blank=True)
    # Units told of the alert and able to open it besides the responsible one (the supply
    # company of a still-consuming alert, the territorial town of a toxic-chemical one).
    informed_units = models.ManyToManyField(
        Unit, blank=True, related_name="informed_monitoring_alerts", verbose_name=_("知会单位")
    )
    # When a daily detector last looked at this condition (keeps a second run the same day a no-op).
    last_checked = models.DateField(_("最近检查日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-last_period", "-id"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~models.Q(status="closed"), name="alert_one_open_per_condition"
            )
        ]
        indexes = [
            # The inbox: a unit's alerts by status, newest first.
            models.Index(fields=["responsible_unit", "status", "-last_period"], name="alert_unit_status"),
            # The enterprise monitoring page: an enterprise's alerts.
            models.Index(fields=["enterprise", "status"], name="alert_enterprise_status"),
        ]

    def __str__(self) -> str:
        return self.title


HISTORY_ACTIONS = {
    "opened": _("系统发出预警"),
    "recurred": _("再次发生"),
    "auto_closed": _("系统自动关闭"),
    "assigned": _("指派"),
    "acknowledged": _("确认收到"),
    "closed": _("关闭"),
}


class AlertHistory(TimeStampedModel):
    """Every change of an alert: transitions, assignments, detector updates."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="history", verbose_name=_("预警"))
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("预警处理记录")
        verbose_name_plural = _("预警处理记录")

    def __str__(self) -> str:
        return f"{self.alert_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(HISTORY_ACTIONS.get(self.action, self.action))


class UtilityKind(models.TextChoices):
    WATER = "water", _("用水")
    POWER = "power", _("用电")


class ReadingInterval(models.TextChoices):
    HOUR = "hour", _("小时")
    DAY = "day", _("日")
    MONTH = "month", _("月")


class UtilityReading(TimeStampedModel):
    """An enterprise's water or power consumption over one interval, as the
    water or power company reports it: an hour (`hour` set), a day, or a
    month (`reading_date` is then the first day of the month). The detector
    turns any of them into use per day (consumption.daily_use)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="utility_readings", verbose_name=_("企业")
    )
    kind = models.CharField(_("类别"), max_length=8, choices=UtilityKind.choices)
    reading_date = models.DateField(_("日期"))
    hour = models.PositiveSmallIntegerField(_("时段(时)"), null=True, blank=True)
    interval = models.CharField(_("计量周期"), max_length=8, choices=ReadingInterval.choices, default="day")
    consumption = models.DecimalField(_("用量"), max_digits=14, decimal_places=3)
    meter_reading = models.DecimalField(_("表读数"), max_digits=16, decimal_places=3, null=True, blank=True)
    source = models.CharField(_("来源"), max_length=16, default="import")

    class Meta:
        ordering = ["enterprise", "kind", "reading_date", "hour"]
        verbose_name = _("水电用量")
        verbose_name_plural = _("水电用量")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "reading_date", "interval"],
                condition=models.Q(hour__isnull=True),
                name="utility_day_month_unique",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "kind", "reading_date", "hour"],
                condition=models.Q(hour__isnull=False),
                name="utility_hourly_unique",
            ),
            models.CheckConstraint(condition=models.Q(consumption__gte=0), name="utility_consumption_non_negative"),
            models.CheckConstraint(
                condition=models.Q(hour__isnull=True) | models.Q(hour__lte=23), name="utility_hour_range"
            ),
            # An hourly reading has its hour, a daily or monthly one none.
            models.CheckConstraint(
                condition=models.Q(interval="hour", hour__isnull=False)
                | (~models.Q(interval="hour") & models.Q(hour__isnull=True)),
                name="utility_interval_matches_hour",
            ),
        ]
        indexes = [
            # The detector and the charts: one enterprise's readings of one kind over a date range.
            models.Index(fields=["enterprise", "kind", "reading_date"], name="utility_enterprise_kind_date"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.kind} {self.reading_date}"


class UtilityImport(TimeStampedModel):
    """One imported file from the water or power company."""

    kind = models.CharField(_("类别"), max_length=8, choices=UtilityKind.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件哈希"), max_length=64)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("导入人")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("水电数据导入")
        verbose_name_plural = _("水电数据导入")

    def __str__(self) -> str:
        return self.file_name


class ToxicChemical(TimeStampedModel):
    """One entry of the catalogue of highly toxic chemicals (toxic_catalogue.py
    says where the entries come from). Ledger lines must name one."""

    name = models.CharField(_("化学品名称"), max_length=64, unique=True)
    cas_number = models.CharField(_("CAS号"), max_length=16, unique=True)
    # Other names, formulas and English names a store or a supplier uses for it.
    synonyms = models.JSONField(_("别名"), default=list, blank=True)
    source = models.CharField(_("依据"), max_length=100, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("剧毒化学品目录")
        verbose_name_plural = _("剧毒化学品目录")

    def __str__(self) -> str:
        return f"{self.name}（CAS {self.cas_number}）"


class ToxicMovementKind(models.TextChoices):
    PURCHASE = "purchase", _("购入")
    USE = "use", _("使用")
    DISPOSAL = "disposal", _("处置")
    STOCKTAKE = "stocktake", _("库存盘点")


class ToxicMovement(TimeStampedModel):
    """One line of an enterprise's highly-toxic-chemical ledger (剧毒化学品).
    Purchases add to the book stock, use and disposal subtract; a stocktake
    records what is physically in storage and is checked against the book.

    Lines are never edited: a wrong line is cancelled by a counter-entry
    (`reverses` set, with its reason) that counts with the opposite sign, and
    the right line is entered anew."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="toxic_movements", verbose_name=_("企业")
    )
    substance = models.ForeignKey(
        ToxicChemical,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("目录条目"),
    )
    # The catalogue name (lines recorded before the catalogue keep what was typed).
    chemical = models.CharField(_("化学品名称"), max_length=64)
    cas_number = models.CharField(_("CAS号"), max_length=16, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ToxicMovementKind.choices)
    quantity_kg = models.DecimalField(_("数量(千克)"), max_digits=12, decimal_places=3)
    occurred_on = models.DateField(_("日期"))
    document_no = models.CharField(_("凭证号"), max_length=64, blank=True)
    # 剧毒化学品购买许可证 (or the safety-production / use permit that stands for it), for purchases.
    permit_no = models.CharField(_("购买许可证编号"), max_length=64, blank=True)
    # The filing of the purchase with the county police (备案, within five days of buying).
    filing_no = models.CharField(_("公安备案编号"), max_length=64, blank=True)
    counterparty = models.CharField(_("供货/处置单位"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("冲销的台账行"),
    )
    reason = models.CharField(_("冲销理由"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )

    class Meta:
        ordering = ["enterprise", "chemical", "occurred_on", "id"]
        verbose_name = _("剧毒化学品台账")
        verbose_name_plural = _("剧毒化学品台账")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity_kg__gte=0), name="toxic_quantity_non_negative"),
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=True) | ~models.Q(reason=""), name="toxic_reversal_has_reason"
            ),
        ]
        indexes = [
            # The balance of one enterprise's chemicals.
            models.Index(fields=["enterprise", "chemical", "occurred_on"], name="toxic_enterprise_chemical"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.chemical} {self.kind} {self.quantity_kg}"
