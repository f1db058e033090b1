"""Tests for xlcheck.values: rounding, cell numbers, totals in text, and target/actual values."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcheck import values
from xlcheck.values import (
    Assessment,
    Value,
    assess,
    find_total,
    fmt,
    fmt_percent,
    has_percent,
    parse_value,
    replace_span,
    round_half_up,
    to_amount,
    to_decimal,
)

# --------------------------------------------------------------------------------------------
# The seed: every 年初目标值 / 实际完成值 pair of the 18 project forms, as printed
# (/work/shared/seed/000_505f7a29082f0700.txt). (form, indicator, target, actual, status, ratio)
# --------------------------------------------------------------------------------------------

MET = ("met", D(1))

SEED_PAIRS = [
    # 科学技术研究与开发资金
    ("科学技术研究与开发资金", "规上工业总产值", "280亿元", "353.69亿元", *MET),
    ("科学技术研究与开发资金", "我区规上工业企业总数", "100家", "100家", *MET),
    ("科学技术研究与开发资金", "工业企业流动资金贷款贴息", "25家", "28家", *MET),
    ("科学技术研究与开发资金", "工业投资技改占比", "80%", "89%", *MET),
    ("科学技术研究与开发资金", "近三年每年净高新技术企业数量", "84家", "229家", *MET),
    ("科学技术研究与开发资金", "每年认定“瞪羚”企业数量", "约60家", "70家", *MET),
    ("科学技术研究与开发资金", "促进科技成果转化", "110项", "130项", *MET),
    ("科学技术研究与开发资金", "建成技术转移示范机构", "22家", "25家", *MET),
    ("科学技术研究与开发资金", "举办创新创业活动", "400场", "432场", *MET),
    ("科学技术研究与开发资金", "平台集聚高新技术企业", "100家", "121家", *MET),
    ("科学技术研究与开发资金", "新认定省级以上孵化基地", "1家", "2家", *MET),
    ("科学技术研究与开发资金", "新增入孵企业", "200家", "257家", *MET),
    ("科学技术研究与开发资金", "众创孵化平台向专业化方向发展", "1家", "1家", *MET),
    ("科学技术研究与开发资金", "留住大学生创业企业", "100家", "112家", *MET),
    ("科学技术研究与开发资金", "科技活动周", "1次", "1次", *MET),
    ("科学技术研究与开发资金", "社区科普场馆", "2-4个", "4个", *MET),
    ("科学技术研究与开发资金", "中小学科普场馆", "5-7个", "8个", *MET),
    ("科学技术研究与开发资金", "我区企业通过国家两化融合贯标评定企业总数", "13家", "23家", *MET),
    ("科学技术研究与开发资金", "我区企业获得省级智能制造项目总数", "4家", "4家", *MET),
    ("科学技术研究与开发资金", "我区企业获得省级服务型制造示范项目总数", "3家", "3家", *MET),
    ("科学技术研究与开发资金", "项目完成率", "100%", "100%", *MET),
    ("科学技术研究与开发资金", "完成及时率", "100%", "100%", *MET),
    ("科学技术研究与开发资金", "工业增加值增速", "7.80%", "20%", *MET),
    ("科学技术研究与开发资金", "高新技术产业增加值", "7%", "8%", *MET),
    ("科学技术研究与开发资金", "企业研发投入增长", "3%", "3.50%", *MET),
    ("科学技术研究与开发资金", "规上营利性服务业（软件和信息服务业）营收增速", "25%", "25%", *MET),
    ("科学技术研究与开发资金", "技术合同成交额", "75亿元", "87.2亿元", *MET),
    ("科学技术研究与开发资金", "众创孵化平台入孵企业税收", "1亿元", "2.94亿元", *MET),
    ("科学技术研究与开发资金", "对外宣传洪山名优产品", "2场次", "1场次", "short", D("0.5")),
    ("科学技术研究与开发资金", "优化成果转化环境", "优化", "优化", *MET),
    ("科学技术研究与开发资金", "推进科技成果就地转移转化，提升辖区企业创新能力", "有效", "有效", *MET),
    ("科学技术研究与开发资金", "调动高校院所科研团队、区科技成果转化工作站服务洪山技术转移的积极性，提高成果就地转移转化成效",
     "有效", "有效", *MET),
    ("科学技术研究与开发资金", "申报企业满意度", "100%", "100%", *MET),
    ("科学技术研究与开发资金", "服务对象满意度", "95%以上", "97%", *MET),
    # 洪山实验室运行补助经费
    ("洪山实验室运行补助经费", "高水平论文", "10篇", "115篇", *MET),
    ("洪山实验室运行补助经费", "申报新品种", "5项", "10项", *MET),
    ("洪山实验室运行补助经费", "申请专利", "10项", "68项", *MET),
    # 湖北洪山实验室建设经费
    ("湖北洪山实验室建设经费", "移树", "55.4万元", "55.4万元", *MET),
    ("湖北洪山实验室建设经费", "可研", "15.4万元", "15.4万元", *MET),
    ("湖北洪山实验室建设经费", "地勘", "9.38万元", "9.38万元", *MET),
    ("湖北洪山实验室建设经费", "设计费", "474万元", "94.8万元", "short", D("0.2")),
    ("湖北洪山实验室建设经费", "监理", "227.8万元", "22.78万元", "short", D("0.1")),
    ("湖北洪山实验室建设经费", "完成三通一平", "完成", "完成", *MET),
    ("湖北洪山实验室建设经费", "项目EPC招标完成时间", "2021.11.30 前", "2021.11.1前", *MET),
    # 党建工作经费
    ("党建工作经费", "组织入党积极分子培训", "20人次/年", "20人次", *MET),
    ("党建工作经费", "党建指导员指导非公经济党组织开展党建活动", "9家/年", "9家", *MET),
    ("党建工作经费", "组织开展支部主题党日活动", "12次/年", "12次/年", *MET),
    ("党建工作经费", "发展党员人数", "2-3人/年", "预备党员转正2", *MET),
    ("党建工作经费", "工作完成及时率", "100%", "100%", *MET),
    # 精准扶贫工作经费
    ("精准扶贫工作经费", "支持乡村建设项目", "1个", "1个", *MET),
    ("精准扶贫工作经费", "脱贫户不返贫", "10户", "10户", *MET),
    ("精准扶贫工作经费", "精准扶贫工作及时性", "100%", "100%", *MET),
    ("精准扶贫工作经费", "农户种植优质稻种每户增产增收", "3000元", "3000元", *MET),
    # 文明创建和宣传
    ("文明创建和宣传", "支持大学之城创建活动开展宣传工作", "≥1次/年", "5", *MET),
    ("文明创建和宣传", "开展宣传教育次数，定期举办读书看报分享", "≥2次/年", "5", *MET),
    ("文明创建和宣传", "单位职工满意度", "100%", "100%", *MET),
    # 经济运行和投资技改工作经费
    ("经济运行和投资技改工作经费", "邀请企业参与工作全会", "100家以上", "100家", *MET),
    ("经济运行和投资技改工作经费", "政策宣传场数", "1场", "1场", *MET),
    ("经济运行和投资技改工作经费", "规上工业企业产值统计工作完成率", "100%", "100%", *MET),
    # 机关事业单位办公维护经费
    ("机关事业单位办公维护经费", "后勤保障工作完成率", "100%", "100%", *MET),
    ("机关事业单位办公维护经费", "设施设备正常运作率", "100%", "100%", *MET),
    ("机关事业单位办公维护经费", "环境卫生合格率", "100%", "100%", *MET),
    ("机关事业单位办公维护经费", "安全保障达标率", "100%", "100%", *MET),
    ("机关事业单位办公维护经费", "后勤保障工作及时性", "100%", "100%", *MET),
    # 安全生产第三方服务经费
    ("安全生产第三方服务经费", "生产企业隐患排查", "90家/年", "92", *MET),
    ("安全生产第三方服务经费", "配合应急专项检查", "30人次/年", "30", *MET),
    ("安全生产第三方服务经费", "安全生产教育培训", "2次/年", "3", *MET),
    ("安全生产第三方服务经费", "总结报告", "1次/年", "1", *MET),
    ("安全生产第三方服务经费", "隐患整改到位率", "100%", "100%", *MET),
    ("安全生产第三方服务经费", "工作完成及时率", "100%", "100%", *MET),
    ("安全生产第三方服务经费", "生产事故", "零事故", "零事故", *MET),
    ("安全生产第三方服务经费", "被服务企业满意度", "≥90%", "100%, 0投诉", *MET),
    # 国家示范基地管理费
    ("国家示范基地管理费", "示范基地年度考核星级评定(五星满分评定)", "三星及以上", "四星", *MET),
    # 科技资料等相关费用
    ("科技资料等相关费用", "印刷资料验收合格率", "100%", "100%", *MET),
    ("科技资料等相关费用", "按时完成印刷工作", "100%", "100%", *MET),
    # 评审、审计、调研、绩效评价费用
    ("评审、审计、调研、绩效评价费用", "审核准确率", "100%", "100%", *MET),
    ("评审、审计、调研、绩效评价费用", "按时完成评审、审计等工作", "100%", "100%", *MET),
    # 科技经信服务平台维护费
    ("科技经信服务平台维护费", "文章发布总量", "≥100条", "265", *MET),
    ("科技经信服务平台维护费", "内容排版合格率", "100%", "100%", *MET),
    ("科技经信服务平台维护费", "按时完成发布工作", "100%", "100%", *MET),
    # 科技成果转化工作经费
    ("科技成果转化工作经费", "选聘人员考核合格率", "100%", "100%", *MET),
    ("科技成果转化工作经费", "工作完成及时率", "100%", "100%", *MET),
    # 项目管理专项法律服务
    ("项目管理专项法律服务", "常规法律顾问服务", "约30项", "40项", *MET),
    ("项目管理专项法律服务", "项目管理", "约80个", "100个", *MET),
    ("项目管理专项法律服务", "项目资金使用合法率", "100%", "100%", *MET),
    ("项目管理专项法律服务", "涉法问题合法解决率", "90%", "95%", *MET),
    # 重点党报党刊订阅（长江日报）
    ("重点党报党刊订阅（长江日报）", "份数", "25份", "25份", *MET),
    ("重点党报党刊订阅（长江日报）", "加强政治站位，提高思想觉悟和能力", "100%", "100%", *MET),
    # 工业互联网大会支持经费
    ("工业互联网大会支持经费", "邀请企业参与工作全会", "100家以上", "150家", *MET),
    ("工业互联网大会支持经费", "获得省级“5G+工业互联网”融合应用先导区授牌", "1个", "1个", *MET),
    # 聘请第三方编制国家先导区资金
    ("聘请第三方编制国家先导区资金", "出台洪山区5G+工业互联网三年行动计划", "1份", "1份", *MET),
    ("聘请第三方编制国家先导区资金", "形成洪山区5G+工业互联网发展情况调研报告", "1份", "1份", *MET),
    ("聘请第三方编制国家先导区资金", "获得省级“5G+工业互联网”融合应用先导区授牌", "1个", "1个", *MET),
    ("聘请第三方编制国家先导区资金", "完成国家“5G+工业互联网”融合应用先导区申报", "1份", "1份", *MET),
]

# The department form writes a few of the same values differently.
DEPARTMENT_VARIANTS = [
    ("发展党员人数", "2-3人/年", "预备党员转正2人", *MET),
    ("被服务企业满意度", "≥90%", "100%，0投诉", *MET),
    ("项目EPC招标完成时间", "2021.11.30前", "2021.11.1前", *MET),
]


def test_seed_table_is_complete():
    assert len(SEED_PAIRS) == 94
    assert len({row[0] for row in SEED_PAIRS}) == 18
    assert [row[1] for row in SEED_PAIRS if row[4] != "met"] == ["对外宣传洪山名优产品", "设计费", "监理"]


@pytest.mark.parametrize("form,name,target,actual,status,ratio", SEED_PAIRS, ids=[f"{r[0]}-{r[1]}" for r in SEED_PAIRS])
def test_seed_pairs(form, name, target, actual, status, ratio):
    t, a = parse_value(target), parse_value(actual)
    assert t.kind not in ("unknown", "empty"), t
    assert a.kind not in ("unknown", "empty"), a
    result = assess(t, a)
    assert (result.status, result.ratio) == (status, ratio), result.explanation
    assert result.explanation


@pytest.mark.parametrize("name,target,actual,status,ratio", DEPARTMENT_VARIANTS)
def test_department_variants(name, target, actual, status, ratio):
    result = assess(parse_value(target), parse_value(actual))
    assert (result.status, result.ratio) == (status, ratio), result.explanation


def test_seed_short_indicators_reproduce_the_reported_scores():
    # weight × ratio, rounded half up, is the score printed in the seed
    cases = [("2场次", "1场次", 1, "0.5"), ("474万元", "94.8万元", 10, "2"), ("227.8万元", "22.78万元", 10, "1")]
    for target, actual, weight, score in cases:
        ratio = assess(parse_value(target), parse_value(actual)).ratio
        assert fmt(weight * ratio) == score


def test_seed_explanations():
    assert assess(parse_value("2场次"), parse_value("1场次")).explanation == "实际 1场次 / 目标 2场次 = 0.5"
    deadline = assess(parse_value("2021.11.30 前"), parse_value("2021.11.1前"))
    assert deadline.explanation == "实际 2021-11-01 早于期限 2021-11-30，已完成"
    leading = assess(parse_value("≥90%"), parse_value("100%，0投诉"))
    assert "100%，0投诉" in leading.explanation and leading.status == "met"


def test_explanation_says_where_a_picked_number_came_from():
    """An actual read out of a longer text is named with its source; one that is the whole cell is not."""
    picked = assess(parse_value("≥95%"), parse_value("90%，3户投诉"))
    assert picked.explanation == "实际 90%（取自“90%，3户投诉”） / 目标 ≥95% ≈ 0.9474"
    assert assess(parse_value("≥5户"), parse_value("预备户转正4户")).explanation.startswith("实际 4户（取自“预备户转正4户”）")
    whole = assess(parse_value("≥95%"), parse_value(" 90 % "))
    assert whole.explanation == "实际 90 % / 目标 ≥95% ≈ 0.9474"
    assert assess(parse_value("≥95"), D("90.5")).explanation == "实际 90.5 / 目标 ≥95 ≈ 0.9526"  # a number cell


# --------------------------------------------------------------------------------------------
# Rounding and formatting
# --------------------------------------------------------------------------------------------


def test_round_half_up_edge_cases():
    assert round_half_up(D("399.3") / D("400") * 100) == D("99.83")  # 0.99825 as a percentage
    assert round_half_up(20 * D("0.99825")) == D("19.97")  # 19.965
    assert round_half_up(D("0.125")) == D("0.13")  # banker's rounding gives 0.12
    assert round_half_up(D("0.135")) == D("0.14")
    assert round_half_up(D("-0.125")) == D("-0.13")  # symmetric: ties away from zero
    assert round_half_up(D("2.5"), 0) == D("3")
    assert round_half_up(D("19.04")) == D("19.04")
    assert round_half_up(D("95.2130"), 2) == D("95.21")
    assert round_half_up(D("1" * 40)) == D("1" * 40)  # more digits than the default precision
    assert round_half_up(0.125) == D("0.13")  # a float goes through its repr, not 0.12499999...


def test_rounding_with_binary_floats_would_be_wrong():
    # the reason for Decimal: round() on floats is banker's and binary (19.965 is 19.96499...)
    assert round(0.125, 2) == 0.12 and round(19.965, 2) == 19.96
    assert fmt(D("0.125")) == "0.13" and fmt(D("19.965")) == "19.97"


def test_round_half_up_rejects_non_finite():
    with pytest.raises(ValueError):
        round_half_up(D("NaN"))


def test_fmt():
    assert fmt(D("19.04")) == "19.04"
    assert fmt(D("20.00")) == "20"
    assert fmt(D("0.50")) == "0.5"
    assert fmt(D("19.965")) == "19.97"
    assert fmt(D("0.125")) == "0.13"
    assert fmt(D("1E+2")) == "100"
    assert fmt(D("-0.001")) == "0"
    assert fmt(D("0.99825"), 4) == "0.9983"
    assert fmt(D("59.5")) == "59.5"


def test_fmt_percent():
    assert fmt_percent(D("0.952130")) == "95.21%"
    assert fmt_percent(D(1)) == "100.00%"
    assert fmt_percent(D("399.3") / D("400")) == "99.83%"
    assert fmt_percent(D("12612.86") / D("13247")) == "95.21%"
    assert fmt_percent(D("27031.20") / D("27710.77")) == "97.55%"
    assert fmt_percent(D("3.93") / D("6")) == "65.50%"
    assert fmt_percent(D(0)) == "0.00%"
    assert fmt_percent(D("0.4")) == "40.00%"


def test_seed_budget_scores():
    # 20 × B/A, rounded half up, as printed in the seed
    for budget, spent, score in [("13247", "12612.86", "19.04"), ("27710.77", "27031.20", "19.51"),
                                 ("138", "123.55", "17.91"), ("15", "14.8", "19.73"), ("2", "1.97", "19.7")]:
        assert fmt(20 * D(spent) / D(budget)) == score


def _reference_round(n: int, k: int, places: int) -> D:
    """Round n / 10**k half up to `places` decimals in integer arithmetic."""
    if k <= places:
        return D(n * 10 ** (places - k)).scaleb(-places)
    q, r = divmod(abs(n), 10 ** (k - places))
    if 2 * r >= 10 ** (k - places):
        q += 1
    return D(q if n >= 0 else -q).scaleb(-places)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=0, max_value=10),
       st.integers(min_value=0, max_value=6))
def test_round_half_up_matches_integer_reference(n, k, places):
    x = D(n).scaleb(-k)
    got = round_half_up(x, places)
    assert got == _reference_round(n, k, places)
    assert got.as_tuple().exponent == -places


# --------------------------------------------------------------------------------------------
# Cell numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [
        (D("19.04"), D("19.04")),
        (13247, D(13247)),
        (0.1, D("0.1")),
        (95.21, D("95.21")),
        ("19.04", D("19.04")),
        (" 19.04 ", D("19.04")),
        ("\u300019.04\xa0", D("19.04")),
        ("１２６１２．８６", D("12612.86")),
        ("12,612.86", D("12612.86")),
        ("1,477.61万元", D("1477.61")),
        ("95.21%", D("95.21")),
        ("95.21％", D("95.21")),
        ("98.54分", D("98.54")),
        ("3000元", D("3000")),
        ("－5", D("-5")),
        ("+5", D("5")),
        (".5", D("0.5")),
        ("", None),
        ("无", None),
        ("—", None),
        ("-", None),
        ("/", None),
        ("约60家", None),
        ("2-3", None),
        ("1 2", None),
        ("12,6", None),
        ("abc", None),
        (None, None),
        (True, None),
        (D("NaN"), None),
        (float("inf"), None),
        (float("nan"), None),
        ([1], None),
    ],
)
def test_to_decimal(value, expected):
    assert to_decimal(value) == expected


@pytest.mark.parametrize(
    "value,unit,expected",
    [
        ("150万", "万元", D("150")),  # 鄂州 市民中心运行维护费: '150万' under 项目资金（万元）
        ("125.25万", "万元", D("125.25")),
        ("150万元", "万元", D("150")),
        ("150", "万元", D("150")),
        ("150万", "元", D("1500000")),  # the same text in a 元 column is 150 万元 = 1,500,000 元
        ("125.25万元", "元", D("1252500")),
        ("215,457.6", "元", D("215457.6")),
        ("3000元", "万元", D("0.3")),
        ("3000元", "元", D("3000")),
        (D("150"), "元", D("150")),  # a number is in the column's unit
        ("150万", None, D("150")),  # the column's unit not known: the written unit is dropped, as to_decimal
        ("约150万", "元", None),
    ],
)
def test_to_amount_reads_an_amount_in_its_columns_unit(value, unit, expected):
    assert to_amount(value, unit) == expected


def test_has_percent():
    assert has_percent("95.21%") and has_percent("95.21％") and has_percent(" 100 % ")
    assert not has_percent("0.9521") and not has_percent(D("0.95")) and not has_percent(None)


# --------------------------------------------------------------------------------------------
# Totals inside text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,total",
    [
        ("单位名称(盖章): 区科经局 填报日期: 2022年1月14日 自评得分: 98.54分", "98.54"),
        ("自评得分: 100分", "100"),
        ("单位名称(盖章)：区科经局 填报日期：2022年1月14日 自评得分：100分", "100"),
        ("总分：97.01分", "97.01"),
        ("自评得分 ： 99.7 分", "99.7"),
        ("得分:88分", "88"),
        ("自评得分：１００分", "100"),
    ],
)
def test_find_total(text, total):
    found = find_total(text)
    assert found is not None
    number, start, end = found
    assert number == D(total)
    assert to_decimal(text[start:end]) == D(total)


def test_find_total_absent():
    assert find_total("单位名称(盖章): 区科经局 填报日期: 2022年1月14日") is None
    assert find_total("得分（20分*执行率）") is None
    assert find_total("自评得分：") is None
    assert find_total("") is None


def test_replace_span_corrects_a_total_in_text():
    text = "单位名称(盖章): 区科经局 填报日期: 2022年1月14日 自评得分: 98.54分"
    _, start, end = find_total(text)
    fixed = replace_span(text, start, end, "98.55")
    assert fixed == "单位名称(盖章): 区科经局 填报日期: 2022年1月14日 自评得分: 98.55分"
    assert find_total(fixed)[0] == D("98.55")
    with pytest.raises(ValueError):
        replace_span("abc", 2, 1, "x")


# --------------------------------------------------------------------------------------------
# parse_value
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,kind,direction,number,unit",
    [
        ("280亿元", "number", "positive", D("28000000000"), "元"),
        ("55.4万元", "number", "positive", D("554000"), "元"),
        ("3千元", "number", "positive", D("3000"), "元"),
        ("1.5百万元", "number", "positive", D("1500000"), "元"),
        ("5千克", "number", "positive", D("5"), "千克"),
        ("20人次/年", "number", "positive", D("20"), "人次/年"),
        ("≥1次/年", "number", "positive", D("1"), "次/年"),
        ("≥90%", "number", "positive", D("90"), "%"),
        (">=90%", "number", "positive", D("90"), "%"),
        ("95%以上", "number", "positive", D("95"), "%"),
        ("100家以上", "number", "positive", D("100"), "家"),
        ("不低于80%", "number", "positive", D("80"), "%"),
        ("至少3次", "number", "positive", D("3"), "次"),
        ("７.８０％", "number", "positive", D("7.80"), "%"),
        ("≤5%", "number", "negative", D("5"), "%"),
        ("5%以下", "number", "negative", D("5"), "%"),
        ("不超过100万元", "number", "negative", D("1000000"), "元"),
        ("不高于3%", "number", "negative", D("3"), "%"),
        ("低于2%", "number", "negative", D("2"), "%"),
        ("控制在预算以内", "unknown", None, None, ""),
        ("控制在50万元以内", "number", "negative", D("500000"), "元"),
        ("每年2次", "number", "positive", D("2"), "次/年"),
        ("5", "number", "positive", D("5"), ""),
        ("预备党员转正2", "number", "positive", D("2"), ""),
        ("预备党员转正2人", "number", "positive", D("2"), "人"),
        ("100%，0投诉", "number", "positive", D("100"), "%"),
        ("100%, 0投诉", "number", "positive", D("100"), "%"),
    ],
)
def test_parse_numbers(text, kind, direction, number, unit):
    v = parse_value(text)
    assert (v.kind, v.direction, v.number, v.unit) == (kind, direction, number, unit), v
    assert v.text == text


def test_parse_number_cells():
    assert parse_value(D("0.95")) == Value(text="0.95", kind="number", direction="positive", number=D("0.95"))
    assert parse_value(5).number == D(5)
    assert parse_value(0.1).number == D("0.1")


def test_parse_approx():
    v = parse_value("约60家")
    assert (v.kind, v.number, v.unit, v.approx, v.direction) == ("number", D(60), "家", True, "positive")
    assert parse_value("60家左右").approx and parse_value("100余家").approx
    assert not parse_value("60家").approx


@pytest.mark.parametrize(
    "text,low,high,unit",
    [
        ("2-3人/年", D(2), D(3), "人/年"),
        ("5-7个", D(5), D(7), "个"),
        ("2～4", D(2), D(4), ""),
        ("2~4", D(2), D(4), ""),
        ("2至4家", D(2), D(4), "家"),
        ("1-2万元", D(10000), D(20000), "元"),
        ("5%-7%", D(5), D(7), "%"),
        ("2—4个", D(2), D(4), "个"),
    ],
)
def test_parse_ranges(text, low, high, unit):
    v = parse_value(text)
    assert (v.kind, v.direction, v.low, v.high, v.unit) == ("range", "range", low, high, unit), v


def test_parse_bad_ranges():
    assert parse_value("7-5个").kind == "unknown"
    assert parse_value("2家-3元").kind == "unknown"


@pytest.mark.parametrize(
    "text,date",
    [
        ("2021.11.30前", datetime.date(2021, 11, 30)),
        ("2021.11.30 前", datetime.date(2021, 11, 30)),
        ("2021.11.1前", datetime.date(2021, 11, 1)),
        ("2021年11月30日前", datetime.date(2021, 11, 30)),
        ("2021年11月30日之前", datetime.date(2021, 11, 30)),
        ("不晚于2021-11-30", datetime.date(2021, 11, 30)),
        ("2021/11/30", datetime.date(2021, 11, 30)),
        ("2021年11月底前", datetime.date(2021, 11, 30)),
        ("2021年2月前", datetime.date(2021, 2, 28)),
        ("2021年底前", datetime.date(2021, 12, 31)),
        ("2021.12前", datetime.date(2021, 12, 31)),
        ("２０２１年１１月１日", datetime.date(2021, 11, 1)),
        (datetime.date(2021, 11, 1), datetime.date(2021, 11, 1)),
        (datetime.datetime(2021, 11, 1, 9, 30), datetime.date(2021, 11, 1)),
    ],
)
def test_parse_deadlines(text, date):
    v = parse_value(text)
    assert (v.kind, v.direction, v.date) == ("deadline", "deadline", date), v


@pytest.mark.parametrize("text", ["11月底前", "11月30日前", "年底前", "2021.13.40前", "上半年"])
def test_parse_deadlines_without_a_usable_date(text):
    v = parse_value(text)
    assert v.kind == "unknown" and v.date is None


@pytest.mark.parametrize(
    "text,rank,unit",
    [("三星及以上", 3, "星"), ("四星", 4, "星"), ("五星", 5, "星"), ("3星级", 3, "星"), ("二星", 2, "星"),
     ("A级", 1, "A"), ("AAA级", 3, "A"), ("5A级", 5, "A"), ("一等奖", 1, "等"), ("二等", 2, "等"),
     ("甲级", 1, "甲"), ("二级", 2, "级")],
)
def test_parse_ordinals(text, rank, unit):
    v = parse_value(text)
    assert (v.kind, v.direction, v.rank, v.unit) == ("ordinal", "positive", rank, unit), v


@pytest.mark.parametrize(
    "text",
    ["完成", "有效", "优化", "达标", "合格", "良好", "优秀", "零事故", "无事故", "是", "按时", "及时", "显著",
     "提升", "明显", "按时完成", "未完成", "无效", "未达标", "不合格", "否", "部分完成", "未发生安全事故"],
)
def test_parse_qualitative(text):
    v = parse_value(text)
    assert (v.kind, v.direction, v.number) == ("qualitative", "qualitative", None), v


@pytest.mark.parametrize("text", ["", "无", "—", "-", "/", "  ", "\u3000", "——", None])
def test_parse_empty(text):
    assert parse_value(text).kind == "empty"


@pytest.mark.parametrize("text", ["洪山区", "见附件", "1. 招聘固定研究人员197名; 2. 发布开放课题248项", "第3名",
                                  "下降5%", "2,3", True, object()])
def test_parse_unknown(text):
    v = parse_value(text)
    assert v.kind == "unknown" and v.number is None and v.direction is None


# --------------------------------------------------------------------------------------------
# assess, rule by rule
# --------------------------------------------------------------------------------------------


def check(target, actual, status, ratio=None, negative_hint=False) -> Assessment:
    result = assess(parse_value(target), parse_value(actual), negative_hint=negative_hint)
    assert (result.status, result.ratio) == (status, ratio), result.explanation
    assert result.explanation
    return result


@pytest.mark.parametrize(
    "target,actual,status,ratio",
    [
        ("≥90%", "97%", "met", D(1)),
        ("90%以上", "85%", "short", D(85) / D(90)),
        ("不低于80%", "60%", "short", D("0.75")),
        ("至少4次", "3次", "short", D("0.75")),
        ("约60家", "70家", "met", D(1)),
        ("约60家", "30家", "short", D("0.5")),
        ("100家", "100家", "met", D(1)),
        ("100家", "0家", "short", D(0)),
        ("7.80%", "20%", "met", D(1)),
        ("3%", "3.50%", "met", D(1)),
        ("25%", "-5%", "short", D(0)),
    ],
)
def test_positive(target, actual, status, ratio):
    check(target, actual, status, ratio)


@pytest.mark.parametrize(
    "target,actual,status,ratio",
    [
        ("≤5%", "4%", "met", D(1)),
        ("≤5%", "10%", "short", D("0.5")),
        ("5%以下", "8%", "short", D("0.625")),
        ("不超过100万元", "125万元", "short", D("0.8")),
        ("不高于3次", "3次", "met", D(1)),
        ("低于2%", "1%", "met", D(1)),
        ("控制在50万元以内", "40万元", "met", D(1)),
        ("≤5%", "0%", "met", D(1)),
        ("≤5起", "0", "met", D(1)),
    ],
)
def test_negative(target, actual, status, ratio):
    result = check(target, actual, status, ratio)
    assert "反向" in result.explanation


def test_negative_hint_for_cost_indicators():
    check("100万元", "80万元", "met", D(1), negative_hint=True)
    check("100万元", "125万元", "short", D("0.8"), negative_hint=True)
    check("100万元", "0万元", "met", D(1), negative_hint=True)
    check("100万元", "125万元", "met", D(1))  # without the hint a plain amount is positive
    check("≥100万元", "80万元", "short", D("0.8"), negative_hint=True)  # an explicit ≥ wins over the hint


def test_zero_target_is_zero_tolerance():
    check("0投诉", "0投诉", "met", D(1))
    check("0起", "2起", "short", D(0))


def test_ratios_are_exact_and_capped():
    result = check("3次", "1次", "short", D(1) / D(3))
    assert "≈ 0.3333" in result.explanation
    assert assess(parse_value("2次"), parse_value("200次")).ratio == 1


@pytest.mark.parametrize(
    "target,actual,status,ratio",
    [
        ("5-7个", "8个", "met", D(1)),  # above the range still scores full marks (seed)
        ("5-7个", "6个", "met", D(1)),
        ("5-7个", "5个", "met", D(1)),
        ("5-7个", "4个", "short", D("0.8")),
        ("2-3人/年", "预备党员转正2人", "met", D(1)),
        ("2-3人/年", "1人", "short", D("0.5")),
        ("2～4", "4", "met", D(1)),
        ("2至4家", "1家", "short", D("0.5")),
        ("1-2万元", "15000元", "met", D(1)),
    ],
)
def test_ranges(target, actual, status, ratio):
    check(target, actual, status, ratio)


def test_range_with_negative_hint_uses_the_upper_bound():
    check("50-60万元", "55万元", "met", D(1), negative_hint=True)
    check("50-60万元", "75万元", "short", D("0.8"), negative_hint=True)


@pytest.mark.parametrize(
    "target,actual,status",
    [
        ("2021.11.30前", "2021.11.1前", "met"),
        ("2021.11.30前", "2021年11月30日", "met"),
        ("2021年11月30日前", "2021-10-15", "met"),
        ("不晚于2021-11-30", "2021.12.5", "short"),
        ("2021年底前", "2022年1月10日", "short"),
        ("2021.11.30前", "按时完成", "met"),
        ("2021.11.30前", "未按时完成", "short"),
        ("2021.11.30前", "完成", "unknown"),
        ("11月底前", "11月20日", "unknown"),
    ],
)
def test_deadlines(target, actual, status):
    result = check(target, actual, status, D(1) if status == "met" else None)
    if status == "short":
        assert "晚于" in result.explanation or "未按期" in result.explanation


def test_deadline_short_explains_why_no_ratio():
    result = assess(parse_value("2021.11.30前"), parse_value("2021.12.5"))
    assert result.explanation == "实际 2021-12-05 晚于期限 2021-11-30，未按期完成；时效指标不能按比例计分，只能按档次评分"


@pytest.mark.parametrize(
    "target,actual,status",
    [
        ("三星及以上", "四星", "met"),
        ("三星及以上", "三星", "met"),
        ("三星及以上", "二星", "short"),
        ("四星", "五星", "met"),
        ("AAA级", "AAAA级", "met"),
        ("二等奖", "一等奖", "met"),
        ("一等奖", "三等奖", "short"),
        ("甲级", "乙级", "short"),
        ("二级", "二级", "met"),
        ("二级", "一级", "unknown"),  # 级 runs either way
        ("三星及以上", "A级", "unknown"),
        ("三星及以上", "优秀", "unknown"),
    ],
)
def test_ordinals(target, actual, status):
    check(target, actual, status, D(1) if status == "met" else None)


@pytest.mark.parametrize(
    "target,actual,status",
    [
        ("有效", "有效", "met"),
        ("优化", "优化", "met"),
        ("完成", "完成", "met"),
        ("零事故", "零事故", "met"),
        ("零事故", "无事故", "met"),
        ("零事故", "未发生安全事故", "met"),
        ("完成", "已完成", "met"),
        ("完成", "按时完成", "met"),
        ("有效", "明显提升", "met"),
        ("达标", "达标", "met"),
        ("是", "是", "met"),
        ("是", "否", "short"),
        ("合格", "优秀", "met"),
        ("优秀", "良好", "short"),
        ("完成", "未完成", "short"),
        ("完成", "部分完成", "short"),
        ("达标", "未达标", "short"),
        ("合格", "不合格", "short"),
        ("有效", "无效", "short"),
        ("完成", "无法完成", "short"),
        ("完成", "基本完成", "short"),  # 基本 = partly achieved, a lower tier
        ("按时", "未发生延期", "met"),  # the absence of a bad thing
        ("有效", "见附件", "unknown"),
        ("有效", "100%", "unknown"),
        ("零事故", "发生1起事故", "unknown"),
        ("推进科技成果就地转化", " 推进科技成果就地转化。", "met"),  # equal after whitespace and punctuation
    ],
)
def test_qualitative(target, actual, status):
    check(target, actual, status, D(1) if status == "met" else None)


@pytest.mark.parametrize(
    "target,actual,status,ratio",
    [
        ("280亿元", "353.69亿元", "met", D(1)),
        ("1亿元", "5000万元", "short", D("0.5")),
        ("474万元", "94.8万元", "short", D("0.2")),
        ("100%", "100%，0投诉", "met", D(1)),
        ("90家/年", "92", "met", D(1)),
        ("≥1次/年", "5", "met", D(1)),
        ("30人次/年", "30", "met", D(1)),
        ("12次/年", "12次", "met", D(1)),
        ("280亿元", "353.69", "met", D(1)),  # the bare number is read in 亿元
        ("280亿元", "140", "short", D("0.5")),
        ("95%以上", "97", "met", D(1)),
        ("1场", "1场次", "met", D(1)),
        ("10个", "12家", "met", D(1)),
        ("10人", "12名", "met", D(1)),
        ("100家", "100元", "unknown", None),
        ("80%", "1亿元", "unknown", None),
        ("10户", "10人", "unknown", None),
        ("≥90%", "0.97", "unknown", None),  # 0.97 or 0.97%? not guessed
    ],
)
def test_units(target, actual, status, ratio):
    check(target, actual, status, ratio)


def test_unknown_names_the_text():
    result = check("见附件", "见附件2", "unknown")
    assert "见附件" in result.explanation
    result = check("100家", "较多", "unknown")
    assert "较多" in result.explanation
    check("", "100家", "unknown")
    check("100家", "", "unknown")
    check("100家", "无", "unknown")
    check("见附件", "见附件", "unknown")  # not understood, even when both sides say the same


def test_assess_accepts_raw_cells():
    assert assess("2场次", "1场次").ratio == D("0.5")
    assert assess(D(100), D(100)).status == "met"
    assert assess(None, None).status == "unknown"


def test_assess_is_stable_on_odd_values():
    broken = Value(text="x", kind="number", direction="positive", number=None)
    assert assess(broken, parse_value("5")).status == "unknown"
    assert assess(parse_value("5"), Value(text="y", kind="number", number=None)).status == "unknown"


# --------------------------------------------------------------------------------------------
# Never raise
# --------------------------------------------------------------------------------------------

VALUE_LIKE = st.text(alphabet=st.sampled_from(list("0123456789.-~%,，、()（）/ 约≥≤<>以上下内前后年月日底万亿千元家个次人星级等奖未完成有效零无是否Ａ１２３．％\u3000")),
                     max_size=20)
ANY_TEXT = st.one_of(st.text(), VALUE_LIKE)
KINDS = {"number", "range", "deadline", "ordinal", "qualitative", "empty", "unknown"}


@settings(max_examples=500)
@given(ANY_TEXT)
def test_parse_value_never_raises(text):
    v = values._parse(text)  # the core, without parse_value's safety net
    assert v.kind in KINDS
    assert parse_value(text) == v


@settings(max_examples=300)
@given(ANY_TEXT, ANY_TEXT, st.booleans())
def test_assess_never_raises(target, actual, negative_hint):
    t, a = parse_value(target), parse_value(actual)
    result = values._assess(t, a, negative_hint)  # the core, without assess's safety net
    assert result.status in ("met", "short", "unknown")
    if result.status == "met":
        assert result.ratio == 1
    if result.ratio is not None:
        assert 0 <= result.ratio <= 1
    if result.status == "unknown":
        assert result.ratio is None
    assert result.explanation


@given(st.one_of(st.none(), st.text(), VALUE_LIKE, st.integers(), st.floats(), st.decimals(), st.booleans()))
def test_to_decimal_never_raises(value):
    result = to_decimal(value)
    assert result is None or (isinstance(result, D) and result.is_finite())


@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                 st.decimals(allow_nan=False, allow_infinity=False)))
def test_parse_value_of_number_cells(value):
    v = parse_value(value)
    assert v.kind == "number" and v.number == to_decimal(value)
