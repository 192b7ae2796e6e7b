"""Sanity refusals (security review, issue 16): a value no instrument can
measure (|v| > 1e15) and a DataTime more than a day ahead of the real arrival
time are refused, and counted with their reason against the device's MN."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from relocation.monitoring.hj212 import decode, encode
from relocation.monitoring.hj212.frame import FrameError, build_segment
from relocation.monitoring.tests.test_server import MN, db, make_server, read_reply, rows_count, run

SITE = dt.timezone(dt.timedelta(hours=8))  # make_server's time zone


def frame(cp: str, *, mn: str = MN, qn: str = "20220301120000000") -> bytes:
    return encode(build_segment({"QN": qn, "ST": "32", "CN": "2011", "PW": "123456", "MN": mn, "Flag": 5}, cp))


def site_text(when: dt.datetime) -> str:
    return when.astimezone(SITE).strftime("%Y%m%d%H%M%S")


@pytest.mark.parametrize("value", ["1e16", "-2E15", "1000000000000001", "1.5e+300"])
def test_it_refuses_a_value_beyond_1e15_and_names_the_device(value):
    raw = frame(f"DataTime=20220301120000;w01018-Rtd=45.2,w01018-Flag=N;w21003-Rtd={value},w21003-Flag=N")
    with pytest.raises(FrameError) as caught:
        decode(raw)
    assert (caught.value.reason, caught.value.mn) == ("value out of range", MN)


@pytest.mark.parametrize("field", ["Avg", "Min", "Max", "Cou"])
def test_it_refuses_every_numeric_field_beyond_the_limit(field):
    raw = frame(f"DataTime=20220301120000;w01018-{field}=-1e16,w01018-Flag=N")
    with pytest.raises(FrameError, match="value out of range"):
        decode(raw)


def test_it_keeps_values_up_to_the_limit_and_padded_frames_alike():
    assert decode(frame("DataTime=20220301120000;w01018-Rtd=1e15,w01018-Flag=N")).values["w01018"]["Rtd"] == 1e15
    with pytest.raises(FrameError, match="value out of range"):
        decode(frame("DataTime=20220301120000; w01018-Rtd=2e15, w01018-Flag=N"))  # the stripping path
    with pytest.raises(FrameError, match="malformed field"):
        decode(frame("DataTime=20220301120000;w01018-Rtd=1e999,w01018-Flag=N"))  # not a number: as before


def _refusals() -> dict[tuple[str, str], int]:
    from relocation.monitoring.models import IngestCounter

    return {(c.mn, c.reason): c.count for c in IngestCounter.objects.all()}


def _scenario(packets: list[bytes], answers: int):
    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"".join(packets))
        got = [await read_reply(reader) for _ in range(answers)]
        with pytest.raises(TimeoutError):  # refused frames get no answer
            await read_reply(reader, 0.5)
        writer.close()
        await server.stop()
        return got, await db(rows_count)

    return scenario()


@pytest.mark.django_db(transaction=True)
def test_the_server_refuses_them_counts_them_against_the_device_and_stores_the_rest(point):
    now = dt.datetime.now(dt.UTC)
    soon = site_text(now + dt.timedelta(hours=20))  # a fast clock: still accepted
    ahead = site_text(now + dt.timedelta(days=1, minutes=5))
    packets = [
        frame(f"DataTime={ahead};w01018-Rtd=45.2,w01018-Flag=N", qn="20220301120000001"),
        frame("DataTime=20220301120000;w01018-Rtd=9e15,w01018-Flag=N", qn="20220301120000002"),
        frame(f"DataTime={soon};w01018-Rtd=45.2,w01018-Flag=N", qn="20220301120000003"),
    ]
    answers, stored = run(_scenario(packets, 1))
    assert [a.qn for a in answers] == ["20220301120000003"]
    assert stored == 1
    assert _refusals() == {(MN, "DataTime in the future"): 1, (MN, "value out of range"): 1}

    from relocation.monitoring.models import DeviceStatus

    # The refused clock did not become the device's newest DataTime.
    status = DeviceStatus.objects.get(point=point)
    assert status.last_data_time < now + dt.timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_the_future_is_judged_on_real_time_not_on_the_demo_clock(point, monkeypatch):
    from config import democlock

    real_now = dt.datetime.now(dt.UTC)
    monkeypatch.setenv("RHQ_DEMO_TODAY", "2022-05-16")
    democlock.start_from_env()
    try:
        assert dt.datetime.now(dt.UTC).year == 2022  # the process clock is the demo's
        packets = [
            # Today's real time, four years after the demo's date: a right clock, accepted.
            frame(f"DataTime={site_text(real_now)};w01018-Rtd=45.2,w01018-Flag=N", qn="20220301120000001"),
            frame(
                f"DataTime={site_text(real_now + dt.timedelta(days=2))};w01018-Rtd=45.2,w01018-Flag=N",
                qn="20220301120000002",
            ),
        ]
        answers, stored = run(_scenario(packets, 1))
    finally:
        democlock.stop()
    assert [a.qn for a in answers] == ["20220301120000001"]
    assert stored == 1
    assert _refusals() == {(MN, "DataTime in the future"): 1}
