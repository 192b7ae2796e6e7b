"""HJ 212-2025 and the published real-device deviations, against frames printed
in public sources (each test names its source). Every CRC an answer carries is
checked with `independent_crc` below, written from the standard's Annex A text,
not with the package's own table-driven code."""

from __future__ import annotations

import pytest

from relocation.monitoring.hj212 import codes, decode, encode, replies
from relocation.monitoring.hj212.encryption import decrypt_region, encrypt_region
from relocation.monitoring.hj212.frame import FrameError
from relocation.monitoring.hj212.versions import BY_NAME


def independent_crc(data: bytes) -> str:
    """Annex A, bit by bit: register 0xFFFF; per byte, register = (register >> 8) ^ byte,
    then eight shifts with 0xA001 whenever the bit shifted out is 1."""
    register = 0xFFFF
    for byte in data:
        register = (register >> 8) ^ byte
        for _ in range(8):
            register = (register >> 1) ^ 0xA001 if register & 1 else register >> 1
    return f"{register:04X}"


def independent_modbus_hi(data: bytes) -> str:
    """CRC-16/MODBUS, bit by bit (the whole register is XORed with the byte), high byte first."""
    register = 0xFFFF
    for byte in data:
        register ^= byte
        for _ in range(8):
            register = (register >> 1) ^ 0xA001 if register & 1 else register >> 1
    return f"{register:04X}"


def check_packet(packet: bytes, crc=independent_crc) -> bytes:
    """Check an answer's envelope and CRC independently; return its segment."""
    assert packet[:2] == b"##" and packet[-2:] == b"\r\n"
    segment = packet[6:-6]
    assert int(packet[2:6]) == len(segment)
    assert packet[-6:-2].decode() == crc(segment)
    return segment


# HJ 212-2025 Annex A.1, as extracted from the standard's PDF by
# github.com/Daidai52640/cems-data-pipeline tests/protocol/hj212/test_vectors.json ("crc_example_a1").
ANNEX_A1_2025 = b"##0087QN=20240601085857223;ST=32;CN=1011;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&&&2200\r\n"
# HJ 212-2025 Annex A.2 example 2 (same source, "a2_example_2"): plain segment, its CRC, the
# published cipher text under the test key "16 × 0x30".
A2_PLAIN_REGION = (
    "DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;"
    "a01012-Min=9.3,a01012-Avg=9.3,a01012-Max=9.3,a01012-Flag=N;"
    "a01014-Min=3.20,a01014-Avg=3.211,a01014-Max=3.212,a01014-Flag=N"
)
A2_HEAD = "QN=20240520210700000;ST=31;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&"
A2_CIPHER_HEX = (
    "E43E159ACFAB242CB53155FB8B9281A1A242577ABFAED881BE88B72D69FC55ED1A80119FAAC8B3CD33D285CC76F57F2C"
    "A7F88B9573C6647E0F07E24609BD6B63EB20C5B9784F28E71D2F4994FF61D9E1C2B3075592B4D1E09C4D8BB27BE97B55"
    "9E3DA6643781A6F477769DEEB009B10DFFF3426922725D607DC4480F0CAC5F70DB2587B124BCB281592721D6E4BC180A"
    "97E5E111499CBE822E31C8D7761553543AA24207C290997BBDE64F9266BC5F529A172E381C1D898CA1A0D771A914A7B2"
    "D7467C70B94F1D4A7B0350A48DBF8B41"
)
TEST_KEY = b"0" * 16  # "密钥使用16个0x30"
# A real logger's frame with a 17-digit DataTime, from github.com/xiaoyao9184/hj-t212-parser
# (H212ParserTest.java); its CRC 4980 is right for this 17-digit text.
MILLISECOND_FRAME = (
    b"##0139ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817000;"
    b"B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N;060-Rtd=1.803,060-Flag=N&&4980\r\n"
)


def test_it_decodes_the_2025_annex_a1_frame_with_an_empty_cp():
    frame = decode(ANNEX_A1_2025)
    assert frame.version.name == "HJ 212-2025" and frame.flag == 9 and frame.needs_ack
    assert frame.cn == "1011" and frame.cp == {} and frame.values == {}
    assert independent_crc(ANNEX_A1_2025[6:-6]) == "2200"


@pytest.mark.parametrize("flag", [8, 9, 10, 11])
def test_it_takes_flags_8_to_11_as_2025(flag):
    split = ";PNUM=2;PNO=1" if flag & 2 else ""
    segment = (
        f"QN=20260101000000000;ST=31;CN=2011;PW=1;MN=ABC;Flag={flag}{split};CP=&&DataTime=20260101000000;a21026-Rtd=3&&"
    )
    frame = decode(encode(segment))
    assert frame.version is BY_NAME["2025"] and frame.needs_ack == bool(flag & 1)


def test_it_answers_2025_frames_with_flag_8_and_the_request_qn():
    frame = decode(encode(f"{A2_HEAD}{A2_PLAIN_REGION}&&"))
    answer = replies.data_answer(frame)
    segment = check_packet(answer)
    assert segment == b"QN=20240520210700000;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=8;CP=&&&&"


def test_it_reads_the_resend_flag_and_refuses_other_values():
    resent = decode(
        encode("QN=20260101000000000;ST=31;CN=2061;PW=1;MN=ABC;Flag=9;RF=1;CP=&&DataTime=20260101000000;a21026-Avg=3&&")
    )
    assert resent.resent
    with pytest.raises(FrameError) as exc:
        decode(encode("QN=20260101000000000;ST=31;CN=2061;PW=1;MN=ABC;Flag=9;RF=0;CP=&&DataTime=20260101000000&&"))
    assert (exc.value.reason, exc.value.mn) == ("malformed field: RF", "ABC")


def test_it_decrypts_the_published_annex_a2_cipher_text_and_checks_the_plain_crc():
    plain_segment = f"{A2_HEAD}{A2_PLAIN_REGION}&&".encode()
    assert independent_crc(plain_segment) == "2200"  # as printed in Annex A.2
    cipher = bytes.fromhex(A2_CIPHER_HEX)
    published = f"{A2_HEAD}{{{','.join(f'0x{b:02X}' for b in cipher)}}}&&"
    assert encrypt_region(A2_PLAIN_REGION, TEST_KEY) == published[len(A2_HEAD) : -2]
    # The standard's example declares the plain length (0295); what is sent is longer.
    for declared in (len(plain_segment), len(published)):
        raw = b"##%04d" % declared + published.encode() + b"2200\r\n"
        frame = decode(raw, sm4_key=lambda mn: TEST_KEY if mn == "010000A8900016F000169DC0" else None)
        assert frame.encrypted and frame.data_time.isoformat() == "2024-05-20T21:06:00"
        assert frame.values["a01014"] == {"Min": 3.2, "Avg": 3.211, "Max": 3.212, "Flag": "N"}
    with pytest.raises(FrameError) as exc:
        decode(raw)
    assert (exc.value.reason, exc.value.mn) == ("encrypted CP without key", "010000A8900016F000169DC0")
    with pytest.raises(FrameError) as exc:
        decode(raw, sm4_key=lambda mn: b"1" * 16)
    assert exc.value.reason in {"bad encryption", "bad CRC"}


def test_it_keeps_a_tail_shorter_than_a_block_plain():
    """Annex A.2 example 4: 147 characters = 9 blocks + "g=N" left plain."""
    region = (
        "DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;"
        "a01014-Min=3.20,a01014-Avg=3.20,a01014-Max=3.20,a01014-Flag=N"
    )
    text = encrypt_region(region, TEST_KEY)
    assert text.endswith("}g=N") and text.startswith("{0xE4,0x3E,0x15,0x9A")
    assert decrypt_region(text, TEST_KEY) == region


def test_it_accepts_a_datatime_with_milliseconds():
    frame = decode(MILLISECOND_FRAME)
    assert frame.data_time.isoformat() == "2016-08-24T00:38:17"
    assert "DataTime with milliseconds" in frame.warnings
    assert frame.normalised_values()["w01018"]["Rtd"] == 231.0
    with pytest.raises(FrameError):  # 15 or 16 digits mean nothing
        decode(encode("ST=32;CN=2011;PW=1;MN=ABC;CP=&&DataTime=201608240038170;011-Rtd=1&&"))


def test_it_takes_begintime_as_the_time_of_an_hour_upload_without_datatime():
    """The shape of the retrieval command's period (published e.g. in the 2061 example
    "CP=&&BeginTime=20180518070000,EndTime=20180518070000&&D581", CRC checked below)
    as some loggers put it on their hour and day uploads."""
    assert (
        independent_crc(
            b"QN=20180519013039400;ST=32;CN=2061;PW=123456;MN=88888880000020;Flag=3;"
            b"CP=&&BeginTime=20180518070000,EndTime=20180518070000&&"
        )
        == "D581"
    )
    hour = decode(
        encode(
            "QN=20180519013039400;ST=32;CN=2061;PW=123456;MN=88888880000020;Flag=5;"
            "CP=&&BeginTime=20180518070000,EndTime=20180518075959;w01018-Avg=42.3,w01018-Flag=N&&"
        )
    )
    assert hour.data_time.isoformat() == "2018-05-18T07:00:00" and "BeginTime instead of DataTime" in hour.warnings
    day = decode(
        encode(
            "QN=20170928125703829;ST=32;CN=2031;PW=123456;MN=40142000135246;Flag=5;"
            "CP=&&BeginTime=20170924000000;EndTime=20170924235959;w01018-Avg=40.0,w01018-Flag=N&&"
        )
    )
    assert day.data_time.isoformat() == "2017-09-24T00:00:00"
    with pytest.raises(FrameError):  # a real-time value has no period: still refused
        decode(encode("ST=32;CN=2011;PW=1;MN=ABC;Flag=5;CP=&&BeginTime=20170924000000;w01018-Rtd=1&&"))
    with pytest.raises(FrameError) as exc:  # a period ending before it starts is not unambiguous
        decode(
            encode(
                "ST=32;CN=2061;PW=1;MN=ABC;Flag=5;CP=&&BeginTime=20170924010000,EndTime=20170924000000;w01018-Avg=1&&"
            )
        )
    assert exc.value.reason == "malformed field: BeginTime"


def test_it_accepts_a_data_free_upload_with_an_empty_cp():
    """Frames such as "ST=22;CN=2011;CP=&&&&" (a logger with nothing to report; published
    in the README of a Rust HJ 212 crate indexed with the code search) store nothing."""
    frame = decode(encode("QN=20260101000000000;ST=31;CN=2011;PW=1;MN=ABC;Flag=9;CP=&&&&"))
    assert frame.values == {} and frame.data_time is None
    with pytest.raises(FrameError) as exc:  # values without any time stay refused
        decode(encode("QN=20260101000000000;ST=31;CN=2011;PW=1;MN=ABC;Flag=9;CP=&&w01018-Rtd=1&&"))
    assert (exc.value.reason, exc.value.mn) == ("missing field: DataTime", "ABC")


def test_it_names_the_device_in_every_refusal_it_can_read_the_mn_of():
    good = encode("QN=20260101000000000;ST=31;CN=2011;PW=1;MN=ABC;Flag=9;CP=&&DataTime=20260101000000&&")
    for raw, reason in [
        (good[:2] + b"0999" + good[6:], "bad length"),
        (good[:-6] + b"0000\r\n", "bad CRC"),
        (b"$#" + good[2:], "bad header"),
    ]:
        with pytest.raises(FrameError) as exc:
            decode(raw)
        assert (exc.value.reason, exc.value.mn) == (reason, "ABC")


def test_it_names_the_crc_variant_a_refused_device_actually_uses():
    segment = b"QN=20260101000000000;ST=31;CN=2011;PW=1;MN=ABC;Flag=9;CP=&&DataTime=20260101000000&&"
    raw = b"##%04d" % len(segment) + segment + independent_modbus_hi(segment).encode() + b"\r\n"
    with pytest.raises(FrameError) as exc:
        decode(raw)
    assert exc.value.reason == "bad CRC: modbus_hi"
    frame = decode(raw, crc_variants=lambda mn: ("modbus_hi",))
    answer = replies.data_answer(frame, crc_variant="modbus_hi")
    check_packet(answer, crc=independent_modbus_hi)


def test_it_writes_commands_in_the_device_dialect():
    command = BY_NAME["2025"].command(
        qn="20260101000000000",
        st="31",
        cn=codes.CN_HOURLY,
        pw="1",
        mn="ABC",
        cp_fields={"BeginTime": "20260101000000", "EndTime": "20260101050000"},
        crc_variant="modbus_hi",
    )
    segment = check_packet(command, crc=independent_modbus_hi)
    assert (
        segment
        == b"QN=20260101000000000;ST=31;CN=2061;PW=1;MN=ABC;Flag=9;CP=&&BeginTime=20260101000000;EndTime=20260101050000&&"
    )
    encrypted = BY_NAME["2025"].command(
        qn="20260101000000000",
        st="31",
        cn=codes.CN_HOURLY,
        pw="1",
        mn="ABC",
        cp_fields={"BeginTime": "20260101000000", "EndTime": "20260101050000"},
        sm4_key=TEST_KEY,
    )
    assert b"CP=&&{0x" in encrypted
    assert decode(encrypted, sm4_key=lambda mn: TEST_KEY).cp["EndTime"] == "20260101050000"
