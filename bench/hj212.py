"""HJ 212 end-to-end benchmark: TCP → decoded → stored in PostgreSQL → acknowledged.

1. Throughput: 5,000 concurrent device connections (BENCH_DEVICES) send
   real-time (2011) frames of six pollutant values each, asking for answers
   (Flag=5); the simulators run in their own processes (BENCH_SIMULATORS, each
   with a share of the devices and sockets; the open-file limit is raised to
   the hard limit in every process) and the figure is frames answered per
   second (target ≥ 10,000 frames/s = 60,000 values/s).
2. The same rows stored by PostgreSQL COPY alone (the ceiling); the ratio of
   (1) to it (target ≥ 0.7, issue 13).
3. Restart: the server is killed (SIGKILL) mid-stream and restarted; the
   simulator resends what was not answered; the database must end with
   exactly the frames sent — none lost, none doubled.

With (1) and (2), the CPU time each part used per frame (`hj212_cpu_per_frame`:
simulator, server processes with their kernel share, PostgreSQL backends), read
from /proc: on a shared machine the wall-clock figures move with the load, these
much less. BENCH_ONLY=throughput or BENCH_ONLY=restart runs one part.

Uses PostgreSQL from DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/rhq_bench_hj212, created if missing).
Prints one JSON object per line. Bounded in time (a few minutes at most).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/rhq_bench_hj212"
DEVICES = int(os.environ.get("BENCH_DEVICES", "5000"))
FRAMES_PER_DEVICE = int(os.environ.get("BENCH_FRAMES", "30"))
# Unanswered frames per device: about 10,000 in flight in all (10 per device at 1,000
# devices, 2 at 5,000), so that a frame's wait stays well inside the answer timeout
# on a loaded machine (more in flight only lengthens the wait, and late answers bring resends).
WINDOW = int(os.environ.get("BENCH_WINDOW", str(max(1, min(10, 10_000 // DEVICES)))))
# Simulator processes, each with its share of the devices (and of the sockets).
SIMULATORS = int(os.environ.get("BENCH_SIMULATORS", "2"))
RATIO_TARGET = 0.7


def emit(metric: str, value, unit: str, target=None, ok=None, **extra) -> None:
    print(
        json.dumps(
            {"metric": metric, "value": value, "unit": unit, "target": target, "ok": ok, **extra}, ensure_ascii=False
        ),
        flush=True,
    )


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()  # fields from the 3rd (state) on
    except OSError:
        return None


def cpu_of(pids, *, system_only: bool = False) -> dict[int, float]:
    """CPU seconds (user + system, or system alone) used so far by each live process."""
    out = {}
    for pid in pids:
        fields = _proc_stat(pid)
        if fields:
            out[pid] = (int(fields[12]) + (0 if system_only else int(fields[11]))) / _CLOCK_TICKS
    return out


def session_pids(session: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _proc_stat(int(entry))
            if fields and int(fields[3]) == session:
                pids.append(int(entry))
    return pids


def postgres_pids() -> list[int]:
    """This database's backends and the shared background processes (WAL writer …)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT pid FROM pg_stat_activity WHERE (datname = current_database() OR datname IS NULL) "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in c.fetchall()]


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    # A process born during the run started from zero.
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def setup_points(n: int) -> None:
    from relocation.enterprises.models import Enterprise
    from relocation.monitoring.models import Measurement, MonitoringPoint
    from relocation.organisation.models import Programme

    programme, _ = Programme.objects.get_or_create(
        code="bench-hj212",
        defaults={"name": "HJ 212 基准", "zone_name": "基准", "city": "佛山市", "deadline": dt.date(2030, 1, 1)},
    )
    enterprise, _ = Enterprise.objects.get_or_create(
        programme=programme, credit_code="91441900BENCH0000X", defaults={"name": "基准测试企业"}
    )
    have = MonitoringPoint.objects.count()
    MonitoringPoint.objects.bulk_create(
        [
            MonitoringPoint(mn=f"BENCH{i:07d}", password="123456", enterprise=enterprise, name=f"排口{i}")  # noqa: S106
            for i in range(have, n)
        ]
    )
    Measurement.objects.all().delete()


def truncate() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("TRUNCATE monitoring_measurement")


def counts() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT count(*), count(DISTINCT (point_id, data_time)) FROM monitoring_measurement")
        rows, frames = c.fetchone()
    return rows, frames


PROCESSES = int(os.environ.get("BENCH_SERVER_PROCESSES", "2"))
# The server's log (its errors, if any), kept outside the repository.
SERVER_LOG = Path(os.environ.get("BENCH_SERVER_LOG", "/tmp/bench-hj212-server.log"))  # noqa: S108


def start_server(env: dict, port: int) -> subprocess.Popen:
    # Its own session, so that killing the group kills every server process.
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "hj212_serve", "--host", "127.0.0.1", "--port", str(port),
         "--writers", "2", "--batch", "12000", "--processes", str(PROCESSES)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=SERVER_LOG.open("ab"),
        start_new_session=True,
    )  # fmt: skip
    wait_port(port)
    time.sleep(1.0)  # let every process load its point directory
    return proc


def stop_server(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:  # stuck draining: say so, then stop it hard
        print(f"server did not stop in 120 s; see {SERVER_LOG}", file=sys.stderr)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def simulate(env: dict, port: int, *, devices: int, count: int, start: str, rate: float, duration: float, wait=True):
    cmd = [
        sys.executable, "manage.py", "hj212_simulate", "--devices", str(devices), "--rate", str(rate),
        "--count", str(count), "--window", str(WINDOW), "--port", str(port), "--start", start,
        "--ack-timeout", "10", "--duration", str(duration),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if not wait:
        return proc
    out, _ = proc.communicate(timeout=duration + 60)
    return json.loads(out.strip().splitlines()[-1])


def simulate_many(env: dict, port: int, *, devices: int, processes: int, count: int, start: str, duration: float):
    """`processes` simulators, each with a share of the devices, starting their
    clocks together; one result: sums, and the span from the first start to the last end."""
    share = -(-devices // processes)
    begin_at = time.time() + 10.0  # time for each to load Django and build its frames
    procs = []
    for first in range(0, devices, share):
        cmd = [
            sys.executable, "manage.py", "hj212_simulate", "--devices", str(min(share, devices - first)),
            "--offset", str(first), "--rate", "0", "--count", str(count), "--window", str(WINDOW),
            "--port", str(port), "--start", start, "--ack-timeout", "10", "--duration", str(duration),
            "--begin-at", str(begin_at),
        ]  # fmt: skip
        log = tempfile.TemporaryFile("w+")  # a file, not a pipe: nobody reads it while they run
        procs.append((subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True), log))
    results = []
    for proc, log in procs:
        out, _ = proc.communicate(timeout=duration + 90)
        if proc.returncode:
            log.seek(0)
            raise RuntimeError(f"simulator failed: {log.read()[-2000:]}")
        log.close()
        results.append(json.loads(out.strip().splitlines()[-1]))
    total = {key: sum(r[key] for r in results) for key in ("devices", "frames_unique", "acked", "sends", "resends",
                                                          "reconnects", "refused", "cpu_s")}  # fmt: skip
    total["elapsed_s"] = round(max(r["ended_at"] for r in results) - min(r["started_at"] for r in results), 3)
    total["processes"] = len(results)
    return total


def copy_rate(rows_n: int, points: list[int]) -> tuple[float, float]:
    """Rows per second PostgreSQL COPY alone stores into the same table, and its CPU µs per row."""
    from django.db import connection, transaction

    from relocation.monitoring.storage import COLUMNS, TABLE, _copy_text

    truncate()
    start = dt.datetime(2023, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    codes = ["w01001", "w01018", "w21003", "w20116", "w20121", "w20122"]
    now = dt.datetime.now(dt.UTC)
    rows = []
    per_point = rows_n // (len(points) * 6) + 1
    for p in points:
        for i in range(per_point):
            when = start + dt.timedelta(seconds=30 * i)
            for c in codes:
                rows.append((p, "2011", when, c, 1.234, None, None, None, "N", now))
    rows = rows[:rows_n]
    text = _copy_text(rows)  # building the text is not part of what COPY alone costs
    connection.ensure_connection()
    pg_before = cpu_of(postgres_pids() + [connection.connection.info.backend_pid])
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:  # noqa: S608
            copy.write(text)
    elapsed = time.perf_counter() - began
    pg_cpu = cpu_used(pg_before, cpu_of(postgres_pids() + [connection.connection.info.backend_pid]))
    truncate()
    return len(rows) / elapsed, pg_cpu * 1e6 / len(rows)


def recent_start() -> str:
    """The first DataTime of the throughput run: real-time data as devices send it,
    recent enough not to be "late" (aggregates.LATE: no back-fill bookkeeping) and
    never ahead of the arrival (the server refuses a DataTime a day ahead)."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    span = dt.timedelta(seconds=30 * FRAMES_PER_DEVICE)  # simulator.Device.interval_s
    first = dt.datetime.now(ZoneInfo(settings.TIME_ZONE)) - span - dt.timedelta(minutes=20)
    return first.strftime("%Y%m%d%H%M%S")


def main() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:  # the simulators and servers inherit it (each raises it again itself)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    setup_points(DEVICES)
    from relocation.monitoring.models import MonitoringPoint

    points = list(MonitoringPoint.objects.order_by("id").values_list("id", flat=True)[:DEVICES])
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}

    only = os.environ.get("BENCH_ONLY", "")
    if only != "restart":
        throughput(env, points)
    if only != "throughput":
        restart(env)


def throughput(env: dict, points: list[int]) -> None:
    # 1. Throughput.
    truncate()
    port = free_port()
    server = start_server(env, port)
    try:
        server_before = cpu_of(session_pids(server.pid))
        server_sys_before = cpu_of(session_pids(server.pid), system_only=True)
        pg_before = cpu_of(postgres_pids())
        result = simulate_many(
            env,
            port,
            devices=DEVICES,
            processes=SIMULATORS,
            count=FRAMES_PER_DEVICE,
            start=recent_start(),
            duration=180,
        )
        server_cpu = cpu_used(server_before, cpu_of(session_pids(server.pid)))
        server_sys = cpu_used(server_sys_before, cpu_of(session_pids(server.pid), system_only=True))
        pg_cpu = cpu_used(pg_before, cpu_of(postgres_pids()))
    finally:
        stop_server(server)
    rows, frames = counts()
    fps = result["acked"] / result["elapsed_s"] if result["elapsed_s"] else 0.0
    emit("hj212_end_to_end_frames_per_s", round(fps, 1), "frames/s", 10000, fps >= 10000, server_processes=PROCESSES,
         devices=DEVICES, simulator_processes=result["processes"], window=WINDOW, frames_acked=result["acked"],
         frames_sent=result["frames_unique"], resends=result["resends"], reconnects=result["reconnects"],
         rows_stored=rows, values_per_s=round(fps * 6, 1), elapsed_s=result["elapsed_s"])  # fmt: skip
    # CPU time, not wall time: what each part costs per frame on a shared machine.
    per_frame = 1e6 / max(result["acked"], 1)
    client_us, server_us, pg_us = result["cpu_s"] * per_frame, server_cpu * per_frame, pg_cpu * per_frame
    emit("hj212_cpu_per_frame", round(client_us + server_us + pg_us, 1), "µs CPU/frame", None, None,
         client_us=round(client_us, 1), server_us=round(server_us, 1),
         server_kernel_us=round(server_sys * per_frame, 1), postgresql_us=round(pg_us, 1))  # fmt: skip

    # 2. COPY alone, same rows.
    copy_rows_per_s, copy_cpu_us_per_row = copy_rate(max(rows, 6 * DEVICES), points)
    copy_fps = copy_rows_per_s / 6
    emit(
        "postgresql_copy_alone_frames_per_s",
        round(copy_fps, 1),
        "frames/s",
        None,
        None,
        rows_per_s=round(copy_rows_per_s, 1),
        postgresql_cpu_us_per_frame=round(copy_cpu_us_per_row * 6, 1),
    )
    ratio = fps / copy_fps if copy_fps else 0.0
    emit("hj212_end_to_end_to_copy_ratio", round(ratio, 3), "ratio", RATIO_TARGET, ratio >= RATIO_TARGET,
         devices=DEVICES)  # fmt: skip


def restart(env: dict) -> None:
    # 3. Kill mid-stream, restart, resend.
    truncate()
    port = free_port()
    server = start_server(env, port)
    restart_devices = min(DEVICES, 200)
    sim = simulate(
        env, port, devices=restart_devices, count=50, start="20220401000000", rate=20, duration=120, wait=False
    )
    # Kill only once the stream is flowing: some frames stored, many still to come.
    waited = time.monotonic()
    while counts()[1] < restart_devices * 10 and time.monotonic() - waited < 60:
        time.sleep(0.2)
    stop_server(server, signal.SIGKILL)
    rows_at_kill, _ = counts()
    time.sleep(1.0)
    server = start_server(env, port)
    try:
        out, _ = sim.communicate(timeout=200)
    finally:
        stop_server(server)
    result = json.loads(out.strip().splitlines()[-1])
    rows, frames = counts()
    sent = result["frames_unique"]
    emit(
        "hj212_restart_frames_sent",
        sent,
        "frames",
        None,
        None,
        resends=result["resends"],
        reconnects=result["reconnects"],
        rows_at_kill=rows_at_kill,
    )
    emit("hj212_restart_frames_in_database", frames, "frames", sent, frames == sent and rows == 6 * sent, rows=rows)


if __name__ == "__main__":
    main()
