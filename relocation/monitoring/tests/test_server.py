"""The HJ 212 server over real sockets on an ephemeral port, with the real
storage (transaction=True: the writer threads must see committed rows)."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest

from relocation.monitoring import ingest, storage
from relocation.monitoring.hj212 import crc, decode, encode
from relocation.monitoring.hj212.frame import build_segment
from relocation.monitoring.server import Hj212Server
from relocation.monitoring.simulator import Device, simulate
from relocation.monitoring.tests.test_hj212_2025 import independent_modbus_hi

pytestmark = pytest.mark.django_db(transaction=True)

MN = "010000A8900016F000169DC0"


def upload(*, qn="20220301120000000", pw="123456", mn=MN, flag=5, when="20220301120000", values=None, cn="2011"):
    values = values or {"w01018": 45.2, "w21003": 3.1, "w20116": 0.2, "w20121": 0.1, "w20122": 0.3, "w01001": 7.2}
    key = "Rtd" if cn == "2011" else "Avg"
    cp = f"DataTime={when};" + ";".join(f"{k}-{key}={v},{k}-Flag=N" for k, v in values.items())
    return encode(build_segment({"QN": qn, "ST": "32", "CN": cn, "PW": pw, "MN": mn, "Flag": flag}, cp))


def closing(fn):
    """Close the thread's connection after each call, so that no writer thread
    keeps the test database open after the test."""

    def wrapper(*args):
        from django.db import connection

        try:
            return fn(*args)
        finally:
            connection.close()

    return wrapper


def make_server(store=storage.store_rows, **kwargs) -> Hj212Server:
    return Hj212Server(
        load_directory=closing(ingest.PointDirectory.load),
        store=closing(store),
        count_rejections=closing(storage.count_rejections),
        record_activity=closing(storage.record_activity),
        tz=dt.timezone(dt.timedelta(hours=8)),
        refresh_seconds=3600,
        **kwargs,
    )


async def db(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def rows_count(**filters) -> int:
    from django.db import close_old_connections, connection

    from relocation.monitoring.models import Measurement

    close_old_connections()
    try:
        return Measurement.objects.filter(**filters).count()
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()


async def read_reply(reader, timeout=5.0, *, commands=None):
    """The next answer (ST=91). The server's own requests that may follow an
    answer (time calibration for these old DataTimes, back-fill) are skipped, or
    collected into `commands`."""
    while True:
        frame = decode(await asyncio.wait_for(reader.readline(), timeout))
        if frame.st == "91":
            return frame
        if commands is not None:
            commands.append(frame)


def run(coro, runner=asyncio.run):
    """Run a scenario on a fresh event loop in its own thread (the browser
    tests leave Playwright's loop running in the main thread)."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = runner(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def test_it_acknowledges_only_after_the_rows_are_stored(point):
    gate = threading.Event()

    def slow_store(rows):
        gate.wait(10)
        return storage.store_rows(rows)

    async def scenario():
        server = make_server(store=slow_store)
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(upload())
        await writer.drain()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reader.readline(), 0.5)
        assert await db(rows_count) == 0
        gate.set()
        answer = await read_reply(reader)
        assert (answer.cn, answer.qn, answer.st, answer.flag) == ("9014", "20220301120000000", "91", 4)
        assert await db(rows_count) == 6
        writer.close()
        await server.stop()

    run(scenario())


def test_it_serves_on_uvloop_as_the_command_runs_it(point):
    import uvloop

    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(upload() + upload(mn="UNKNOWN0001"))
        answers = [await read_reply(reader), await read_reply(reader)]
        assert sorted(a.cn for a in answers) == ["9011", "9014"]
        writer.close()
        await server.stop()

    run(scenario(), runner=uvloop.run)
    assert rows_count() == 6


def test_it_stores_duplicates_once_and_answers_both(point):
    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(upload() + upload())
        answers = [await read_reply(reader), await read_reply(reader)]
        assert [a.cn for a in answers] == ["9014", "9014"]
        assert await db(rows_count) == 6
        writer.close()
        await server.stop()

    run(scenario())


def test_it_refuses_unknown_devices_and_wrong_passwords_with_the_standard_codes(point):
    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(upload(mn="UNKNOWN0001"))
        answer = await read_reply(reader)
        assert (answer.cn, answer.cp["QnRtn"]) == ("9011", "4")
        writer.write(upload(pw="000000"))
        answer = await read_reply(reader)
        assert (answer.cn, answer.cp["QnRtn"]) == ("9011", "3")
        writer.close()
        await server.stop()
        assert await db(rows_count) == 0
        assert server.stats["rejected:unknown MN"] == 1 and server.stats["rejected:wrong password"] == 1

    run(scenario())


def test_it_survives_bad_frames_counts_them_and_stores_nothing_of_them(point):
    from relocation.monitoring.models import IngestCounter

    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        good = upload()
        bad_crc = good[:-6] + b"0000\r\n"
        bad_length = b"##0999" + good[6:]
        writer.write(bad_crc + bad_length + b"\x00\xff garbage\r\n" + b"#" * 20000 + b"\r\n")
        writer.write(good)
        answer = await read_reply(reader)  # the only answer: bad CRC frames are not answered
        assert answer.cn == "9014"
        writer.close()
        await server.stop()
        assert await db(rows_count) == 6
        assert server.stats["rejected:bad CRC"] == 1
        assert server.stats["rejected:bad length"] >= 2

    run(scenario())
    counts = dict(IngestCounter.objects.values_list("reason").annotate().values_list("reason", "count"))
    assert counts["bad CRC"] == 1


def test_it_accepts_the_crc_variant_tolerated_for_that_device(point):
    from relocation.monitoring.models import MonitoringPoint

    MonitoringPoint.objects.filter(pk=point.pk).update(crc_variant="modbus_lo")
    frame = upload()
    segment = frame[6:-6]
    modbus = frame[:6] + segment + crc.crc_text(segment, "modbus_lo").encode() + b"\r\n"

    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(modbus)
        # The answer comes back in the device's own variant, checked independently of the package.
        line = await asyncio.wait_for(reader.readline(), 5.0)
        answer = line[6:-6]
        high = independent_modbus_hi(answer)
        assert line[-6:-2].decode() == high[2:] + high[:2]
        assert decode(line, crc_variants=lambda mn: ("modbus_lo",)).cn == "9014"
        writer.close()
        await server.stop()

    run(scenario())
    assert rows_count() == 6


def test_it_reassembles_split_uploads_and_answers_every_part(point):
    part1 = build_segment(
        {"QN": "20220301120000001", "ST": "32", "CN": "2061", "PW": "123456", "MN": MN, "Flag": 7, "PNUM": 2, "PNO": 1},
        "DataTime=20220301110000;w01018-Avg=40.0,w01018-Flag=N",
    )
    part2 = build_segment(
        {"QN": "20220301120000002", "ST": "32", "CN": "2061", "PW": "123456", "MN": MN, "Flag": 7, "PNUM": 2, "PNO": 2},
        "w21003-Avg=2.0,w21003-Flag=N",
    )

    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(encode(part1) + encode(part2))
        qns = {(await read_reply(reader)).qn, (await read_reply(reader)).qn}
        assert qns == {"20220301120000001", "20220301120000002"}
        writer.close()
        await server.stop()

    run(scenario())
    assert rows_count(cn="2061") == 2


def test_it_converts_microgram_units_to_the_limit_units(workshop_point):
    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(upload(mn="WORKSHOP0001", pw="654321", values={"w20117": 150.0, "w20116": 0.4}))
        assert (await read_reply(reader)).cn == "9014"
        writer.close()
        await server.stop()

    run(scenario())
    from relocation.monitoring.models import Measurement

    values = dict(Measurement.objects.values_list("pollutant", "value"))
    assert values["w20117"] == pytest.approx(0.15)  # 150 µg/L = 0.15 mg/L
    assert values["w20116"] == pytest.approx(0.4)


def test_it_applies_back_pressure_with_a_small_queue(point):
    calls = []

    def slow_store(rows):
        calls.append(len(rows))
        import time

        time.sleep(0.05)
        return storage.store_rows(rows)

    async def scenario():
        server = make_server(store=slow_store, queue_size=2, batch_max=6)
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for i in range(12):
            writer.write(upload(qn=f"2022030112{i:02d}00000", when=f"2022030112{i:02d}00"))
        for _ in range(12):
            assert (await read_reply(reader)).cn == "9014"
            assert len(server.queue) <= 2
        writer.close()
        await server.stop()

    run(scenario())
    assert rows_count() == 72 and max(calls) <= 12


def test_it_reads_a_device_that_connected_while_the_queue_was_full_once_there_is_room(point):
    gate = threading.Event()

    def gated_store(rows):
        gate.wait(10)
        return storage.store_rows(rows)

    async def scenario():
        server = make_server(store=gated_store, queue_size=1, batch_max=6)
        port = await server.start("127.0.0.1", 0)
        first_reader, first = await asyncio.open_connection("127.0.0.1", port)
        for i in range(3):
            first.write(upload(qn=f"2022030112{i:02d}00000", when=f"2022030112{i:02d}00"))
        while not server.queue_is_full():
            await asyncio.sleep(0.01)
        second_reader, second = await asyncio.open_connection("127.0.0.1", port)
        second.write(upload(qn="20220301130000000", when="20220301130000"))
        await asyncio.sleep(0.2)
        gate.set()
        assert (await read_reply(second_reader)).qn == "20220301130000000"
        for _ in range(3):
            assert (await read_reply(first_reader)).cn == "9014"
        first.close()
        second.close()
        await server.stop()

    run(scenario())
    assert rows_count() == 24


def test_it_ends_with_exactly_the_frames_sent_when_the_server_dies_mid_stream(point):
    """Kill the server while the simulator sends; restart it; unacknowledged
    frames are resent and idempotent storage drops what was already stored."""

    async def scenario():
        server = make_server()
        port = await server.start("127.0.0.1", 0)
        device = Device(mn=MN, pw="123456", start=dt.datetime(2022, 3, 1, 8, 0), interval_s=30)
        sim = asyncio.create_task(
            simulate([device], "127.0.0.1", port, count=60, rate=200, window=8, ack_timeout=1.0, duration=30)
        )
        while server.stats["acknowledged"] < 15:
            await asyncio.sleep(0.01)
        await server.abort()
        await asyncio.sleep(0.3)
        second = make_server()
        await second.start("127.0.0.1", port)
        result = await sim
        await second.stop()
        return result

    result = run(scenario())
    assert result.frames_unique == 60 and result.acked == 60
    assert result.reconnects >= 1
    assert rows_count() == 60 * 6


def test_a_resend_of_a_frame_still_waiting_for_storage_is_answered_with_it_not_stored_again(point):
    gate = threading.Event()
    stored_batches = []

    def slow_store(rows):
        gate.wait(10)
        stored_batches.append(len(rows))
        return storage.store_rows(rows)

    async def scenario():
        server = make_server(store=slow_store)
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(upload())
        await writer.drain()
        await asyncio.sleep(0.3)  # the first is with the writer
        writer.write(upload() + upload())  # the device gave up waiting: it resends, twice
        await writer.drain()
        await asyncio.sleep(0.3)
        gate.set()
        answers = [await read_reply(reader) for _ in range(3)]
        assert [a.cn for a in answers] == ["9014"] * 3
        writer.close()
        await server.stop()
        return server.stats

    stats = run(scenario())
    assert rows_count() == 6
    assert stats["resends_joined"] == 2
    assert stored_batches == [6]  # one frame's rows, stored once: no conflict, no merge


def test_a_resend_of_a_frame_just_stored_is_answered_without_storing(point):
    batches = []

    def counting_store(rows):
        batches.append(len(rows))
        return storage.store_rows(rows)

    async def scenario():
        server = make_server(store=counting_store)
        port = await server.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(upload())
        first = await read_reply(reader)
        writer.write(upload())  # its answer was late: the device sends it again
        again = await read_reply(reader)
        assert (first.cn, again.cn, again.qn) == ("9014", "9014", first.qn)
        writer.close()
        await server.stop()
        return server.stats

    stats = run(scenario())
    assert batches == [6] and stats["resends_answered"] == 1
    assert rows_count() == 6
