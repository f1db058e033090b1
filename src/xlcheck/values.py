"""Numbers and indicator values: rounding, formatting, and reading 年初目标值 / 实际完成值.

Everything here is Decimal; no float arithmetic. The rules are forms.md §4:

* round half up (四舍五入) to 2 decimals, never banker's rounding;
* a quantitative indicator scores weight × actual/target (positive) or weight × target/actual
  (negative), capped at the weight;
* a qualitative indicator can only be placed in a tier, not computed.

`parse_value` reads one cell ('≥90%', '2-3人/年', '2021.11.30前', '三星及以上', '有效' ...) into a
`Value`; `assess` compares a target with an actual and says how much of the weight is earned, with
the arithmetic written out in Chinese. Neither ever raises: what is not understood is 'unknown'.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, getcontext, localcontext
from typing import NamedTuple

from .language import says_nothing

__all__ = [
    "round_half_up",
    "fmt",
    "fmt_percent",
    "to_decimal",
    "to_amount",
    "has_percent",
    "find_total",
    "replace_span",
    "Value",
    "parse_value",
    "Assessment",
    "assess",
]

ONE = Decimal(1)
HUNDRED = Decimal(100)

# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


def round_half_up(x: Decimal, places: int = 2) -> Decimal:
    """Round half up (四舍五入, ties away from zero) to `places` decimals.

    >>> round_half_up(Decimal("19.965"))
    Decimal('19.97')
    >>> round_half_up(Decimal("0.125"))      # banker's rounding would give 0.12
    Decimal('0.13')
    >>> round_half_up(Decimal("399.3") / 400 * 100)   # a rate as a percentage: 99.825 -> 99.83
    Decimal('99.83')
    """
    x = x if type(x) is Decimal else _as_decimal(x)
    if not x.is_finite():
        raise ValueError(f"not a finite number: {x}")
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    digits = x.adjusted() + places + 3
    if digits <= 28 and getcontext().prec == 28:  # the usual case: the default context holds every digit
        return x.quantize(quantum, rounding=ROUND_HALF_UP)
    with localcontext() as ctx:
        ctx.prec = max(28, digits)
        return x.quantize(quantum, rounding=ROUND_HALF_UP)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}  # 0 -> 1, 2 -> 0.01, 4 -> 0.0001


def _as_decimal(x) -> Decimal:
    """Decimal and int as they are; a float through its shortest repr (0.1 -> Decimal('0.1'))."""
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def _plain(x: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 20.00 -> '20', 1E+2 -> '100', -0 -> '0'."""
    return "0" if x == 0 else format(x.normalize(), "f")


def amount(x: Decimal) -> str:
    """An amount (预算数, 执行数 …) exactly as written, never rounded: a sum of 其中 lines written 89.974 stays
    89.974 万元 (rounding it to 89.97 would change the amount by 40 元).

    >>> amount(Decimal("89.974")), amount(Decimal("13247.00")), amount(Decimal("0"))
    ('89.974', '13247', '0')
    """
    return _plain(x)


def fmt(x: Decimal, places: int = 2) -> str:
    """Round half up to `places` decimals and drop trailing zeros.

    >>> fmt(Decimal("19.04")), fmt(Decimal("20.00")), fmt(Decimal("0.50")), fmt(Decimal("19.965"))
    ('19.04', '20', '0.5', '19.97')
    """
    return _plain(round_half_up(x, places))


def fmt_percent(ratio: Decimal) -> str:
    """A ratio as a percentage with exactly 2 decimals, rounded half up.

    >>> fmt_percent(Decimal("0.952130")), fmt_percent(Decimal(1)), fmt_percent(Decimal("0.99825"))
    ('95.21%', '100.00%', '99.83%')
    """
    percent = round_half_up(_as_decimal(ratio) * HUNDRED, 2)
    return f"{'0.00' if percent == 0 else format(percent, 'f')}%"


# Characters that mean the same thing in a typed value. NFKC already maps full-width digits, '．',
# '－', '％', '～', '：', '，', '（' and the ideographic / no-break spaces to ASCII.
_TRANSLATE = str.maketrans(
    {
        "〜": "~",
        "—": "-",
        "–": "-",
        "―": "-",
        "−": "-",
        "‐": "-",
        "‑": "-",
        "≧": "≥",
        "≦": "≤",
        "＝": "=",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)
_SPACE = re.compile(r"\s+")
_DIGIT_SPACE = re.compile(r"(?<=[0-9])\s+(?=[0-9])")


@functools.lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    """NFKC, one spelling per symbol, no whitespace: ' ≥ 90％ ' -> '≥90%'.

    Whitespace between two digits stays as one space, so '1 2' is not read as 12.
    """
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = text.replace(">=", "≥").replace("<=", "≤")
    return _SPACE.sub("", _DIGIT_SPACE.sub("\x00", text)).replace("\x00", " ")


_NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+"
_CELL_NUMBER = re.compile(rf"([+-]?)({_NUMBER})(%|分|万元|万|元)?")


def _dec(digits: str) -> Decimal:
    return Decimal(digits.replace(",", ""))


def to_decimal(value) -> Decimal | None:
    """The number typed in a cell, or None when the cell does not hold exactly one number.

    Decimal and int are returned as they are, a float through its shortest repr (never its binary
    expansion). Text may carry spaces (including '\\u3000' and no-break spaces), full-width digits,
    thousands commas, a trailing '%' (the result is then in percent points) or a trailing unit
    '分', '万元', '万' or '元' (dropped, not multiplied out: an amount's unit is to_amount's business).

    >>> to_decimal(" １２,６１２．８６ "), to_decimal("95.21%"), to_decimal("98.54分"), to_decimal(0.1)
    (Decimal('12612.86'), Decimal('95.21'), Decimal('98.54'), Decimal('0.1'))
    >>> to_decimal("无"), to_decimal("—"), to_decimal("约60家")
    (None, None, None)
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        return number if number.is_finite() else None
    if not isinstance(value, str):
        return None
    match = _CELL_NUMBER.fullmatch(_norm(value))
    if not match:
        return None
    number = _dec(match.group(2))
    return -number if match.group(1) == "-" else number


_YUAN = {"万元": Decimal(10000), "万": Decimal(10000), "元": ONE}  # an amount's unit in 元


def to_amount(value, unit: str | None) -> Decimal | None:
    """An amount in a column whose header names its unit (`unit` '万元' or '元'), or None as to_decimal.

    A number typed with the column's unit, or with none, is read as it is; one typed with the other unit is
    converted to the column's ('150万' = '150万元': 150 in a 万元 column, 1500000 in a 元 column; '3000元' in
    a 万元 column is 0.3). Where the column's unit is not known (None), the written unit is dropped.

    >>> to_amount("150万", "万元"), to_amount("150万", "元"), to_amount("125.25万元", "元"), to_amount("3000元", "万元")
    (Decimal('150'), Decimal('1500000'), Decimal('1252500.00'), Decimal('0.3'))
    """
    number = to_decimal(value)
    if number is None or unit not in _YUAN or not isinstance(value, str):
        return number
    written = _CELL_NUMBER.fullmatch(_norm(value)).group(3)
    if written not in _YUAN or _YUAN[written] == _YUAN[unit]:
        return number
    return number * _YUAN[written] / _YUAN[unit]


def has_percent(value) -> bool:
    """True when a text cell is written as a percentage.

    >>> has_percent("95.21%"), has_percent("95.21％"), has_percent("0.9521"), has_percent(Decimal(1))
    (True, True, False, False)
    """
    return isinstance(value, str) and "%" in unicodedata.normalize("NFKC", value)


# Full-width digits and punctuation mapped one character to one character, so positions survive.
_SAME_LENGTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "：": ":"})
_TOTAL = re.compile(r"(?:自评得分|自评总分|总得分|总分|得分)\s*[:：]\s*([+-]?[0-9]+(?:\.[0-9]+)?)")


def find_total(text: str) -> tuple[Decimal, int, int] | None:
    """The total written inside a text cell after 自评得分 / 总分 / 得分 and a colon.

    Returns (total, start, end) where text[start:end] is the number's characters, or None.

    >>> find_total("单位名称(盖章): 区科经局 填报日期: 2022年1月14日 自评得分: 98.54分")
    (Decimal('98.54'), 38, 43)
    >>> find_total("总分：97.01分"), find_total("得分（20分*执行率）")
    ((Decimal('97.01'), 3, 8), None)
    """
    if not isinstance(text, str):
        return None
    match = _TOTAL.search(text.translate(_SAME_LENGTH))
    if not match:
        return None
    return Decimal(match.group(1)), match.start(1), match.end(1)


def replace_span(text: str, start: int, end: int, new: str) -> str:
    """text with text[start:end] replaced by new (used with find_total's span).

    >>> replace_span("自评得分: 98.54分", 6, 11, "98.55")
    '自评得分: 98.55分'
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} is outside a text of length {len(text)}")
    return text[:start] + new + text[end:]


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One 年初目标值 or 实际完成值 as understood by parse_value.

    kind: 'number' | 'range' | 'deadline' | 'ordinal' | 'qualitative' | 'empty' | 'unknown'
    direction: 'positive' (more is better), 'negative' (less is better), 'range', 'deadline',
               'qualitative', or None (empty/unknown).
    number: the quantity in base units (亿 and 万 multiplied out; percentages in percent points);
            None for ranges (see low/high), deadlines, ordinals and words.
    unit: the unit without its multiplier ('元', '家', '%', '人次/年'); for ordinals the scale
          ('星', 'A', '等', '级', '档', '甲').
    scale: the multiplier that was written (万 -> 10000), so a bare number on the other side can be
           read in the same written unit ('280亿元' against '353.69').
    picked: the number was picked out of a longer text ('100%' out of '100%，0投诉'); messages say so.
    """

    text: str
    kind: str
    direction: str | None = None
    number: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str = ""
    approx: bool = False
    date: datetime.date | None = None
    rank: int | None = None
    scale: Decimal = ONE
    picked: bool = False


_MULTIPLIERS = {"百万": Decimal(10**6), "千万": Decimal(10**7), "十万": Decimal(10**5), "万": Decimal(10**4),
                "亿": Decimal(10**8), "千": Decimal(10**3)}
# '千克', '千米', '千瓦' are units, not thousands of 克/米/瓦.
_KILO_UNITS = ("克", "米", "瓦", "帕", "卡", "焦", "伏", "赫", "字节")

_POS_PREFIX = ("大于等于", "不低于", "不少于", "不小于", "至少", "达到", "大于", "高于", "超过", "多于", "≥", ">")
_NEG_PREFIX = ("小于等于", "不超过", "不高于", "不多于", "不大于", "控制在", "低于", "少于", "小于", "≤", "<")
_POS_SUFFIX = ("及以上", "或以上", "以上")
_NEG_SUFFIX = ("及以下", "或以下", "以下", "以内", "之内", "内")
_APPROX_PREFIX = ("大约", "将近", "接近", "约", "近")
_APPROX_SUFFIX = ("左右", "上下")
_PERIOD_PREFIX = {"每年": "/年", "全年": "/年", "年均": "/年", "每月": "/月", "月均": "/月", "每季度": "/季度",
                  "每季": "/季", "每周": "/周", "每天": "/天", "每日": "/日"}
_PERIODS = ("/年", "/月", "/季度", "/季", "/周", "/天", "/日", "/学期", "/年度")

_UNIT = re.compile(r"[A-Za-z%‰°\u3400-\u9fff]{1,8}(?:/[A-Za-z\u3400-\u9fff]{1,4})?")
_QUANTITY = re.compile(rf"([+-]?)({_NUMBER})(百万|千万|十万|万|亿|千)?(余|多)?(.*)")


class _Qty(NamedTuple):
    number: Decimal
    unit: str
    scale: Decimal
    cmp: str | None  # 'positive' | 'negative' | None when no comparator was written
    approx: bool


@functools.lru_cache(maxsize=8192)
def _strip_affixes(s: str) -> tuple[str, str | None, bool, str] | None:
    """Peel comparators, 约/左右 and 每年 off a value: '约60家以上' -> ('60家', 'positive', True, '').

    Returns (core, comparator direction, approx, period suffix), or None for contradicting comparators.
    """
    cmp: str | None = None
    approx = False
    period = ""

    def set_cmp(direction: str) -> bool:
        nonlocal cmp
        if cmp is not None and cmp != direction:
            return False
        cmp = direction
        return True

    changed = True
    while changed and s:
        changed = False
        for words, direction in ((_POS_PREFIX, "positive"), (_NEG_PREFIX, "negative")):
            for word in words:
                if s.startswith(word):
                    if not set_cmp(direction):
                        return None
                    s, changed = s[len(word):], True
                    break
        for word in _APPROX_PREFIX:
            if s.startswith(word):
                s, approx, changed = s[len(word):], True, True
                break
        for word, suffix in _PERIOD_PREFIX.items():
            if s.startswith(word):
                s, period, changed = s[len(word):], suffix, True
                break
        if s.startswith("="):
            s, changed = s[1:], True
    changed = True
    while changed and s:
        changed = False
        for words, direction in ((_POS_SUFFIX, "positive"), (_NEG_SUFFIX, "negative")):
            for word in words:
                if s.endswith(word) and len(s) > len(word):
                    if not set_cmp(direction):
                        return None
                    s, changed = s[: -len(word)], True
                    break
        for word in _APPROX_SUFFIX:
            if s.endswith(word) and len(s) > len(word):
                s, approx, changed = s[: -len(word)], True, True
                break
    return s, cmp, approx, period


def _quantity(s: str, affixes: bool = True) -> _Qty | None:
    """A normalised text that is exactly one quantity: '≥1次/年', '353.69亿元', '95%以上', '约60家'."""
    cmp, approx, period = None, False, ""
    if affixes:
        stripped = _strip_affixes(s)
        if stripped is None:
            return None
        s, cmp, approx, period = stripped
    match = _QUANTITY.fullmatch(s)
    if not match:
        return None
    sign, digits, mult, more, unit = match.groups()
    if mult == "千" and unit.startswith(_KILO_UNITS):
        mult, unit = None, "千" + unit
    if unit and not _UNIT.fullmatch(unit):
        return None
    if period and "/" not in unit:
        unit += period
    scale = _MULTIPLIERS[mult] if mult else ONE
    number = _dec(digits) * scale
    return _Qty(-number if sign == "-" else number, unit, scale, cmp, approx or bool(more))


def _base_unit(unit: str) -> str:
    """The unit without a per-period suffix: '次/年' -> '次'."""
    if not unit.endswith(_PERIODS):  # most units: one test, not one per period
        return unit
    for period in _PERIODS:
        if unit.endswith(period):
            return unit[: -len(period)]
    return unit


# ---- dates ---------------------------------------------------------------------------------

_DEADLINE_PREFIX = ("不晚于", "不迟于", "截止到", "截至到", "截止", "截至", "于", "在")
_DEADLINE_SUFFIX = ("之前完成", "以前完成", "前完成", "之前", "以前", "前", "完成")
_YMD = re.compile(r"((?:19|20)[0-9]{2})(?:[./-]([0-9]{1,2})[./-]([0-9]{1,2})|年([0-9]{1,2})月([0-9]{1,2})[日号])")
_YM = re.compile(r"((?:19|20)[0-9]{2})(?:[./-]([0-9]{1,2})|年([0-9]{1,2})月(底|末|份)?)")
_Y = re.compile(r"((?:19|20)[0-9]{2})年(底|末|内)?")
_NO_YEAR = re.compile(r"[0-9]{1,2}月(?:[0-9]{1,2}[日号]|底|末|份|中旬|上旬|下旬)?|年底|年末|年中|上半年|下半年")


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _parse_date(s: str) -> tuple[str, datetime.date | None] | None:
    """'2021.11.30前' -> ('deadline', date(2021, 11, 30)); '11月底前' -> ('unknown', None); else None.

    A month without a day means the month's last day, a year alone (with 底/末/内) its 31 December.
    """
    marked = False
    for word in _DEADLINE_PREFIX:
        if s.startswith(word):
            s, marked = s[len(word):], True
            break
    for word in _DEADLINE_SUFFIX:
        if s.endswith(word) and len(s) > len(word):
            s, marked = s[: -len(word)], True
            break
    if match := _YMD.fullmatch(s):
        year, m1, d1, m2, d2 = match.groups()
        month, day = int(m1 or m2), int(d1 or d2)
        try:
            return "deadline", datetime.date(int(year), month, day)
        except ValueError:
            return "unknown", None
    if match := _YM.fullmatch(s):
        year, m1, m2, end = match.groups()
        if m1 and not marked:  # '2021.11' alone is more likely a number
            return None
        month = int(m1 or m2)
        return ("deadline", _month_end(int(year), month)) if 1 <= month <= 12 else ("unknown", None)
    if (match := _Y.fullmatch(s)) and (marked or match.group(2)):
        return "deadline", datetime.date(int(match.group(1)), 12, 31)
    if _NO_YEAR.fullmatch(s) and (marked or not re.fullmatch(r"[0-9]{1,2}月", s)):  # '12月' alone: a number
        return "unknown", None
    return None


# ---- ordinals ------------------------------------------------------------------------------

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ORDINAL = re.compile(r"([一二两三四五六七八九十]|[1-9]|10)(星级|星|等奖|等|级|档)(及以上|或以上|以上)?")
_A_GRADE = re.compile(r"(A{1,5}|[1-5]A)级?(?:景区)?(及以上|或以上|以上)?")
_JIA = re.compile(r"([甲乙丙丁])(?:级|等)?(及以上|或以上|以上)?")
_HIGHER_BETTER = {"星", "A"}  # 五星 > 三星, AAAAA > AAA
_LOWER_BETTER = {"等", "甲"}  # 一等奖 > 二等奖, 甲级 > 乙级
# '级' and '档' run either way (一级资质 is best, 三级医院 is best): only equal ranks are judged.


def _parse_ordinal(s: str) -> tuple[int, str] | None:
    """'三星及以上' -> (3, '星'); '四星' -> (4, '星'); 'AAA级' -> (3, 'A'); '一等奖' -> (1, '等')."""
    if match := _ORDINAL.fullmatch(s):
        n, scale = match.group(1), match.group(2)
        rank = _CN_DIGITS[n] if n in _CN_DIGITS else int(n)
        return rank, {"星级": "星", "等奖": "等"}.get(scale, scale)
    if match := _A_GRADE.fullmatch(s):
        a = match.group(1)
        return (int(a[0]) if a[0].isdigit() else len(a)), "A"
    if match := _JIA.fullmatch(s):
        return "甲乙丙丁".index(match.group(1)) + 1, "甲"
    return None


# ---- words ---------------------------------------------------------------------------------

_YES_EXACT = {"是", "优", "良", "好", "已", "有"}
_NO_EXACT = {"否", "差", "没有", "未", "不"}
_NO_WORDS = ("未完成", "未达", "未实现", "未按", "未能", "未及时", "未通过", "未落实", "未到位", "未开展", "未启动",
             "尚未", "没有完成", "没完成", "不合格", "不达标", "不及时", "不满意", "不到位", "不及格", "无效", "无法",
             "部分", "基本", "较差", "滞后", "延期", "延迟", "推迟", "逾期", "超期", "失败")
_ABSENCE = ("未发生", "没有发生", "未出现", "杜绝")
_YES_WORDS = ("完成", "有效", "优化", "达标", "达到", "合格", "良好", "优秀", "按时", "及时", "显著", "提升", "提高",
              "明显", "满意", "实现", "达成", "符合", "落实", "改善", "增强", "规范", "到位", "如期", "按期", "通过",
              "较好", "稳定", "正常", "保障", "加强", "推进", "促进", "健全", "完善", "安全", "顺利", "圆满", "提前")
_ON_TIME = ("按时", "如期", "按期", "及时", "提前")
_GRADES = {"优秀": 4, "优": 4, "良好": 3, "良": 3, "中等": 2, "中": 2, "合格": 2, "及格": 2,
           "不合格": 0, "不及格": 0, "较差": 0, "差": 0}
_PUNCT = re.compile(r"[，,。；;、：:！!？?“”\"‘’'()\[\]【】《》「」]")


@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """What two texts are compared on: normalised, without whitespace and punctuation."""
    return _PUNCT.sub("", _norm(text)).lower()


def _polarity(s: str) -> str | None:
    """'yes' for an achieved word ('完成', '有效', '零事故'), 'no' for a negation ('未完成',
    '部分完成', '否'), None for anything else. s is normalised and has no digits."""
    if s in _YES_EXACT:
        return "yes"
    if s in _NO_EXACT:
        return "no"
    if any(w in s for w in _ABSENCE):  # '未发生安全事故'
        return "yes"
    if any(w in s for w in _NO_WORDS):
        return "no"
    if s.startswith(("零", "无")) or any(w in s for w in _YES_WORDS):  # '零事故', '无投诉', '有效'
        return "yes"
    return None


# ---- parse_value ---------------------------------------------------------------------------

_NOT_IN_PREFIX = set("未不无没非否差第前后排名降减少增加提升上下超低高约近逾")
_PREFIXED = re.compile(r"([^0-9.%+\-~,;]+?)([0-9].*)")
_SEPARATORS = re.compile(r"[,;、(]")


def _text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _plain(value) if value.is_finite() else str(value)
    return str(value)


def _number_value(text: str, q: _Qty, picked: bool = False) -> Value:
    return Value(text=text, kind="number", direction=q.cmp or "positive", number=q.number, unit=q.unit,
                 approx=q.approx, scale=q.scale, picked=picked)


def _range(s: str, text: str) -> Value | None:
    """'2-3人/年', '5-7个', '2~4', '1至2万元', '5%-7%' (s normalised) -> a range Value, or None."""
    parts = re.fullmatch(r"([^~至到-]+)(?:-|~|至|到)([^~至到-]+)", s)
    if not parts:
        return None
    high = _quantity(parts.group(2), affixes=False)
    if high is None:
        return None
    approx = False
    low_text = parts.group(1)
    for word in _APPROX_PREFIX:
        if low_text.startswith(word):
            low_text, approx = low_text[len(word):], True
            break
    low = _quantity(low_text, affixes=False)
    if low is None:
        return None
    if not low.unit and low.scale == ONE:  # '1-2万元': the 1 is in 万元 too
        low = _Qty(low.number * high.scale, high.unit, high.scale, None, False)
    elif _base_unit(low.unit or high.unit) != _base_unit(high.unit) or low.scale != high.scale:
        return None
    if low.number > high.number:
        return None
    return Value(text=text, kind="range", direction="range", low=low.number, high=high.number, unit=high.unit,
                 approx=approx or high.approx, scale=high.scale)


def _parse(value) -> Value:
    if value is None:
        return Value(text="", kind="empty")
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return Value(text=value.isoformat(), kind="deadline", direction="deadline", date=value)
    text = _text_of(value)
    if isinstance(value, bool) or not isinstance(value, (str, Decimal, int, float)):
        return Value(text=text, kind="unknown")
    if not isinstance(value, str):
        number = to_decimal(value)
        if number is None:
            return Value(text=text, kind="unknown")
        return Value(text=text, kind="number", direction="positive", number=number, picked=not _is_quantity(text))

    s = _norm(text).rstrip("。,;、")  # as _is_quantity reads it
    if says_nothing(s):
        return Value(text=text, kind="empty")
    if dated := _parse_date(s):
        kind, date = dated
        return Value(text=text, kind=kind, direction="deadline" if date else None, date=date)
    if ordinal := _parse_ordinal(s):
        return Value(text=text, kind="ordinal", direction="positive", rank=ordinal[0], unit=ordinal[1])
    if (q := _quantity(s)) is not None:
        return _number_value(text, q)
    if (r := _range(s, text)) is not None:
        return r
    # '100%，0投诉': the leading quantity, when it carries a unit.
    if (sep := _SEPARATORS.search(s)) and sep.start() > 0:
        q = _quantity(s[: sep.start()])
        if q is not None and q.unit:
            return _number_value(text, q, picked=True)
    # '预备党员转正2人': a count after a few plain words.
    if match := _PREFIXED.fullmatch(s):
        prefix, rest = match.groups()
        q = _quantity(rest, affixes=False)
        if (q is not None and q.unit not in ("%", "‰") and not _NOT_IN_PREFIX & set(prefix)
                and all("\u3400" <= ch <= "\u9fff" for ch in prefix)):
            return _number_value(text, q, picked=True)
    if not re.search(r"[0-9]", s) and _polarity(s) is not None:
        return Value(text=text, kind="qualitative", direction="qualitative")
    return Value(text=text, kind="unknown")


def parse_value(text) -> Value:
    """Read a 年初目标值 or 实际完成值 cell. Never raises: what is not understood is kind 'unknown'.

    >>> v = parse_value("≥90%")
    >>> v.kind, v.direction, v.number, v.unit
    ('number', 'positive', Decimal('90'), '%')
    >>> v = parse_value("353.69亿元")
    >>> v.number, v.unit, v.scale
    (Decimal('35369000000.00'), '元', Decimal('100000000'))
    >>> v = parse_value("2-3人/年")
    >>> v.kind, v.low, v.high, v.unit
    ('range', Decimal('2'), Decimal('3'), '人/年')
    >>> parse_value("2021.11.30前").date, parse_value("三星及以上").rank, parse_value("有效").kind
    (datetime.date(2021, 11, 30), 3, 'qualitative')
    """
    return _parse_text(text) if isinstance(text, str) else _parse_safely(text)


@functools.lru_cache(maxsize=4096)
def _parse_text(text: str) -> Value:
    """parse_value for text, remembered: forms repeat the same values ('100%', '1个') many times."""
    return _parse_safely(text)


def _parse_safely(text) -> Value:
    try:
        return _parse(text)
    except Exception:  # a safety net: a checker must not stop on one odd cell
        try:
            shown = _text_of(text)
        except Exception:
            shown = ""
        return Value(text=shown, kind="unknown")


# --------------------------------------------------------------------------------------------
# Assessment
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, init=False)
class Assessment:
    """How far an actual value meets its target.

    status: 'met' | 'short' | 'unknown'
    ratio: the share of the weight earned, 0..1 (1 when met); None when unknown, and when short but
           not computable by arithmetic (qualitative, ordinal, deadline).
    explanation: the arithmetic or the reason, in Chinese.
    negative: the ratio is target/actual (a negative indicator: less is better), for profiles that
              score a missed negative target another way.
    """

    status: str
    ratio: Decimal | None
    explanation: str
    negative: bool = field(default=False, repr=False)

    def __init__(self, status: str, ratio: Decimal | None, explanation: str, negative: bool = False):
        # One per indicator row: the fields go straight into the instance's dict (as model.SourceCell's do),
        # where the frozen dataclass's own __init__ would set each through object.__setattr__. Still frozen.
        fields = self.__dict__
        fields["status"] = status
        fields["ratio"] = ratio
        fields["explanation"] = explanation
        fields["negative"] = negative


_COUNTS = {"个", "家", "项", "场", "场次", "次", "份", "篇", "条", "户", "件", "处", "所", "座", "套", "台", "本",
           "册", "期", "批", "张", "部", "类", "种", "门", "支", "辆", "间", "栋", "块", "宗", "单", "场馆"}
_SYNONYMS = ({"场", "场次"}, {"人", "名", "位"}, {"天", "日"}, {"月", "个月"}, {"年", "个年度"})


def _same_kind(a: str, b: str) -> bool:
    """Units that count the same thing: '家'/'家', '场'/'场次', '个'/'家' (个 counts anything)."""
    if a == b or any(a in group and b in group for group in _SYNONYMS):
        return True
    return "个" in (a, b) and a in _COUNTS and b in _COUNTS


def _shown(value: Value) -> str:
    return " ".join(value.text.split())


def _ratio_text(ratio: Decimal) -> str:
    rounded = round_half_up(ratio, 4)
    return f"= {fmt(ratio, 4)}" if rounded == ratio else f"≈ {fmt(ratio, 4)}"


def _is_quantity(text: str) -> bool:
    """Whether a text is exactly one quantity (read as parse_value reads it): '≥95%' yes, '100%，0投诉' no."""
    return _quantity(_norm(text).rstrip("。,;、")) is not None


def _qty_shown(value: Value) -> str:
    """The actual as written, or the number picked out of a longer text: '100%（取自“100%，0投诉”）'."""
    shown = _shown(value)
    if value.number is None or not value.picked:
        return shown
    return f"{_plain(value.number / value.scale)}{value.unit}（取自“{shown}”）"


def _has_comparator(text: str) -> bool:
    stripped = _strip_affixes(_norm(text))
    return stripped is None or stripped[1] is not None


def _met(explanation: str) -> Assessment:
    return Assessment("met", ONE, explanation)


def _unknown(explanation: str) -> Assessment:
    return Assessment("unknown", None, explanation)


def _factors(target: Value, actual: Value) -> tuple[Decimal, Decimal, str] | Assessment:
    """How to bring target and actual to the same units: (target factor, actual factor, note).

    Units must count the same kind of thing; a unit written on one side only is taken for both,
    with its multiplier ('280亿元' against '353.69' compares 353.69亿元), except that a bare
    number of at most 1 against a percentage is ambiguous (0.97 or 0.97%?) and gives 'unknown'.
    """
    tu, au = _base_unit(target.unit), _base_unit(actual.unit)
    if tu and au:
        if not _same_kind(tu, au):
            return _unknown(f"单位不同：目标“{_shown(target)}”是{tu}，实际“{_shown(actual)}”是{au}，无法比较")
        return ONE, ONE, "" if tu == au else f"（{tu}与{au}按同一计数比较）"
    if not tu and not au:
        return ONE, ONE, ""
    t = target.number if target.number is not None else target.low
    if (tu == "%" and abs(actual.number) <= 1 < abs(t)) or (au == "%" and abs(t) <= 1 < abs(actual.number)):
        bare, percent = (actual, target) if tu == "%" else (target, actual)
        return _unknown(f"“{_shown(bare)}”没有写%，不能确定是比例还是百分数，无法与“{_shown(percent)}”比较")
    if tu and actual.scale == ONE:
        return ONE, target.scale, f"（实际值未写单位，按{_scaled_unit(target)}理解）"
    if au and target.scale == ONE:
        return actual.scale, ONE, f"（目标值未写单位，按{_scaled_unit(actual)}理解）"
    return ONE, ONE, "（单位只写在一侧）"


_MULTIPLIER_NAMES = {v: k for k, v in _MULTIPLIERS.items()}  # 10000 -> '万'


def _scaled_unit(value: Value) -> str:
    return _MULTIPLIER_NAMES.get(value.scale, "") + _base_unit(value.unit)


def _assess_number(target: Value, actual: Value, negative: bool) -> Assessment:
    found = _factors(target, actual)
    if isinstance(found, Assessment):
        return found
    tf, af, note = found
    t, a = target.number * tf, actual.number * af
    T, A = _shown(target), _qty_shown(actual)
    if negative:
        if a <= t:
            return _met(f"实际 {A} 不超过目标 {T}，已完成（反向指标）{note}")
        if t < 0:
            return Assessment("short", None, f"实际 {A} 超过目标 {T}；目标为负数，无法按比例计分{note}")
        ratio = t / a
        return Assessment("short", ratio, f"目标 {T} / 实际 {A} {_ratio_text(ratio)}（反向指标）{note}", negative=True)
    if a >= t:
        return _met(f"实际 {A} 达到目标 {T}，已完成{note}")
    if t <= 0:
        return Assessment("short", None, f"实际 {A} 低于目标 {T}；目标不是正数，无法按比例计分{note}")
    ratio = max(Decimal(0), a / t)
    return Assessment("short", ratio, f"实际 {A} / 目标 {T} {_ratio_text(ratio)}{note}")


def _assess_range(target: Value, actual: Value, negative: bool) -> Assessment:
    found = _factors(target, actual)
    if isinstance(found, Assessment):
        return found
    tf, af, note = found
    low, high, a = target.low * tf, target.high * tf, actual.number * af
    T, A = _shown(target), _qty_shown(actual)
    if negative:
        if a <= high:
            return _met(f"实际 {A} 不超过区间上限（目标 {T}），已完成（反向指标）{note}")
        ratio = max(Decimal(0), high / a)
        return Assessment("short", ratio, f"区间上限 {_plain(target.high / target.scale)} / 实际 {A} "
                                          f"{_ratio_text(ratio)}（目标 {T}，反向指标）{note}", negative=True)
    if a >= low:
        beyond = "，超过区间上限" if a > high else ""
        return _met(f"实际 {A} 达到区间下限（目标 {T}）{beyond}，已完成{note}")
    if low <= 0:
        return Assessment("short", None, f"实际 {A} 低于目标 {T}；下限不是正数，无法按比例计分{note}")
    ratio = max(Decimal(0), a / low)
    return Assessment("short", ratio, f"实际 {A} / 区间下限 {_plain(target.low / target.scale)} "
                                      f"{_ratio_text(ratio)}（目标 {T}）{note}")


def _assess_deadline(target: Value, actual: Value) -> Assessment:
    T, A = _shown(target), _shown(actual)
    if target.date is None:
        return _unknown(f"目标“{T}”没有写明年份或日期，无法判断是否按期")
    if actual.date is not None:
        if actual.date < target.date:
            return _met(f"实际 {actual.date.isoformat()} 早于期限 {target.date.isoformat()}，已完成")
        if actual.date == target.date:
            return _met(f"实际 {actual.date.isoformat()} 未晚于期限 {target.date.isoformat()}，已完成")
        return Assessment("short", None, f"实际 {actual.date.isoformat()} 晚于期限 {target.date.isoformat()}，"
                                         "未按期完成；时效指标不能按比例计分，只能按档次评分")
    if actual.kind == "qualitative":
        s = _norm(actual.text)
        if _polarity(s) == "no":
            return Assessment("short", None, f"实际“{A}”表示未按期完成（期限 {target.date.isoformat()}）；"
                                             "时效指标不能按比例计分，只能按档次评分")
        if any(word in s for word in _ON_TIME):
            return _met(f"实际“{A}”表示已按期完成（期限 {target.date.isoformat()}）")
    return _unknown(f"实际“{A}”没有写明完成日期，无法与期限 {target.date.isoformat()}（目标“{T}”）比较")


def _assess_ordinal(target: Value, actual: Value) -> Assessment:
    T, A = _shown(target), _shown(actual)
    if actual.kind != "ordinal" or actual.unit != target.unit or actual.rank is None or target.rank is None:
        return _unknown(f"实际“{A}”与目标“{T}”不是同一种等级，无法比较")
    if actual.rank == target.rank:
        return _met(f"实际 {A} 与目标 {T} 同级，已达成")
    if target.unit in _HIGHER_BETTER:
        better = actual.rank > target.rank
    elif target.unit in _LOWER_BETTER:
        better = actual.rank < target.rank
    else:
        return _unknown(f"“{target.unit}”的高低方向不明，无法判断实际 {A} 是否达到目标 {T}")
    if better:
        return _met(f"实际 {A} 高于目标 {T}，已达成")
    return Assessment("short", None, f"实际 {A} 低于目标 {T}，未达成；等级指标按档次评分，不能按比例计算")


def _assess_words(target: Value, actual: Value) -> Assessment:
    T, A = _shown(target), _shown(actual)
    t, a = _key(target.text), _key(actual.text)
    if t in _GRADES and a in _GRADES:
        if _GRADES[a] >= _GRADES[t]:
            return _met(f"实际“{A}”不低于目标“{T}”，已达成（定性指标）")
        return Assessment("short", None, f"实际“{A}”低于目标“{T}”；定性指标按档次评分"
                                         "（达成 100–80%，部分达成 80–50%，未达成 50–0%），不能按比例计算")
    if actual.kind != "qualitative" or _polarity(t) != "yes":
        return _unknown(f"无法判断实际“{A}”是否达到目标“{T}”")
    if _polarity(a) == "yes":
        return _met(f"实际“{A}”表示已达成目标“{T}”（定性指标）")
    return Assessment("short", None, f"实际“{A}”表示未达成或部分达成目标“{T}”；定性指标按档次评分"
                                     "（达成 100–80%，部分达成 80–50%，未达成 50–0%），不能按比例计算")


def _assess(target: Value, actual: Value, negative_hint: bool) -> Assessment:
    # the values as shown (_shown) are worked out where an explanation uses them, not for every pair
    if target.kind == "empty":
        return _unknown("年初目标值为空，无法判断")
    if actual.kind == "empty":
        return _unknown(f"实际完成值为空，无法判断是否达到目标“{_shown(target)}”")
    if target.kind == "unknown":
        return _unknown(f"无法理解目标值“{_shown(target)}”，不能判断")
    if _key(target.text) == _key(actual.text):
        return _met(f"实际“{_shown(actual)}”与目标相同，已达成")
    if target.kind == "deadline":
        return _assess_deadline(target, actual)
    if target.kind == "ordinal":
        return _assess_ordinal(target, actual)
    if target.kind == "qualitative":
        return _assess_words(target, actual)
    if actual.kind != "number" or actual.number is None:
        return _unknown(f"实际“{_shown(actual)}”不是一个数量，无法与目标 {_shown(target)} 比较")
    plain = not _has_comparator(target.text)
    if target.kind == "range":
        return _assess_range(target, actual, negative_hint and plain)
    if target.number is None:
        return _unknown(f"无法理解目标值“{_shown(target)}”，不能判断")
    negative = target.direction == "negative" or (plain and (negative_hint or target.number == 0))
    return _assess_number(target, actual, negative)


def assess(target: Value, actual: Value, negative_hint: bool = False) -> Assessment:
    """Compare an actual value with its target (forms.md §4 rules 2 and 3). Never raises.

    negative_hint: treat a plain amount as 'less is better' (成本指标); an explicit '≥' still wins.
    target and actual may also be raw cell values; they are then read with parse_value.

    >>> assess(parse_value("2场次"), parse_value("1场次"))
    Assessment(status='short', ratio=Decimal('0.5'), explanation='实际 1场次 / 目标 2场次 = 0.5')
    >>> assess(parse_value("5-7个"), parse_value("8个")).status
    'met'
    >>> assess(parse_value("2021.11.30前"), parse_value("2021.11.1前")).explanation
    '实际 2021-11-01 早于期限 2021-11-30，已完成'
    >>> assess(parse_value("100万元"), parse_value("80万元"), negative_hint=True).status
    'met'
    """
    try:
        target = target if isinstance(target, Value) else parse_value(target)
        actual = actual if isinstance(actual, Value) else parse_value(actual)
        return _assess(target, actual, negative_hint)
    except Exception as exc:  # a safety net: report, don't stop
        return _unknown(f"无法比较目标与实际值（{type(exc).__name__}）")
