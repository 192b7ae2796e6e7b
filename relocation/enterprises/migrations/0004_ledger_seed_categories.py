"""Seed the categories of the plan's 分类管理 (data only; schema in 0003).

Rules are data (see relocation/enterprises/categories.py for the grammar);
HQ can edit them later without a code change. Evaluated in `order`: the
first rule that matches proposes the category."""

from django.db import migrations

CATEGORIES = [
    (
        "holdout",
        "钉子户",
        10,
        {
            "any": [
                {"field": "intention", "in": ["refuses"]},
                {"field": "status", "in": ["holdout", "forced_closure"]},
                {"field": "is_repeat_offender", "eq": True},
            ]
        },
        "拒绝搬迁、屡禁不止或已列为钉子户的企业，纳入联合执法重点。",
    ),
    (
        "close_exit",
        "关停退出",
        20,
        {"all": [{"field": "intention", "in": ["close"]}]},
        "企业表示关停退出，不再异地生产。",
    ),
    (
        "move_out",
        "迁出本市",
        30,
        {"all": [{"field": "intention", "in": ["move_out_of_city"]}]},
        "企业自行迁往东莞市外。",
    ),
    (
        "park_qualified",
        "配合搬迁·符合入园条件",
        40,
        {
            "all": [
                {"field": "intention", "in": ["move_to_park"]},
                {"field": "industry", "in": ["electroplating", "dyeing"]},
                {"field": "is_repeat_offender", "eq": False},
            ]
        },
        "愿意搬入承接园区，且行业与工艺符合园区规划环评的准入条件。",
    ),
    (
        "park_unqualified",
        "配合搬迁·暂不符合入园条件",
        45,
        {"all": [{"field": "intention", "in": ["move_to_park"]}]},
        "愿意搬入园区，但行业或工艺暂不符合准入条件，需进一步评估。",
    ),
    (
        "undecided",
        "观望",
        50,
        {"any": [{"field": "intention", "in": ["undecided", ""]}]},
        "尚未表明搬迁意向或仍在观望的企业，需要加强走访动员。",
    ),
]


def seed(apps, schema_editor):
    Category = apps.get_model("enterprises", "Category")
    for code, name, order, rule, description in CATEGORIES:
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "rule": rule, "description": description}
        )


def unseed(apps, schema_editor):
    Category = apps.get_model("enterprises", "Category")
    Category.objects.filter(code__in=[c[0] for c in CATEGORIES], enterprises__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_ledger_categories")]

    operations = [migrations.RunPython(seed, unseed)]
