"""Build the default Word templates (docxtpl) of the supervision notice (督办单)
and the inspection report in the GB/T 9704-2012 layout of
relocation/core/official_layout.py. Run once after changing:

    .venv/bin/python -m relocation.supervision.docx.build_templates

HQ can upload its own template in place of these (core DocumentTemplate).
"""

from __future__ import annotations

from pathlib import Path

from relocation.core import official_layout as L

HERE = Path(__file__).resolve().parent


def build_notice() -> None:
    doc = L.new_document()
    L.letterhead(doc, "{{ issuer }}", "{{ number }}")
    L.add(doc, "督办单", "公文标题")
    L.add(doc, "", "公文正文")
    L.add(doc, "{{ unit_name }}：", "公文主送")
    for text in [
        "{{ task_title }}（交办日期：{{ assigned_on }}，完成时限：{{ deadline }}）已逾期{{ overdue_workdays }}个工作日，目前状态为“{{ status }}”。",
        "{{ description }}",
        "请你单位高度重视，于{{ reply_by }}前办结并书面报告办理情况。逾期未办结的，将报总指挥并提请搬迁协调工作小组通报。",
    ]:
        L.add(doc, text, "公文正文")
    L.signature(doc, "{{ issuer }}", "{{ issued_on }}")
    # 附注: the contact, one line under the date, two characters in.
    L.add(doc, "（联系人：{{ contact }}）", "公文正文")
    doc.save(HERE / "supervision_notice.docx")


def build_inspection_report() -> None:
    doc = L.new_document()
    L.letterhead(doc, "{{ issuer }}", "{{ number }}")
    L.add(doc, "关于{{ title }}情况的报告", "公文标题")
    L.add(doc, "", "公文正文")
    L.add(doc, "搬迁协调工作小组：", "公文主送")
    L.add(
        doc,
        "根据督办通报机制，现场指挥部于{{ year }}年第{{ quarter }}季度开展了专题督查。督查范围：{{ scope }}。现将有关情况报告如下。",
        "公文正文",
    )
    # One paragraph per finding: docxtpl's paragraph-level loop.
    L.add(doc, "{%p for f in findings %}", "公文正文")
    L.add(
        doc,
        "{{ loop.index }}. {{ f.unit }}：{{ f.description }}整改要求：{{ f.rectification }}（{{ f.task }}）",
        "公文正文",
    )
    L.add(doc, "{%p endfor %}", "公文正文")
    L.add(
        doc,
        "本季度任务总体情况：共督办任务{{ stats.total }}项，按时办结率{{ stats.rate }}，逾期未办结{{ stats.overdue }}项。",
        "公文正文",
    )
    L.signature(doc, "{{ issuer }}", "{{ issued_on }}")
    doc.save(HERE / "inspection_report.docx")


if __name__ == "__main__":
    build_notice()
    build_inspection_report()
