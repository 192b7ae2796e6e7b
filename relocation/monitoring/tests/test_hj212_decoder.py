"""The HJ 212 package against the standard's own examples (HJ 212-2017
Annex A and Annex C) and the deviations met in the field."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relocation.monitoring.hj212 import Reassembler, codes, crc, decode, encode, replies
from relocation.monitoring.hj212.frame import FrameError, build_segment
from relocation.monitoring.hj212.versions import ProtocolVersion, register, registered, version_for_flag

# HJ 212-2017 Annex A: the frame printed in the standard (CRC 1C80; the text's "1C08" is an erratum).
ANNEX_A = b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n"
# Annex C real-time upload (2011); the standard prints "01018-Rtd" without the "w" (a typo).
ANNEX_C_2011 = (
    "QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&DataTime=20160801085857;w01001-Rtd=7.1,w01001-Flag=N;"
    "w01018-SampleTime=20160801070000,w01018-Rtd=2.2,w01018-Flag=N,w01018-EFlag=A01&&"
)
ANNEX_C_2051 = (
    "QN=20160801085857223;ST=32;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&DataTime=20160801084000;w00000-Cou=10.5,w00000-Min=16.4,w00000-Avg=17.5,w00000-Max=20.1,w00000-Flag=N;"
    "w01001-Min=7.1,w01001-Avg=7.2,w01001-Max=7.3,w01001-Flag=N;"
    "w01018-Cou=10.5,w01018-Min=40.1,w01018-Avg=42.3,w01018-Max=45.0,w01018-Flag=N&&"
)
# HJ/T 212-2005 style upload seen in public code; its printed CRC 4980 is wrong (correct: 3C00).
OLD_2005 = "##0136ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817;B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N;060-Rtd=1.803,060-Flag=N&&4980\r\n"


def test_it_computes_the_annex_a_check_values():
    assert crc.crc_annex_a(b"123456789") == 0x2F80
    assert crc.crc_modbus(b"123456789") == 0x4B37  # not the same algorithm
    segment = ANNEX_A[6:-6]
    assert crc.crc_annex_a(segment) == 0x1C80


def test_it_decodes_the_annex_a_frame():
    frame = decode(ANNEX_A)
    assert (frame.qn, frame.st, frame.cn, frame.pw, frame.mn, frame.flag) == (
        "20160801085857223",
        "32",
        "1062",
        "100000",
        "010000A8900016F000169DC0",
        5,
    )
    assert frame.cp == {"RtdInterval": "30"}
    assert frame.needs_ack and not frame.is_split
    assert frame.version.name == "HJ 212-2017"


def test_it_accepts_lower_case_crc():
    assert decode(ANNEX_A.replace(b"1C80", b"1c80")).cn == "1062"


def test_it_decodes_the_annex_c_real_time_upload():
    frame = decode(encode(ANNEX_C_2011))
    assert frame.as_json() == {
        "ok": True,
        "st": "32",
        "cn": "2011",
        "mn": "010000A8900016F000169DC0",
        "flag": 5,
        "data_time": "2016-08-01T08:58:57",
        "values": {
            "w01001": {"Rtd": 7.1, "Flag": "N"},
            "w01018": {"SampleTime": "20160801070000", "Rtd": 2.2, "Flag": "N", "EFlag": "A01"},
        },
    }


def test_it_decodes_the_annex_c_minute_upload():
    frame = decode(encode(ANNEX_C_2051))
    assert frame.cn == codes.CN_MINUTE
    assert frame.values["w00000"] == {"Cou": 10.5, "Min": 16.4, "Avg": 17.5, "Max": 20.1, "Flag": "N"}
    assert frame.values["w01018"]["Avg"] == 42.3


@pytest.mark.parametrize("cn", ["2061", "2031"])
def test_it_decodes_hourly_and_daily_uploads(cn):
    frame = decode(encode(ANNEX_C_2051.replace("CN=2051", f"CN={cn}")))
    assert frame.cn == cn and frame.data_time.isoformat() == "2016-08-01T08:40:00"


def test_it_rejects_a_wrong_crc_and_names_it():
    with pytest.raises(FrameError) as exc:
        decode(ANNEX_A.replace(b"1C80", b"1C08"))
    assert exc.value.reason == "bad CRC"


def test_it_decodes_a_2005_frame_and_maps_the_old_codes():
    with pytest.raises(FrameError):
        decode(OLD_2005)
    frame = decode(OLD_2005.replace("4980", "3C00"))
    assert frame.flag is None and frame.version.name == "HJ/T 212-2005"
    assert set(frame.values) == {"B01", "011", "060"}
    assert set(frame.normalised_values()) == {"w00000", "w01018", "w21003"}


def test_it_decodes_a_public_2005_sample_with_its_own_crc():
    raw = (
        b"##0178ST=32;CN=2011;PW=123456;MN=0873HHMZWSLH02;CP=&&DataTime=20160103133030;060-Rtd=3.0943,060-Flag=N;"
        b"011-Rtd=18.0412,011-Flag=N;001-Rtd=8.2137,001-Flag=N;B01-Rtd=10.9890,B01-Flag=N&&a9c1\r\n"
    )
    assert decode(raw).normalised_values()["w01001"]["Rtd"] == 8.2137


@pytest.mark.parametrize(
    "raw,reason",
    [
        (b"", "bad header"),
        (b"#0101QN=1\r\n", "bad header"),
        (b"##01a1" + ANNEX_A[6:], "bad length"),
        (b"##0102" + ANNEX_A[6:], "bad length"),
        (b"##0100" + ANNEX_A[6:], "bad length"),
        (ANNEX_A[:-6] + b"ZZZZ\r\n", "bad CRC"),
    ],
)
def test_it_names_what_is_wrong(raw, reason):
    with pytest.raises(FrameError) as exc:
        decode(raw)
    assert exc.value.reason == reason


def test_it_refuses_malformed_fields_even_with_a_good_crc():
    for segment, reason in [
        ("QN=20160801085857223;ST=32;CN=20X1;PW=1;MN=ABC;Flag=5;CP=&&&&", "malformed field: CN"),
        ("QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=999;CP=&&&&", "malformed field: Flag"),
        ("QN=20160801085857223;ST=32;CN=2011;PW=1;Flag=5;CP=&&&&", "missing field: MN"),
        (
            "QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=5;CP=&&DataTime=2016;w01018-Rtd=1&&",
            "malformed field: DataTime",
        ),
        (
            "QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=5;CP=&&DataTime=20160801085857;w01018-Rtd=abc&&",
            "malformed field: w01018-Rtd",
        ),
        ("QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=5;CP=&&w01018-Rtd=1&&", "missing field: DataTime"),
        ("QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=5;CP=&&DataTime=20160801085857", "malformed field: CP"),
        ("QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=40;CP=&&&&", "unsupported version"),
        (
            "QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=5;CP=&&DataTime=20160801085857;w01018-Rtd=\t2.2&&",
            "malformed field: w01018-Rtd",
        ),
        (
            "QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=5;CP=&&DataTime=20160801085857;w01018-Rtd=1e999&&",
            "malformed field: w01018-Rtd",
        ),
        ("QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=²;CP=&&&&", "non-ASCII text"),
    ]:
        with pytest.raises(FrameError) as exc:
            decode(encode(segment))
        assert exc.value.reason == reason, segment


def test_it_accepts_long_frames_up_to_the_four_digit_limit_and_flags_them():
    values = ";".join(f"w{n:05d}-Rtd=1.5,w{n:05d}-Flag=N" for n in range(60))
    segment = f"QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=ABC;Flag=5;CP=&&DataTime=20160801085857;{values}&&"
    frame = decode(encode(segment))
    assert frame.length > 1024 and frame.oversize and "length above 1024" in frame.warnings
    with pytest.raises(FrameError):
        encode("x" * 10000)


def test_it_counts_utf8_bytes_for_the_length_but_refuses_non_ascii_text():
    """The data segment is ASCII by the standard: Chinese text is refused (with
    the device's MN, so the refusal counts against it), not stored."""
    for text in ("i21001-Info=设备正常", "w01018-Rtd=1.0,w01018-Flag=正常", "Note=超标"):
        segment = f"QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=ABC;Flag=5;CP=&&{text}&&"
        raw = encode(segment)
        assert raw[2:6] == b"%04d" % len(segment.encode("utf-8"))
        with pytest.raises(FrameError) as exc:
            decode(raw)
        assert (exc.value.reason, exc.value.mn) == ("non-ASCII text", "ABC")


def test_it_tolerates_a_configured_crc_variant_only_for_that_device():
    segment = ANNEX_C_2011.encode()
    modbus_lo = b"##%04d" % len(segment) + segment + crc.crc_text(segment, "modbus_lo").encode() + b"\r\n"
    with pytest.raises(FrameError):
        decode(modbus_lo)
    with pytest.raises(FrameError):
        decode(modbus_lo, crc_variants=lambda mn: ("modbus_hi",))
    frame = decode(modbus_lo, crc_variants=lambda mn: ("modbus_lo",) if mn == "010000A8900016F000169DC0" else ())
    assert frame.crc_variant == "modbus_lo"


def test_it_reassembles_split_packets():
    part1 = "QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=ABC;Flag=7;PNUM=2;PNO=1;CP=&&DataTime=20160801085857;w01001-Rtd=7.1,w01001-Flag=N&&"
    part2 = (
        "QN=20160801085857224;ST=32;CN=2011;PW=123456;MN=ABC;Flag=7;PNUM=2;PNO=2;CP=&&w01018-Rtd=2.2,w01018-Flag=N&&"
    )
    reassembler = Reassembler()
    assert reassembler.feed(decode(encode(part2)), now=0) is None
    whole, parts = reassembler.feed(decode(encode(part1)), now=1)
    assert [p.pno for p in parts] == [1, 2]
    assert whole.values == {"w01001": {"Rtd": 7.1, "Flag": "N"}, "w01018": {"Rtd": 2.2, "Flag": "N"}}
    assert whole.data_time.isoformat() == "2016-08-01T08:58:57"
    assert not whole.is_split and len(reassembler) == 0


def test_it_expires_incomplete_split_packets():
    part1 = "QN=20160801085857223;ST=32;CN=2011;PW=1;MN=ABC;Flag=6;PNUM=3;PNO=1;CP=&&DataTime=20160801085857&&"
    reassembler = Reassembler(timeout=10)
    assert reassembler.feed(decode(encode(part1)), now=0) is None
    assert reassembler.expire(now=11) == 1


def test_it_writes_the_2017_replies_with_the_request_qn():
    frame = decode(encode(ANNEX_C_2011))
    answer = decode(replies.data_answer(frame))
    assert (answer.qn, answer.st, answer.cn, answer.flag, answer.mn) == (frame.qn, "91", "9014", 4, frame.mn)
    refused = decode(replies.request_answer(frame, codes.QN_BAD_PW))
    assert refused.cn == "9011" and refused.cp == {"QnRtn": "3"}
    assert decode(replies.execution_result(frame, codes.EXE_OK)).cp == {"ExeRtn": "1"}
    assert decode(replies.notify_answer(frame)).cn == "9013"


def test_it_writes_2005_replies_with_the_qn_inside_cp():
    segment = "QN=20040516010101001;ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817;011-Rtd=1&&"
    frame = decode(encode(segment))
    answer = decode(replies.execution_result(frame, 1))
    assert answer.qn == "" and answer.cp == {"QN": "20040516010101001", "ExeRtn": "1"}


def test_it_lets_a_new_version_plug_in_through_the_flag_bits():
    class Version2037(ProtocolVersion):
        bits = 3
        name = "HJ 212-2037"

    assert version_for_flag(13) is None
    register(Version2037())
    try:
        frame = decode(
            encode("QN=20370101000000000;ST=32;CN=2011;PW=1;MN=ABC;Flag=13;CP=&&DataTime=20370101000000;w01018-Rtd=3&&")
        )
        assert frame.version.name == "HJ 212-2037"
        assert decode(replies.data_answer(frame)).flag == 12
    finally:
        from relocation.monitoring.hj212 import versions

        versions._registry.pop(3)
    assert [v.name for v in registered()] == ["HJ/T 212-2005", "HJ 212-2017", "HJ 212-2025"]


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_it_never_crashes_on_random_bytes(data):
    try:
        decode(data)
    except FrameError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="QNSTCPWMFlag=;,&-0123456789wDataTime.#\r\nABCDEFN设", max_size=200))
def test_it_never_crashes_on_framed_random_segments(text):
    """Random segments with a correct length and CRC reach the field parser."""
    try:
        raw = encode(text)
    except FrameError:
        return
    try:
        decode(raw)
    except FrameError:
        pass


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["w01001", "w01018", "w21003", "w20116", "w20117", "011"]),
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 3)),
        min_size=1,
    )
)
def test_it_round_trips_values(values):
    cp = "DataTime=20220301120000;" + ";".join(f"{k}-Rtd={v},{k}-Flag=N" for k, v in values.items())
    frame = decode(
        encode(
            build_segment({"QN": "20220301120000000", "ST": "32", "CN": "2011", "PW": "1", "MN": "M1", "Flag": 5}, cp)
        )
    )
    assert {k: v["Rtd"] for k, v in frame.values.items()} == values


def test_it_prints_one_json_object_per_line(capsys, monkeypatch):
    from django.core.management import call_command

    lines = ANNEX_A + encode(ANNEX_C_2011) + b"##0101broken\r\n" + ANNEX_A.replace(b"1C80", b"FFFF") + b"\n"
    stdin = io.TextIOWrapper(io.BytesIO(lines))
    monkeypatch.setattr("sys.stdin", stdin)
    out = io.StringIO()
    call_command("hj212_decode", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0]["ok"] is True and rows[0]["cn"] == "1062"
    assert rows[1]["values"]["w01018"] == {"SampleTime": "20160801070000", "Rtd": 2.2, "Flag": "N", "EFlag": "A01"}
    assert rows[2] == {"ok": False, "error": "bad length"}
    assert rows[3] == {"ok": False, "error": "bad CRC"}
    assert len(rows) == 4
