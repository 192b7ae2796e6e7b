"""`manage.py allocate --input FILE.json --output OUT.json` runs the optimiser
on a file; `--dry-run` runs it on the database's open demand without writing
anything. The output is exactly {status, objective, assignments, unplaced}."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relocation.organisation.selectors import active_programme
from relocation.parks import allocation, selectors


class Command(BaseCommand):
    help = "Propose park allocations (MILP, HiGHS) from a JSON file or, with --dry-run, from the database."

    def add_arguments(self, parser: Any) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--input", help="JSON file with parks and enterprises")
        source.add_argument("--dry-run", action="store_true", help="use the database, write nothing")
        parser.add_argument("--output", required=True, help="where to write the result JSON ('-' for stdout)")
        parser.add_argument("--time-limit", type=float, default=60.0)
        parser.add_argument("--gap", type=float, default=0.001, help="mip_rel_gap")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["input"]:
            try:
                with open(options["input"], encoding="utf-8") as fh:
                    data = json.load(fh)
            except OSError as exc:
                raise CommandError(f"无法读取输入文件：{exc}")
            except json.JSONDecodeError as exc:
                raise CommandError(f"输入文件不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}")
        else:
            programme = active_programme()
            if programme is None:
                raise CommandError("没有当前搬迁项目。")
            data = selectors.allocation_input(programme)
        try:
            result = allocation.solve(data, time_limit=options["time_limit"], mip_rel_gap=options["gap"])
        except allocation.AllocationInputError as exc:
            raise CommandError(f"输入格式错误：{exc}")
        text = json.dumps(allocation.output_format(result), ensure_ascii=False, indent=2)
        if options["output"] == "-":
            self.stdout.write(text)
        else:
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            objective = result["objective"]
            self.stderr.write(f"{result['status']}: {objective['placed']} placed, {objective['unplaced']} unplaced")
