"""`manage.py workdays add 2022-01-28 10` prints the date 10 working days later;
`manage.py workdays between 2022-01-28 2022-02-16` prints the count of working
days after the first date up to and including the second;
`manage.py workdays import notice-2027.json` enters a year's State Council notice;
`manage.py workdays years` lists the years the official calendar covers.

A result that relies on a year the official calendar does not cover yet is an
estimate (Monday to Friday): the command still prints it, warns on stderr and
exits with status 3, so a script never takes it for the official answer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relocation.core import workdays
from relocation.core.errors import ServiceError

ESTIMATE_EXIT_STATUS = 3


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Working days of the official Chinese calendar plus local overrides: add N, count, import a year's notice."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="op", required=True)
        add = sub.add_parser("add", help="the date N working days after DATE")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="working days after A up to and including B")
        between.add_argument("a")
        between.add_argument("b")
        imp = sub.add_parser(
            "import", help='a year\'s notice: {"year", "source", "holidays": [...], "workdays": [...]}'
        )
        imp.add_argument("file")
        sub.add_parser("years", help="the years the official calendar covers, and from where")

    def handle(self, *args: Any, **options: Any) -> None:
        op = options["op"]
        if op == "import":
            self._import(Path(options["file"]))
            return
        if op == "years":
            self._years()
            return
        if op == "add":
            if options["n"] < 0:
                raise CommandError("N must be zero or more")
            start = _date(options["date"])
            result = workdays.add_workdays(start, options["n"])
            self.stdout.write(result.isoformat())
            self._warn_if_estimate(start, result)
        else:
            a, b = _date(options["a"]), _date(options["b"])
            self.stdout.write(str(workdays.workdays_between(a, b)))
            self._warn_if_estimate(a, b)

    def _warn_if_estimate(self, start: dt.date, end: dt.date) -> None:
        missing = workdays.uncovered_years(start, end)
        if not missing:
            return
        years = ", ".join(str(y) for y in missing)
        self.stderr.write(
            f"warning: the official holiday calendar of {years} is not known yet; the result counts Monday to Friday "
            f"and is an estimate. Enter the State Council notice: manage.py workdays import FILE.json"
        )
        raise SystemExit(ESTIMATE_EXIT_STATUS)

    def _import(self, path: Path) -> None:
        from relocation.core.services import calendar_notice_save

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"no such file: {path}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: not a JSON file: {exc}") from None
        try:
            entry = calendar_notice_save(actor=None, data=data)
        except ServiceError as exc:
            raise CommandError(f"{path}: {exc.message}") from None
        self.stdout.write(
            f"entered {entry.year} ({entry.source}): {len(entry.holidays)} holidays, {len(entry.workdays)} make-up working days"
        )

    def _years(self) -> None:
        from relocation.core.models import OfficialCalendarYear

        entered = {y.year: y.source for y in OfficialCalendarYear.objects.all()}
        for year in sorted(set(workdays.PACKAGE_YEARS) | set(entered)):
            source = f"entered: {entered[year]}" if year in entered else "chinese-calendar package"
            self.stdout.write(f"{year}\t{source}")
        self.stdout.write(f"covered up to {workdays.last_covered_year()}")
