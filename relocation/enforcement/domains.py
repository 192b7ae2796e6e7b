"""The plan's eight enforcement domains with their lead and co-units (by unit
function, so any programme's units fill them), and the default
checklist items, legal bases, escalation ladder and repeat-offender rule that
`services.configuration_ensure` loads into the database. After loading, HQ
edits the data through the API; nothing reads these constants at run time."""

from __future__ import annotations

from typing import Any

from relocation.organisation.functions import UnitFunction

# code, name, lead unit function, co-unit functions, checklist items, legal bases (law, article, summary)
DOMAINS: list[dict[str, Any]] = [
    {
        "code": "ecology_environment",
        "name": "生态环境",
        "lead": UnitFunction.ENVIRONMENT,
        "co": [],
        "checklist": [
            "排污许可证是否在有效期内",
            "废水是否经处理达标排放",
            "是否存在暗管偷排",
            "危险废物是否规范贮存转移",
            "在线监控设施是否正常运行",
        ],
        "bases": [
            ("中华人民共和国水污染防治法", "第八十三条", "超标排放或未依法取得排污许可证排放水污染物"),
            ("中华人民共和国环境保护法", "第六十三条", "通过暗管、渗井等逃避监管的方式违法排放污染物"),
            ("中华人民共和国固体废物污染环境防治法", "第一百一十二条", "危险废物贮存、转移不规范"),
        ],
    },
    {
        "code": "illegal_construction",
        "name": "两违整治",
        "lead": UnitFunction.URBAN_MANAGEMENT,
        "co": [UnitFunction.NATURAL_RESOURCES, UnitFunction.HOUSING],
        "checklist": ["是否存在违法建设", "是否存在违法用地", "厂房是否取得规划许可"],
        "bases": [
            ("中华人民共和国城乡规划法", "第六十四条", "未取得建设工程规划许可证进行建设"),
            ("中华人民共和国土地管理法", "第七十七条", "未经批准非法占用土地"),
        ],
    },
    {
        "code": "work_safety",
        "name": "安全生产",
        "lead": UnitFunction.EMERGENCY_MANAGEMENT,
        "co": [],
        "checklist": ["安全生产责任制是否落实", "有限空间作业是否审批", "特种作业人员是否持证上岗"],
        "bases": [
            ("中华人民共和国安全生产法", "第九十九条", "未采取措施消除事故隐患"),
            ("中华人民共和国安全生产法", "第九十七条", "特种作业人员未持证上岗"),
        ],
    },
    {
        "code": "fire_safety",
        "name": "消防安全",
        "lead": UnitFunction.FIRE,
        "co": [],
        "checklist": ["消防通道是否畅通", "消防设施是否完好有效", "是否存在“三合一”场所"],
        "bases": [
            ("中华人民共和国消防法", "第六十条", "消防设施、器材配置不符合标准或占用堵塞消防通道"),
            ("中华人民共和国消防法", "第六十一条", "生产、储存场所与居住场所设置在同一建筑物内"),
        ],
    },
    {
        "code": "lawful_business",
        "name": "依法经营",
        "lead": UnitFunction.MARKET_REGULATION,
        "co": [],
        "checklist": ["是否持有效营业执照", "经营范围是否与执照一致"],
        "bases": [
            ("无证无照经营查处办法", "第十三条", "从事无照经营"),
            ("中华人民共和国市场主体登记管理条例", "第四十三条", "未经设立登记从事经营活动"),
        ],
    },
    {
        "code": "tax",
        "name": "依法纳税",
        "lead": UnitFunction.TAX,
        "co": [],
        "checklist": ["是否按期申报纳税", "发票使用是否规范"],
        "bases": [
            ("中华人民共和国税收征收管理法", "第六十二条", "未按照规定期限办理纳税申报"),
            ("中华人民共和国税收征收管理法", "第六十三条", "偷税"),
        ],
    },
    {
        "code": "labour",
        "name": "劳动用工",
        "lead": UnitFunction.HUMAN_RESOURCES,
        "co": [],
        "checklist": ["是否依法签订劳动合同", "是否按时足额支付工资", "是否依法缴纳社会保险"],
        "bases": [
            ("保障农民工工资支付条例", "第五十四条", "未按时足额支付工资"),
            ("中华人民共和国社会保险法", "第八十六条", "未按时足额缴纳社会保险费"),
        ],
    },
    {
        "code": "toxic_chemicals",
        "name": "剧毒化学品",
        "lead": UnitFunction.POLICE,
        "co": [],
        "checklist": ["剧毒化学品购买是否经许可", "是否双人双锁保管", "使用台账是否如实记录"],
        "bases": [
            ("危险化学品安全管理条例", "第八十一条", "剧毒化学品流向未如实记录"),
            ("危险化学品安全管理条例", "第八十条", "剧毒化学品储存不符合规定"),
        ],
    },
]

# Which article a "存在问题" on a checklist item breaches: (domain code, item) →
# (law, article) among that domain's bases. Items without one leave the
# inspector to choose.
CHECKLIST_BASES: dict[tuple[str, str], tuple[str, str]] = {
    ("ecology_environment", "排污许可证是否在有效期内"): ("中华人民共和国水污染防治法", "第八十三条"),
    ("ecology_environment", "废水是否经处理达标排放"): ("中华人民共和国水污染防治法", "第八十三条"),
    ("ecology_environment", "是否存在暗管偷排"): ("中华人民共和国环境保护法", "第六十三条"),
    ("ecology_environment", "危险废物是否规范贮存转移"): ("中华人民共和国固体废物污染环境防治法", "第一百一十二条"),
    ("illegal_construction", "是否存在违法建设"): ("中华人民共和国城乡规划法", "第六十四条"),
    ("illegal_construction", "是否存在违法用地"): ("中华人民共和国土地管理法", "第七十七条"),
    ("illegal_construction", "厂房是否取得规划许可"): ("中华人民共和国城乡规划法", "第六十四条"),
    ("work_safety", "安全生产责任制是否落实"): ("中华人民共和国安全生产法", "第九十九条"),
    ("work_safety", "有限空间作业是否审批"): ("中华人民共和国安全生产法", "第九十九条"),
    ("work_safety", "特种作业人员是否持证上岗"): ("中华人民共和国安全生产法", "第九十七条"),
    ("fire_safety", "消防通道是否畅通"): ("中华人民共和国消防法", "第六十条"),
    ("fire_safety", "消防设施是否完好有效"): ("中华人民共和国消防法", "第六十条"),
    ("fire_safety", "是否存在“三合一”场所"): ("中华人民共和国消防法", "第六十一条"),
    ("lawful_business", "是否持有效营业执照"): ("无证无照经营查处办法", "第十三条"),
    ("tax", "是否按期申报纳税"): ("中华人民共和国税收征收管理法", "第六十二条"),
    ("labour", "是否按时足额支付工资"): ("保障农民工工资支付条例", "第五十四条"),
    ("labour", "是否依法缴纳社会保险"): ("中华人民共和国社会保险法", "第八十六条"),
    ("toxic_chemicals", "是否双人双锁保管"): ("危险化学品安全管理条例", "第八十条"),
    ("toxic_chemicals", "使用台账是否如实记录"): ("危险化学品安全管理条例", "第八十一条"),
}

# The ladder: warning (rectification order) → fine → suspension → sealing → ban.
LADDER = [
    (1, "rectification", 10),
    (2, "fine", 10),
    (3, "suspension", 15),
    (4, "sealing", 15),
    (5, "ban", 0),
]

REPEAT_OFFENDER = {"violations": 3, "window_days": 180}
