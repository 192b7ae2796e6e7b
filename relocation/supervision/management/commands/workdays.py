"""`manage.py workdays add 2022-01-28 10` prints the date 10 working days later;
`manage.py workdays between 2022-01-28 2022-02-16` prints the count of working
days after the first date up to and including the second."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relocation.core import workdays


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Working days of the official Chinese calendar plus local overrides: add N, or count between two dates."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="op", required=True)
        add = sub.add_parser("add", help="the date N working days after DATE")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="working days after A up to and including B")
        between.add_argument("a")
        between.add_argument("b")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["op"] == "add":
            self.stdout.write(workdays.add_workdays(_date(options["date"]), options["n"]).isoformat())
        else:
            self.stdout.write(str(workdays.workdays_between(_date(options["a"]), _date(options["b"]))))
