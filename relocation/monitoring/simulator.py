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


async def run_device(
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
    seed: int = 0,
) -> None:
    rng = random.Random(seed)
    unacked: dict[str, tuple[bytes, float]] = {}
    next_index = 0
    interval = 1.0 / rate if rate > 0 else 0.0
    next_send = time.monotonic()
    first_connect = True
    while time.monotonic() < deadline:
        if next_index >= count and not unacked:
            return
        try:
            reader, writer = await asyncio.open_connection(host, port, limit=16384)
        except OSError:
            await asyncio.sleep(0.2 + rng.random() * 0.3)
            continue
        if not first_connect:
            result.reconnects += 1
        first_connect = False
        acked_event = asyncio.Event()

        async def read_answers(reader: asyncio.StreamReader = reader, acked_event: asyncio.Event = acked_event) -> None:
            while True:
                line = await reader.readline()
                if not line:
                    return
                answer = answer_of(line)
                if answer is None:
                    result.counters["bad_answer"] += 1
                    continue
                cn, qn = answer
                if cn == "9014" and qn in unacked:
                    del unacked[qn]
                    result.acked += 1
                    acked_event.set()
                elif cn == "9011":
                    result.refused += 1

        reading = asyncio.create_task(read_answers())
        try:
            # After a (re)connection, everything unanswered goes again.
            now = time.monotonic()
            for qn, (data, _sent) in list(unacked.items()):
                writer.write(data)
                unacked[qn] = (data, now)
                result.sends += 1
                result.resends += 1
            while time.monotonic() < deadline and not reading.done():
                if next_index >= count and not unacked:
                    break
                now = time.monotonic()
                for qn, (data, sent) in list(unacked.items()):
                    if now - sent > ack_timeout:
                        writer.write(data)
                        unacked[qn] = (data, now)
                        result.sends += 1
                        result.resends += 1
                if next_index < count and len(unacked) < window and now >= next_send:
                    qn, data = realtime_frame(device, next_index, rng)
                    next_index += 1
                    result.frames_unique += 1
                    unacked[qn] = (data, now)
                    writer.write(data)
                    result.sends += 1
                    next_send = max(next_send + interval, now - 1.0) if interval else now
                    if writer.transport.get_write_buffer_size() > 65536:
                        await writer.drain()
                    continue
                acked_event.clear()
                wait = 0.25
                if interval and next_index < count and len(unacked) < window:
                    wait = max(0.0, min(wait, next_send - now))
                try:
                    await asyncio.wait_for(acked_event.wait(), wait)
                except TimeoutError:
                    pass
        except (ConnectionError, OSError):
            pass
        finally:
            reading.cancel()
            writer.close()
    return


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
) -> Result:
    result = Result(devices=len(devices))
    cpu_started = time.process_time()
    started = time.monotonic()
    deadline = started + duration
    await asyncio.gather(
        *(
            run_device(
                d,
                host,
                port,
                count=count,
                rate=rate,
                window=window,
                ack_timeout=ack_timeout,
                deadline=deadline,
                result=result,
                seed=i,
            )
            for i, d in enumerate(devices)
        )
    )
    result.elapsed_s = time.monotonic() - started
    result.cpu_s = time.process_time() - cpu_started
    return result
