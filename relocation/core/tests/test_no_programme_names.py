"""No programme's words in the code: a zone, city or unit belongs to a
programme file, and a rule asks for a unit by its function.

The names and unit codes are read from every programme file in
organisation/programmes/, so adding a programme extends the scan. Demo data
(the programme files, demo and seed modules), migrations, tests and locale
files may name them; every other Python module and template may not.

- Names (programme, zone, city, unit names and short names, and the city
  without its 市) are looked for as substrings, comments included. A name that
  is part of a generic label (a unit called exactly like its function, the
  kind 现场指挥部, …) or shorter than three characters proves nothing.
- Unit codes are short words ("water", "tax"), so only a Python string
  literal equal to one counts. A literal that is also a word of the code's
  own vocabulary (a choice value, a unit function, an app label: "water" is
  a utility kind, "stability" an app) counts only where it is used as a unit
  code: `code="…"`, `code__in=[…]`, `.code == "…"`, `units["…"]`.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

from django.apps import apps
from django.db import models

from relocation.organisation.functions import UnitFunction

ROOT = Path(__file__).resolve().parents[3]
PROGRAMMES = ROOT / "relocation" / "organisation" / "programmes"
SCANNED = [ROOT / "relocation", ROOT / "config"]
SUFFIXES = {".py", ".html", ".txt", ".js", ".md"}
DEMO_FILE = re.compile(r"((^|_)(demo|seed)(_[a-z_]+)?|^conftest)\.py$")
EXCLUDED_DIRS = {"migrations", "tests", "locale", "programmes", "node_modules", "vendor", "__pycache__"}
# Where a literal is a unit's code whatever else the word means.
UNIT_CODE_CONTEXT = re.compile(
    r"""\bcode(?:__in|__iexact|__exact)?\s*=|\.code\s*(?:==|!=|\bin\b|\bnot\s+in\b)|\bunits?\s*\[|\bunits?\.get\("""
    r"""|unit__code"""
)


def _programme_files() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(PROGRAMMES.glob("*.json"))]


def _generic_labels() -> list[str]:
    labels = [str(label) for _v, label in UnitFunction.choices]
    from relocation.organisation.models import Unit

    labels += [str(label) for _v, label in Unit.Kind.choices]
    return labels


def programme_names() -> dict[str, str]:
    """name → where it comes from, for every telling name of every programme."""
    names: dict[str, str] = {}
    for config in _programme_files():
        origin = config["code"]
        for key in ("name", "zone_name", "city"):
            names[config[key]] = f"{origin} {key}"
        city = config["city"]
        if len(city) >= 3 and city[-1] in "市县区":
            names[city[:-1]] = f"{origin} city"
        for unit in config["units"]:
            for key in ("name", "short_name"):
                if unit.get(key):
                    names[unit[key]] = f"{origin} unit {unit['code']}"
    generic = _generic_labels()
    return {n: o for n, o in names.items() if len(n) >= 3 and not any(n in label for label in generic)}


def unit_codes() -> dict[str, str]:
    return {u["code"]: c["code"] for c in _programme_files() for u in c["units"]}


def _choice_classes(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found += _choice_classes(sub)
    return found


def vocabulary() -> set[str]:
    """Words the code uses for itself: choice values, unit functions, app labels."""
    words = {str(v) for cls in _choice_classes(models.Choices) for v in getattr(cls, "values", [])}
    words |= set(UnitFunction.values)
    words |= {config.label for config in apps.get_app_configs()}
    return words


def scanned_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in top.rglob("*"):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            parts = set(path.relative_to(ROOT).parts[:-1])
            if parts & EXCLUDED_DIRS or DEMO_FILE.search(path.name):
                continue
            files.append(path)
    return sorted(files)


def _python_literals(text: str) -> list[tuple[int, str, str]]:
    """(line number, literal value, line) of each plain string literal."""
    found = []
    lines = text.splitlines()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return found
    for token in tokens:
        if token.type != tokenize.STRING:
            continue
        match = re.fullmatch(r"""[rRbBuU]?(['"])(.*)\1""", token.string, re.S)
        if match:
            row = token.start[0]
            found.append((row, match.group(2), lines[row - 1] if row <= len(lines) else ""))
    return found


def hits(files: list[Path] | None = None) -> list[str]:
    names = programme_names()
    codes = unit_codes()
    words = vocabulary()
    name_pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    found: list[str] = []
    for path in files if files is not None else scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for number, line in enumerate(text.splitlines(), start=1):
            for match in name_pattern.finditer(line):
                found.append(f"{where}:{number}: {match.group(0)} ({names[match.group(0)]})")
        if path.suffix != ".py":
            continue
        for number, value, line in _python_literals(text):
            if value in codes and (value not in words or UNIT_CODE_CONTEXT.search(line)):
                found.append(f'{where}:{number}: "{value}" (unit code in {codes[value]})')
    return found


def test_no_module_or_template_names_a_programmes_zone_city_unit_or_unit_code():
    found = hits()
    assert not found, "Programme words in code (move them to the programme file or ask by function):\n" + "\n".join(
        found
    )


def test_the_scan_reads_every_programme_file():
    names, codes = programme_names(), unit_codes()
    for config in _programme_files():
        assert config["zone_name"] in names and config["city"] in names
        assert all(u["code"] in codes for u in config["units"])
    # Generic labels are not taken for a programme's words.
    assert str(UnitFunction.WATER_SUPPLY.label) not in names


def test_the_scan_finds_a_name_and_a_code_and_leaves_vocabulary_alone(tmp_path):
    config = _programme_files()[0]
    town = next(u for u in config["units"] if u["kind"] == "town")
    utility = next(u for u in config["units"] if u["kind"] == "utility")
    sample = tmp_path / "rule.py"
    sample.write_text(
        "\n".join(
            [
                f"TITLE = '{config['zone_name']}企业分布'",
                f"unit = Unit.objects.get(code={utility['code']!r})",
                f"lead = units[{town['code']!r}]",
                "KIND = 'stopped_consuming'  # a choice value, not a unit",
            ]
        ),
        encoding="utf-8",
    )
    found = hits([sample])
    assert len(found) == 3, found
    assert any(config["zone_name"] in f for f in found)
    assert any(utility["code"] in f for f in found) and any(town["code"] in f for f in found)
