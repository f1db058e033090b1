"""The forms' own language, where more than one part of xlcheck must read it the same way.

A cell that "says nothing" — left blank, or filled with a word or a sign that means nothing to
report — is read the same everywhere: an amount written '—' is no amount (reader), an actual value
'暂无' is not a value (values), and a 偏差原因 '无。' is no explanation (XC103, XC306, XC309).

>>> [says_nothing(t) for t in ("", " 无。", "——", "/", "暂无", "不适用", "……", "N/A", "无偏差原因", "0")]
[True, True, True, True, True, True, True, True, False, False]
"""

from __future__ import annotations

import re
import unicodedata

# The words (compared after NFKC, without white space, in lower case, trailing 。.,; dropped).
NOTHING_WORDS = frozenset({"无", "暂无", "不适用", "n/a", "na"})
# A text made only of these signs says nothing: —, ——, -, /, \, ……, ..., ·
NOTHING_SIGNS = frozenset("-—–―－/\\…·.")
_SPACE = re.compile(r"\s+")


def says_nothing(text: object) -> bool:
    """Whether a cell's text is empty or one of the words and signs that mean "nothing here":
    无, 无。, ——, —, /, 暂无, 不适用, ……, blank (and the variants -, --, \\, ..., N/A)."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", "" if text is None else str(text))).lower()
    folded = folded.rstrip("。.,，;；、")
    return not folded or folded in NOTHING_WORDS or set(folded) <= NOTHING_SIGNS
