"""Back-fill (补传), time calibration, heartbeats and what the server records of
each device, over real sockets."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from relocation.monitoring.hj212 import decode, encode
from relocation.monitoring.hj212.frame import build_segment
from relocation.monitoring.tests.test_hj212_2025 import independent_crc
from relocation.monitoring.tests.test_server import MN, make_server, read_reply, rows_count, run, upload

pytestmark = pytest.mark.django_db(transaction=True)
SITE = dt.timezone(dt.timedelta(hours=8))


def hour(when: str, value: float, *, rf: bool = False) -> bytes:
    header = {"QN": when + "000", "ST": "32", "CN": "2061", "PW": "123456", "MN": MN, "Flag": 9}
    if rf:
        header["RF"] = 1
    return encode(build_segment(header, f"DataTime={when};w01018-Avg={value},w01018-Flag=N"))


def test_it_requests_the_missing_period_on_reconnect_and_the_resent_data_fills_it_once(point):
    from relocation.monitoring.models import DeviceStatus

    DeviceStatus.objects.create(point=point, last_data_time=dt.datetime(2026, 3, 1, 8, tzinfo=SITE))
    commands = []

    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(hour("20260301120000", 40.0))
        assert (await read_reply(reader)).cn == "9014"
        line = await asyncio.wait_for(reader.readline(), 5)
        assert line[-6:-2].decode() == independent_crc(line[6:-6])
        commands.append(decode(line))
        # The device answers with the history, flagged as re-sent, one hour twice.
        for when in ("20260301090000", "20260301100000", "20260301110000", "20260301100000"):
            writer.write(hour(when, 41.0, rf=True))
            assert (await read_reply(reader)).cn == "9014"
        writer.write(hour("20260301130000", 42.0))  # same connection: no second request
        assert (await read_reply(reader)).cn == "9014"
        writer.close()
        await server.stop()

    run(scenario())
    (request,) = commands
    assert (request.cn, request.st, request.flag) == ("2061", "32", 5)
    assert request.cp == {"BeginTime": "20260301080000", "EndTime": "20260301120000"}
    assert rows_count() == 5  # 9, 10, 11, 12, 13 o'clock: the double was dropped
    status = DeviceStatus.objects.get(point=point)
    assert status.backfill_requested_at is not None
    assert status.last_data_time == dt.datetime(2026, 3, 1, 13, tzinfo=SITE)


def test_it_calibrates_a_clock_that_is_off_and_leaves_a_good_one_alone(point):
    from relocation.monitoring.models import DeviceStatus, FrameCounter

    now = dt.datetime.now(SITE)
    commands = []

    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(upload(when=(now - dt.timedelta(seconds=5)).strftime("%Y%m%d%H%M%S")))
        await read_reply(reader)
        writer.write(upload(qn="20220301120000001", when=(now - dt.timedelta(minutes=20)).strftime("%Y%m%d%H%M%S")))
        await read_reply(reader)
        commands.append(decode(await asyncio.wait_for(reader.readline(), 5)))
        writer.close()
        await server.stop()

    run(scenario())
    (command,) = commands
    assert command.cn == "1012" and abs(
        dt.datetime.strptime(command.cp["SystemTime"], "%Y%m%d%H%M%S").replace(tzinfo=SITE) - now
    ) < dt.timedelta(minutes=1)
    status = DeviceStatus.objects.get(point=point)
    assert status.time_set_at is not None and 1190 <= status.clock_skew_seconds <= 1300
    assert FrameCounter.objects.get(mn=MN).count == 2


def test_it_answers_a_2025_heartbeat_and_counts_refusals_against_the_device(point):
    from relocation.monitoring.models import FrameCounter, IngestCounter

    heartbeat = encode(
        build_segment({"QN": "20260301120000000", "ST": "91", "CN": "9015", "PW": "123456", "MN": MN, "Flag": 9}, "")
    )
    broken = upload()[:-6] + b"0000\r\n"

    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(broken + heartbeat)
        answer = await read_reply(reader)
        assert (answer.cn, answer.flag) == ("9013", 8)
        writer.close()
        await server.stop()

    run(scenario())
    assert IngestCounter.objects.get(reason="bad CRC").mn == MN
    assert FrameCounter.objects.get(mn=MN).version == "2025"
