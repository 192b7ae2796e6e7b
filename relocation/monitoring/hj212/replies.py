"""The interaction replies (Table 9, 9011–9014) the upper computer sends."""

from __future__ import annotations

from relocation.monitoring.hj212 import codes
from relocation.monitoring.hj212.frame import Frame


def request_answer(frame: Frame, qn_rtn: int) -> bytes:
    """9011 请求应答: QnRtn 1 = ready, 3 = wrong PW, 4 = wrong MN, 8 = wrong CN … (Table 7)."""
    return frame.version.reply(frame, codes.CN_REQUEST_ANSWER, {"QnRtn": qn_rtn})


def execution_result(frame: Frame, exe_rtn: int) -> bytes:
    """9012 执行结果: ExeRtn 1 = success … (Table 6)."""
    return frame.version.reply(frame, codes.CN_EXECUTION_RESULT, {"ExeRtn": exe_rtn})


def notify_answer(frame: Frame) -> bytes:
    """9013 通知应答."""
    return frame.version.reply(frame, codes.CN_NOTIFY_ANSWER)


def data_answer(frame: Frame) -> bytes:
    """9014 数据应答: sent only once the data is durably stored."""
    return frame.version.reply(frame, codes.CN_DATA_ANSWER)
