"""A traffic simulator for the HJ 212 server: N devices, each on its own TCP
connection, sending real-time (2011) uploads that ask for an answer (Flag=5)
and resending every frame whose 9014 answer did not come — after a timeout
or after the connection broke (the server restarted)."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from relocation.monitoring.hj212.crc import matches as crc_matches
from relocation.monitoring.hj212.frame import FrameError, build_segment, encode, split_line

# Six pollutants of an electroplating final outlet, with plausible ranges (storage units).
POLLUTANT_RANGES = {
    "w01001": (6.8, 8.2),  # pH
    "w01018": (18.0, 65.0),  # COD mg/L
    "w21003": (0.8, 9.0),  # NH3-N mg/L
    "w20116": (0.02, 0.6),  # total Cr mg/L
    "w20121": (0.01, 0.3),  # Ni mg/L
    "w20122": (0.05, 0.4),  # Cu mg/L
}


@dataclass
class Device:
    mn: str
    pw: str
    start: dt.datetime
    interval_s: int = 30
    st: str = "32"


@dataclass
class Result:
    devices: int = 0
    frames_unique: int = 0
    acked: int = 0
    sends: int = 0
    resends: int = 0
    reconnects: int = 0
    refused: int = 0
    elapsed_s: float = 0.0
    cpu_s: float = 0.0
    # Wall-clock start and end (epoch seconds): several simulator processes are one run from the first start to the last end.
    started_at: float = 0.0
    ended_at: float = 0.0
    counters: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "devices": self.devices,
            "frames_unique": self.frames_unique,
            "acked": self.acked,
            "sends": self.sends,
            "resends": self.resends,
            "reconnects": self.reconnects,
            "refused": self.refused,
            "elapsed_s": round(self.elapsed_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "started_at": round(self.started_at, 3),
            "ended_at": round(self.ended_at, 3),
        }


def realtime_frame(device: Device, index: int, rng: random.Random) -> tuple[str, bytes]:
    when = device.start + dt.timedelta(seconds=index * device.interval_s)
    stamp = f"{when:%Y%m%d%H%M%S}"
    qn = stamp + "000"
    items = [f"DataTime={stamp}"]
    for code, (low, high) in POLLUTANT_RANGES.items():
        items.append(f"{code}-Rtd={low + (high - low) * rng.random():.3f},{code}-Flag=N")
    header = {"QN": qn, "ST": device.st, "CN": "2011", "PW": device.pw, "MN": device.mn, "Flag": 5}
    return qn, encode(build_segment(header, ";".join(items)))


def answer_of(line: bytes) -> tuple[str, str] | None:
    """(CN, QN) of an answer, checked (CRC included) but without parsing every field."""
    try:
        frame = split_line(line)
    except FrameError:
        return None
    segment, received = frame
    if not crc_matches(segment, received):
        return None
    text = segment.decode("ascii", "replace")
    cn = _field(text, "CN=")
    return cn, _field(text, "QN=")


def _field(text: str, name: str) -> str:
    start = text.find(name)
    if start < 0:
        return ""
    start += len(name)
    end = text.find(";", start)
    return text[start:end] if end >= 0 else text[start:]


# Frames built before the clock starts when there are at most this many in all
# (the load generator shares the CPU with the server it measures); beyond that,
# each device builds its frames as it goes.
PREBUILD_LIMIT = 200_000


class DeviceRun(asyncio.Protocol):
    """One simulated device: its connection, its window of unanswered frames
    (QN -> (packet, time sent), oldest first) and its resends."""

    def __init__(
        self,
        device: Device,
        host: str,
        port: int,
        *,
        count: int,
        rate: float,
        window: int,
        ack_timeout: float,
        deadline: float,
        result: Result,
        finished: Callable[[], None],
        seed: int = 0,
        prebuild: bool = False,
    ) -> None:
        self.device = device
        self.host = host
        self.port = port
        self.count = count
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.window = window
        self.ack_timeout = ack_timeout
        self.deadline = deadline
        self.result = result
        self.finished = finished
        self.rng = random.Random(seed)
        self.frames = [realtime_frame(device, i, self.rng) for i in range(count)] if prebuild else None
        self.unacked: dict[str, tuple[bytes, float]] = {}
        self.next_index = 0
        self.next_send = 0.0
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.connected_once = False
        self.done = False
        self.pump_timer: asyncio.TimerHandle | None = None
        self.loop = asyncio.get_running_loop()

    # -- connection ------------------------------------------------------
    def connect(self) -> None:
        if self.done:
            return
        if self.loop.time() >= self.deadline:
            self._finish()
            return
        task = self.loop.create_task(self.loop.create_connection(lambda: self, self.host, self.port))
        task.add_done_callback(self._connect_done)

    def _connect_done(self, task: asyncio.Task) -> None:
        if task.cancelled() or task.exception() is not None:
            self.loop.call_later(0.2 + self.rng.random() * 0.3, self.connect)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        if self.connected_once:
            self.result.reconnects += 1
        self.connected_once = True
        self.buffer = b""
        if self.next_send == 0.0:
            self.next_send = self.loop.time()
        # After a (re)connection, everything unanswered goes again.
        if self.unacked:
            self._resend(list(self.unacked))
        self.pump()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if not self.done:
            self.connect()

    def _finish(self) -> None:
        if self.done:
            return
        self.done = True
        if self.pump_timer is not None:
            self.pump_timer.cancel()
        if self.transport is not None:
            self.transport.close()
        self.finished()

    # -- sending ---------------------------------------------------------
    def pump(self) -> None:
        """Send new frames while the window and the rate allow; one write for all of them."""
        if self.pump_timer is not None:
            self.pump_timer.cancel()  # harmless when it is the timer that called
            self.pump_timer = None
        transport = self.transport
        if transport is None or self.done:
            return
        unacked = self.unacked
        if self.next_index >= self.count and not unacked:
            self._finish()
            return
        now = self.loop.time()
        out = []
        while self.next_index < self.count and len(unacked) < self.window:
            if self.interval:
                if now < self.next_send:
                    self.pump_timer = self.loop.call_at(self.next_send, self.pump)
                    break
                self.next_send = max(self.next_send + self.interval, now - 1.0)
            index = self.next_index
            qn, data = self.frames[index] if self.frames is not None else realtime_frame(self.device, index, self.rng)
            self.next_index = index + 1
            unacked[qn] = (data, now)
            out.append(data)
        if out:
            self.result.frames_unique += len(out)
            self.result.sends += len(out)
            transport.write(b"".join(out))

    def _resend(self, qns: list[str]) -> None:
        now = self.loop.time()
        out = []
        for qn in qns:
            data = self.unacked.pop(qn)[0]
            self.unacked[qn] = (data, now)  # to the end: oldest first stays true
            out.append(data)
        self.result.sends += len(out)
        self.result.resends += len(out)
        if self.transport is not None:
            self.transport.write(b"".join(out))

    def check_timeouts(self, now: float) -> None:
        if now >= self.deadline:
            self._finish()
            return
        if self.transport is None or not self.unacked:
            return
        late = []
        for qn, (_data, sent) in self.unacked.items():
            if now - sent <= self.ack_timeout:
                break
            late.append(qn)
        if late:
            self._resend(late)

    # -- answers ---------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self.buffer:
            data = self.buffer + data
        lines = data.split(b"\n")
        self.buffer = lines.pop()
        unacked = self.unacked
        result = self.result
        for line in lines:
            answer = answer_of(line)
            if answer is None:
                result.counters["bad_answer"] += 1
                continue
            cn, qn = answer
            if cn == "9014":
                if unacked.pop(qn, None) is not None:
                    result.acked += 1
            elif cn == "9011":
                result.refused += 1
        if self.pump_timer is None:
            self.pump()


async def simulate(
    devices: list[Device],
    host: str,
    port: int,
    *,
    count: int,
    rate: float = 1.0,
    window: int = 8,
    ack_timeout: float = 10.0,
    duration: float = 60.0,
    begin_at: float = 0.0,
) -> Result:
    """Run the devices; with `begin_at` (epoch seconds) the clock starts then, so
    that several simulator processes, each with its share of the devices, start together."""
    loop = asyncio.get_running_loop()
    result = Result(devices=len(devices))
    all_done = loop.create_future()
    remaining = len(devices)

    def finished() -> None:
        nonlocal remaining
        remaining -= 1
        if remaining == 0 and not all_done.done():
            all_done.set_result(None)

    prebuild = count * len(devices) <= PREBUILD_LIMIT
    runs = [
        DeviceRun(d, host, port, count=count, rate=rate, window=window, ack_timeout=ack_timeout, deadline=0.0,
                  result=result, finished=finished, seed=i, prebuild=prebuild)
        for i, d in enumerate(devices)
    ]  # fmt: skip
    if begin_at > time.time():
        await asyncio.sleep(begin_at - time.time())
    cpu_started = time.process_time()
    started = time.monotonic()
    result.started_at = time.time()
    deadline = loop.time() + duration
    for run in runs:
        run.deadline = deadline
        run.connect()

    async def watch() -> None:
        # Resends after the answer timeout; one look at each device's oldest frame.
        step = min(0.25, ack_timeout / 4)
        while True:
            await asyncio.sleep(step)
            now = loop.time()
            for run in runs:
                run.check_timeouts(now)

    watcher = asyncio.create_task(watch())
    try:
        if devices:
            await asyncio.wait_for(all_done, duration + 1.0)
    except TimeoutError:
        pass
    finally:
        watcher.cancel()
        for run in runs:
            run._finish()
    result.elapsed_s = time.monotonic() - started
    result.ended_at = time.time()
    result.cpu_s = time.process_time() - cpu_started
    return result
