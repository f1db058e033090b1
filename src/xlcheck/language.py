"""The forms' own language, where more than one part of xlcheck must read it the same way.

A cell that "says nothing" — left blank, or filled with a word or a sign that means nothing to
report — is read the same everywhere: an amount written '—' is no amount (reader), an actual value
'暂无' is not a value (values), and a 偏差原因 '无。' is no explanation (XC103, XC306, XC309).

>>> [says_nothing(t) for t in ("", " 无。", "——", "/", "暂无", "不适用", "……", "N/A", "无偏差原因", "0")]
[True, True, True, True, True, True, True, True, False, False]

Points and split targets are read here too:

    >>> points_in("预算执行情况(万元)(20分)"), points_in("年度绩效目标1（40分）"), points_in("产出指标")
    (Decimal('20'), Decimal('40'), None)
    >>> target_text("≧", "95", "%"), target_text("定性", "有效", ""), target_text("﹦", "1", "个")
    ('≥95%', '有效', '1个')
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# The words (compared after NFKC, without white space, in lower case, trailing 。.,; dropped).
NOTHING_WORDS = frozenset({"无", "暂无", "不适用", "n/a", "na"})
# A text made only of these signs says nothing: —, ——, -, /, \, ……, ..., ·
NOTHING_SIGNS = frozenset("-—–―－/\\…·.")
_SPACE = re.compile(r"\s+")


def says_nothing(text: object) -> bool:
    """Whether a cell's text is empty or one of the words and signs that mean "nothing here":
    无, 无。, ——, —, /, 暂无, 不适用, ……, blank (and the variants -, --, \\, ..., N/A)."""
    if text is None or text == "":  # the usual blank, without folding it
        return True
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", str(text))).lower()
    folded = folded.rstrip("。.,，;；、")
    return not folded or folded in NOTHING_WORDS or set(folded) <= NOTHING_SIGNS


# '（40分）', '(20分)', '(20 分)' in a label; the last one written counts ('产出指标(50分)').
POINTS = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")

# The sign column (指标性质) of a split target, every spelling seen on published forms -> one sign.
SIGNS = {
    "≥": "≥", "≧": "≥", "＞": ">", ">": ">", ">=": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥",
    "≤": "≤", "≦": "≤", "＜": "<", "<": "<", "<=": "≤", "小于等于": "≤", "不高于": "≤", "不超过": "≤",
    "=": "=", "＝": "=", "═": "=", "﹦": "=", "等于": "=",
}
QUALITATIVE = ("定性",)  # a split target whose 指标性质 says the value is a word, not a number



def points_in(label: str) -> Decimal | None:
    """The points written in a label: '预算执行情况(万元)(20分)' -> 20, '年度绩效目标1（40分）' -> 40."""
    found = POINTS.findall(label)
    return Decimal(found[-1]) if found else None


def strip_points(label: str) -> str:
    """A label without its points: '产出指标（50分）' -> '产出指标'."""
    return POINTS.sub("", label).strip()


def is_blank(text: str) -> bool:
    """A cell that says nothing (says_nothing): empty, '无', dashes, dots."""
    return says_nothing(text)


def sign_of(text: str) -> str | None:
    """The sign a 指标性质 cell writes ('≧' -> '≥', '＜' -> '<'), '' for 定性, None when it is no sign."""
    text = unicodedata.normalize("NFKC", text).strip() if text not in SIGNS else text
    if text in SIGNS:
        return SIGNS[text]
    if text.startswith(QUALITATIVE) or not text:
        return ""
    return None


def target_text(sign: str, value: str, unit: str) -> str:
    """One target from a split target's three cells: ('≧', '95', '%') -> '≥95%'; ('定性', '有效', '') -> '有效'.

    A sign that is not a sign is kept as written in front of the value, so the rules can say they could
    not understand it rather than read a different target.
    """
    value, unit = value.strip(), unit.strip()
    if is_blank(value):
        return ""
    shown = sign_of(sign)
    prefix = sign.strip() if shown is None else shown.strip("=")  # '=1个' is the plain amount '1个'
    if unit and value.endswith(unit):
        unit = ""
    return f"{prefix}{value}{unit}"


# The grade written beside a total, and the band of points each one means (财预〔2020〕10号: 90 and above
# 优, 80–90 良, 60–80 中, below 60 差). Spellings fold to one grade: 优秀 -> 优, 良好 -> 良, 较差 -> 差.
GRADE_BANDS = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))
GRADE_WORDS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "中等": "中", "一般": "中",
               "差": "差", "较差": "差"}
_GRADE = re.compile(r"(?:自评|评价|绩效)?等级[:：]?\s*(优秀|良好|中等|一般|较差|优|良|中|差)")


def grade_of(text: str) -> str | None:
    """The grade a cell writes: '优' -> '优', '良好' -> '良', '自评等级：中' -> '中'; None for anything else."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if folded in GRADE_WORDS:
        return GRADE_WORDS[folded]
    match = _GRADE.search(folded)
    return GRADE_WORDS[match.group(1)] if match else None


def grade_for(total: Decimal) -> str:
    """The grade of a total: 98.54 -> '优', 85 -> '良', 60 -> '中', 59.99 -> '差'."""
    return next(grade for floor, grade in GRADE_BANDS if total >= floor)
