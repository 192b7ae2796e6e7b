from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError
from relocation.organisation.services import programme_check_file, programme_load

BUILTIN = Path(__file__).resolve().parents[2] / "programmes"


class Command(BaseCommand):
    help = (
        "Load or update a programme (zone, phases, units and their functions, people, leading bodies) "
        "from a JSON configuration file; with --check, only list the file's problems."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="path to the JSON file, or the name of a built-in one (humen_zone_b)")
        parser.add_argument(
            "--check", action="store_true", help="validate the file and report every problem; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            path = BUILTIN / f"{options['file']}.json"
        if not path.exists():
            raise CommandError(_("找不到项目配置文件：%(file)s") % {"file": options["file"]})
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(_("%(path)s 不是有效的 JSON：%(error)s") % {"path": path, "error": exc}) from exc
        # The same check the load makes, every problem at once, one a line.
        problems = programme_check_file(config)
        if problems:
            lines = "\n".join(f"  - {p}" for p in problems)
            raise CommandError(
                _("%(path)s 有 %(n)s 处问题，未作任何修改：\n%(lines)s")
                % {"path": path, "n": len(problems), "lines": lines}
            )
        if options["check"]:
            self.stdout.write(_("%(path)s 检查通过，可以载入。") % {"path": path})
            return
        try:
            programme = programme_load(actor=None, config=config)
        except ServiceError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        self.stdout.write(
            _("已载入项目 %(code)s：%(n)s 个成员单位") % {"code": programme.code, "n": programme.units.count()}
        )
