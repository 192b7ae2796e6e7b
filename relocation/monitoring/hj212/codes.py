"""Code tables of HJ 212-2017 used by the decoder and the limit checks.

Pollutant codes and default units come from HJ 212-2017 Table B.1 (wastewater
part). Several toxic metals default to µg/L while the discharge standards
(GB 21900-2008, GB 4287-2012) state limits in mg/L, so values must be
converted before they are compared (see `units.py` of the Django app).
"""

from __future__ import annotations

# code -> (Chinese name, default concentration unit)
POLLUTANTS: dict[str, tuple[str, str]] = {
    "w00000": ("污水流量", "L/s"),
    "w01001": ("pH值", "无量纲"),
    "w01002": ("色度", "度"),
    "w01012": ("悬浮物", "mg/L"),
    "w01017": ("五日生化需氧量", "mg/L"),
    "w01018": ("化学需氧量", "mg/L"),
    "w01019": ("高锰酸盐指数", "mg/L"),
    "w01020": ("总有机碳", "mg/L"),
    "w20111": ("总汞", "µg/L"),
    "w20115": ("总镉", "µg/L"),
    "w20116": ("总铬", "mg/L"),
    "w20117": ("六价铬", "µg/L"),
    "w20119": ("总砷", "µg/L"),
    "w20120": ("总铅", "µg/L"),
    "w20121": ("总镍", "mg/L"),
    "w20122": ("总铜", "mg/L"),
    "w20123": ("总锌", "mg/L"),
    "w20124": ("总锰", "mg/L"),
    "w20125": ("总铁", "mg/L"),
    "w20126": ("总银", "mg/L"),
    "w20127": ("总铍", "µg/L"),
    "w20128": ("总硒", "µg/L"),
    "w21001": ("总氮", "mg/L"),
    "w21003": ("氨氮", "mg/L"),
    "w21011": ("总磷", "mg/L"),
    "w21016": ("氰化物", "mg/L"),
    "w21017": ("氟化物", "mg/L"),
    "w21019": ("硫化物", "mg/L"),
    "w21022": ("氯化物", "mg/L"),
    "w22001": ("石油类", "mg/L"),
    "w23002": ("挥发酚", "mg/L"),
    "w19002": ("阴离子表面活性剂", "mg/L"),
}

# HJ/T 212-2005 ("原编码") -> HJ 212-2017 code, from Table B.1.
CODES_2005: dict[str, str] = {
    "B01": "w00000",
    "001": "w01001",
    "002": "w01002",
    "003": "w01012",
    "010": "w01017",
    "011": "w01018",
    "015": "w01020",
    "020": "w20111",
    "022": "w20115",
    "023": "w20116",
    "024": "w20117",
    "026": "w20119",
    "027": "w20120",
    "028": "w20121",
    "029": "w20122",
    "030": "w20123",
    "031": "w20124",
    "032": "w20125",
    "033": "w20126",
    "034": "w20127",
    "035": "w20128",
    "065": "w21001",
    "060": "w21003",
    "101": "w21011",
    "070": "w21016",
    "072": "w21017",
    "071": "w21019",
    "090": "w21022",
    "080": "w22001",
    "110": "w23002",
    "520": "w19002",
}

# Table 8: data flags. Only N is valid data.
DATA_FLAGS = {
    "N": "工作正常",
    "F": "停运",
    "M": "维护期间产生的数据",
    "S": "手工输入的设定值",
    "D": "故障",
    "C": "校准状态",
    "T": "采样数值超过测量上限",
    "B": "与数采仪通讯异常",
}

# Table 7: QnRtn.
QN_READY = 1
QN_REFUSED = 2
QN_BAD_PW = 3
QN_BAD_MN = 4
QN_BAD_ST = 5
QN_BAD_FLAG = 6
QN_BAD_QN = 7
QN_BAD_CN = 8
QN_BAD_CRC = 9
QN_UNKNOWN = 100

# Table 6: ExeRtn.
EXE_OK = 1
EXE_FAILED = 2
EXE_BAD_CONDITION = 3
EXE_TIMEOUT = 4
EXE_BUSY = 5
EXE_FAULT = 6
EXE_NO_DATA = 100

# Data uploads the server stores (Table 9).
CN_REALTIME = "2011"
CN_STATUS = "2021"
CN_DAILY = "2031"
CN_RUNTIME_DAILY = "2041"
CN_MINUTE = "2051"
CN_HOURLY = "2061"
CN_RESTART = "2081"
DATA_CNS = frozenset({CN_REALTIME, CN_MINUTE, CN_HOURLY, CN_DAILY})
UPLOAD_CNS = DATA_CNS | {CN_STATUS, CN_RUNTIME_DAILY, CN_RESTART, "1011", "1061", "1063", "3015", "3017", "3018"}
# Notifications the field sends that the upper computer answers with 9013.
NOTIFY_CNS = frozenset({"1013"})
# HJ 212-2025 Table 12: the heartbeat (心跳包) a logger sends to show its link is up.
CN_HEARTBEAT = "9015"
# Commands the upper computer sends: time calibration and history retrieval (Table 9).
CN_GET_TIME = "1011"
CN_SET_TIME = "1012"
# Interaction replies.
CN_REQUEST_ANSWER = "9011"
CN_EXECUTION_RESULT = "9012"
CN_NOTIFY_ANSWER = "9013"
CN_DATA_ANSWER = "9014"
REPLY_CNS = frozenset({CN_REQUEST_ANSWER, CN_EXECUTION_RESULT, CN_NOTIFY_ANSWER, CN_DATA_ANSWER})

# Which value of a pollutant a data command carries as "the" value.
MAIN_KEY = {CN_REALTIME: "Rtd", CN_MINUTE: "Avg", CN_HOURLY: "Avg", CN_DAILY: "Avg"}
