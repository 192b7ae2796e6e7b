"""The interaction replies (Table 9, 9011–9014) the upper computer sends.

Each is written in the frame's own version and in the CRC variant the device
checks (`crc_variant`, the point's setting): a logger that checks a
CRC-16/MODBUS answer and gets an Annex A one resends forever."""

from __future__ import annotations

from relocation.monitoring.hj212 import codes
from relocation.monitoring.hj212.crc import STANDARD
from relocation.monitoring.hj212.frame import Frame


def request_answer(frame: Frame, qn_rtn: int, *, crc_variant: str = STANDARD) -> bytes:
    """9011 请求应答: QnRtn 1 = ready, 3 = wrong PW, 4 = wrong MN, 8 = wrong CN … (Table 7)."""
    return frame.version.reply(frame, codes.CN_REQUEST_ANSWER, {"QnRtn": qn_rtn}, crc_variant=crc_variant)


def execution_result(frame: Frame, exe_rtn: int, *, crc_variant: str = STANDARD) -> bytes:
    """9012 执行结果: ExeRtn 1 = success … (Table 6)."""
    return frame.version.reply(frame, codes.CN_EXECUTION_RESULT, {"ExeRtn": exe_rtn}, crc_variant=crc_variant)


def notify_answer(frame: Frame, *, crc_variant: str = STANDARD) -> bytes:
    """9013 通知应答."""
    return frame.version.reply(frame, codes.CN_NOTIFY_ANSWER, crc_variant=crc_variant)


def data_answer(frame: Frame, *, crc_variant: str = STANDARD) -> bytes:
    """9014 数据应答: sent only once the data is durably stored."""
    return frame.version.reply(frame, codes.CN_DATA_ANSWER, crc_variant=crc_variant)
