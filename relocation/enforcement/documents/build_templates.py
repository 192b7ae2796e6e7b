"""Build the default Word templates of enforcement documents (docxtpl
placeholders such as {{ enterprise }}). Run once after editing this script:

    .venv/bin/python relocation/enforcement/documents/build_templates.py

The layout (GB/T 9704-2012) comes from relocation/core/official_layout.py.

HQ may upload its own version of any template (core DocumentTemplate, code
"enforcement.<kind>"); these files are only the defaults."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from relocation.core import official_layout as L  # noqa: E402

HERE = Path(__file__).resolve().parent

# kind: (title, body paragraphs)
TEMPLATES = {
    "rectification_notice": (
        "责令改正通知书",
        [
            "{{ enterprise }}（统一社会信用代码：{{ credit_code }}）：",
            "经查，你单位于{{ found_on }}存在以下违法行为：{{ facts }}。",
            "上述行为违反了{{ legal_basis }}的规定。现责令你单位在{{ workdays }}个工作日内（{{ deadline }}前）改正：{{ content }}",
            "逾期未改正的，我单位将依法予以处罚并采取进一步措施。整改期满后我单位将进行复查（回头看）。",
        ],
    ),
    "penalty_decision": (
        "行政处罚决定书",
        [
            "当事人：{{ enterprise }}（统一社会信用代码：{{ credit_code }}），地址：{{ address }}。",
            "违法事实：{{ facts }}（发现日期：{{ found_on }}）。",
            "处罚依据：{{ legal_basis }}。",
            "处罚决定：罚款人民币{{ amount }}元。{{ content }}",
            "当事人应自收到本决定书之日起十五日内缴纳罚款。如不服本决定，可依法申请行政复议或提起行政诉讼。",
        ],
    ),
    "suspension_decision": (
        "责令停产停业整改决定书",
        [
            "{{ enterprise }}（统一社会信用代码：{{ credit_code }}）：",
            "你单位存在以下违法行为：{{ facts }}，经责令改正后仍未改正。",
            "依据{{ legal_basis }}，决定责令你单位停产停业整改。{{ content }}",
        ],
    ),
    "seizure_decision": (
        "查封扣押决定书",
        [
            "{{ enterprise }}（统一社会信用代码：{{ credit_code }}），地址：{{ address }}：",
            "你单位存在以下违法行为：{{ facts }}。",
            "依据{{ legal_basis }}，决定对你单位的相关设施、设备予以查封、扣押。{{ content }}",
        ],
    ),
    "ban_decision": (
        "取缔决定书",
        [
            "{{ enterprise }}（统一社会信用代码：{{ credit_code }}）：",
            "你单位存在以下违法行为：{{ facts }}，经多次责令改正、处罚及停产整改后仍拒不改正。",
            "依据{{ legal_basis }}，决定予以取缔。{{ content }}",
        ],
    ),
    "utility_cut_request": (
        "停止供水供电函",
        [
            "{{ utilities }}：",
            "{{ enterprise }}（地址：{{ address }}）存在以下违法行为：{{ facts }}，已依法作出处理决定。",
            "请依法对其生产用水、用电停止供应。{{ content }}",
        ],
    ),
}


def build(kind: str, title: str, paragraphs: list[str]) -> Path:
    """The enforcement unit's 版头, the title, the party addressed (first
    paragraph, flush left), the body (two characters in), 落款 and date, all
    in the GB/T 9704-2012 frame of core.official_layout."""
    doc = L.new_document()
    L.letterhead(doc, "{{ unit }}", "{{ number }}")
    L.add(doc, title, "公文标题")
    L.add(doc, "", "公文正文")
    addressee, *body = paragraphs
    L.add(doc, addressee, "公文主送")
    for text in body:
        L.add(doc, text, "公文正文")
    L.signature(doc, "{{ unit }}", "{{ date }}")
    path = HERE / f"{kind}.docx"
    doc.save(str(path))
    return path


if __name__ == "__main__":
    for kind, (title, paragraphs) in TEMPLATES.items():
        print(build(kind, title, paragraphs))
