"""Rule profiles: what differs between regions, as small TOML files rather than code.

A profile holds the point split (budget / goal / indicators: 20/20/60 in Hubei, 10/0/90 in the
Ministry of Finance template), which budget figure divides the spending, the rounding (half-up or
truncate), the qualitative tiers (80/50 or 80/60), the formula for a negative indicator that missed
its target, and the execution rate below which an explanation is required.

Two profiles ship in src/xlcheck/profiles/: `hubei` (the Hubei project form and the department form)
and `national` (the 2020 national template). Each form gets the shipped profile whose `layouts` list
names the form's layout; `--profile NAME|FILE` replaces it for every form. Points a form writes
itself (a '(20分)' label, a 分值 cell) still win over the profile's defaults.

    >>> p = load_profile("national")
    >>> p.budget_points, p.indicator_points, p.round(Decimal("9.5213"))
    (Decimal('10'), Decimal('90'), Decimal('9.52'))

Every key is required and checked, except those of OPTIONAL (weights.percent, default "auto"); a wrong
one is a ProfileError naming the key and the file.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from importlib import resources
from pathlib import Path

from .layouts import SPECS, spec_named
from .package import WorkbookError
from .values import round_half_up

DENOMINATORS = {"full_year": "全年预算数", "initial": "年初预算数"}
ROUNDINGS = {"half_up": "四舍五入", "truncate": "截尾"}
NEGATIVE_FORMULAS = {"target_over_actual": "分值 × 目标/实际", "deviation": "分值 × (1 − (实际 − 目标)/目标)"}
PERCENT_WEIGHTS = {"auto": "自动（按满分 100 分读；某部分的百分比权重合计 100% 而该部分不是 100 分时，按该部分分值的比例读）",
                   "of_100": "按满分 100 分读（10% 读作 10 分）", "of_section": "按所在指标部分的分值读（90 分的 10% 读作 9 分）"}
KEYS = {
    "": ("name", "title", "layouts", "points", "budget", "rounding", "qualitative", "negative"),
    "points": ("budget", "goal", "indicators"),
    "budget": ("denominator", "explain_below"),
    "rounding": ("mode",),
    "qualitative": ("tiers",),
    "negative": ("formula", "level2"),
}
OPTIONAL = {"weights": {"percent": "auto"}}  # keys a profile may leave out, with their defaults


class ProfileError(WorkbookError):
    """A profile that cannot be used: unknown name, not TOML, or a key missing, unknown or wrong."""

    def __init__(self, source: str, key: str, chinese: str, english: str):
        where = f"规则配置 {source}" + (f" 中的 {key} " if key else " ")
        super().__init__("bad_profile", f"{where}有误：{chinese}。 (bad profile {source}{': ' + key if key else ''}: {english})")
        self.key = key


@dataclass(frozen=True)
class Profile:
    """One region's arithmetic. Numbers are Decimal; tiers are (achieved from, partly achieved from)."""

    name: str
    title: str
    source: str
    layouts: tuple[str, ...]
    budget_points: Decimal
    goal_points: Decimal
    indicator_points: Decimal
    denominator: str
    explain_below: Decimal
    rounding: str
    tiers: tuple[Decimal, Decimal]
    negative_formula: str
    negative_level2: tuple[str, ...]
    percent_weights: str = "auto"  # a weight written '10%': 'of_100' 10 points, 'of_section' 10% of its table's points,
    # 'auto' 10 points unless its table's percentages add up to 100% while the table is not worth 100

    def round(self, x: Decimal, places: int = 2) -> Decimal:
        """The profile's rounding to `places` decimals: half-up 19.965 -> 19.97, truncate 19.965 -> 19.96."""
        if self.rounding == "truncate":
            return Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
        return round_half_up(x, places)

    def negative_share(self, target_over_actual: Decimal) -> Decimal:
        """The share of the weight a negative indicator earns when it overshot its target.

        target_over_actual: ≤150元 against 160元 -> 0.9375 (that is also the share); with the
        'deviation' formula 1 − (160 − 150)/150 = 2 − 1/0.9375 = 0.9333, never below 0.
        """
        if self.negative_formula == "deviation":
            return max(Decimal(0), 2 - 1 / target_over_actual) if target_over_actual > 0 else Decimal(0)
        return target_over_actual

    @property
    def tier_text(self) -> str:
        """'达成 100–80%，部分达成 80–50%，未达成 50–0%' for tiers (0.8, 0.5)."""
        high, low = (_percent(t) for t in self.tiers)
        return f"达成 100–{high}%，部分达成 {high}–{low}%，未达成 {low}–0%"


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _shown(value) -> str:
    """A TOML value as it was written: [0.5, 0.8], "全年", 20."""
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, Decimal):
        return _plain(value)
    return str(value)


def _percent(share: Decimal) -> str:
    return _plain(share * 100)


def shipped() -> list[str]:
    """The names of the profiles that ship with xlcheck: ['hubei', 'national']."""
    return list(_shipped_names())


@functools.lru_cache(maxsize=None)
def _shipped_names() -> tuple[str, ...]:
    folder = resources.files("xlcheck") / "profiles"
    return tuple(sorted(item.name[:-5] for item in folder.iterdir() if item.name.endswith(".toml")))


@functools.lru_cache(maxsize=None)
def _load_shipped(name: str) -> Profile:
    text = (resources.files("xlcheck") / "profiles" / f"{name}.toml").read_text(encoding="utf-8")
    return parse_profile(text, f"{name}.toml")


def load_profile(spec: str | Path) -> Profile:
    """A shipped profile by name ('hubei', 'national') or a profile file ('sichuan.toml', a path)."""
    text_spec = str(spec)
    if text_spec in shipped():
        return _load_shipped(text_spec)
    path = Path(spec)
    if path.suffix.lower() != ".toml" and not path.exists():
        raise ProfileError(text_spec, "", f"没有名为“{text_spec}”的规则配置；可用：{'、'.join(shipped())}，或给出 .toml 文件的路径",
                           f"no profile named {text_spec!r}; shipped: {', '.join(shipped())}, or give a .toml file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(path.name, "", f"无法读取该文件（{type(exc).__name__}）", f"cannot read the file ({type(exc).__name__})") from None
    return parse_profile(text, str(path))


def profile_for(layout: str) -> Profile:
    """The shipped profile for a form's layout: the one whose `layouts` names it, else the one its layout
    spec names ('hubei' and 'department' -> hubei, 'national' -> national)."""
    for name in shipped():
        profile = _load_shipped(name)
        if layout in profile.layouts:
            return profile
    spec = spec_named(layout)
    return _load_shipped(spec.profile if spec is not None and spec.profile in shipped() else "hubei")


def resolve_profile(spec: str | Path | Profile | None) -> Profile | None:
    """None (choose per form), a Profile as it is, or a name or file loaded with load_profile."""
    if spec is None or isinstance(spec, Profile):
        return spec
    return load_profile(spec)


def parse_profile(text: str, source: str) -> Profile:
    """Read and check a profile's TOML text; `source` names it in error messages."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, "", f"不是有效的 TOML（{exc}）", f"not valid TOML ({exc})") from None
    check = _Checker(data, source)
    points = [check.number("points", key, Decimal(0), Decimal(100)) for key in ("budget", "goal", "indicators")]
    if sum(points) != 100:
        raise ProfileError(source, "points", f"budget + goal + indicators = {' + '.join(_plain(p) for p in points)} = {_plain(sum(points))}，应为 100",
                           "budget + goal + indicators must add up to 100")
    tiers = check.tiers()
    return Profile(
        name=check.text("", "name"),
        title=check.text("", "title"),
        source=source,
        layouts=check.layouts(),
        budget_points=points[0],
        goal_points=points[1],
        indicator_points=points[2],
        denominator=check.choice("budget", "denominator", DENOMINATORS),
        explain_below=check.number("budget", "explain_below", Decimal(0), Decimal(1)),
        rounding=check.choice("rounding", "mode", ROUNDINGS),
        tiers=tiers,
        negative_formula=check.choice("negative", "formula", NEGATIVE_FORMULAS),
        negative_level2=check.texts("negative", "level2"),
        percent_weights=check.choice("weights", "percent", PERCENT_WEIGHTS),
    )


class _Checker:
    """Reads the keys of a parsed profile, each with a message naming the key when it is wrong."""

    def __init__(self, data: dict, source: str):
        self.data = data
        self.source = source
        for section, defaults in OPTIONAL.items():
            table = data.setdefault(section, {})
            if not isinstance(table, dict):
                self.fail(section, "应为一个表（[section]）", "must be a table")
            for key in table:
                if key not in defaults:
                    self.fail(self.name(section, key), f"不是可用的配置项（可用：{'、'.join(defaults)}）",
                              f"unknown key; expected one of {', '.join(defaults)}")
            for key, default in defaults.items():
                table.setdefault(key, default)
        for section, keys in KEYS.items():
            table = data if not section else self.value("", section)
            if not isinstance(table, dict):
                self.fail(section, "应为一个表（[section]）", "must be a table")
            for key in table:
                if key not in keys and not (not section and key in OPTIONAL):
                    self.fail(self.name(section, key), f"不是可用的配置项（可用：{'、'.join(keys)}）", f"unknown key; expected one of {', '.join(keys)}")
            for key in keys:
                if key not in table:
                    self.fail(self.name(section, key), "缺少这一项", "missing")

    @staticmethod
    def name(section: str, key: str) -> str:
        return f"{section}.{key}" if section else key

    def fail(self, key: str, chinese: str, english: str):
        raise ProfileError(self.source, key, chinese, english)

    def value(self, section: str, key: str):
        table = self.data if not section else self.data.get(section, {})
        if key not in table:
            self.fail(self.name(section, key), "缺少这一项", "missing")
        return table[key]

    def number(self, section: str, key: str, low: Decimal, high: Decimal) -> Decimal:
        value = self.value(section, key)
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.fail(self.name(section, key), f"应为数字，而不是 {_shown(value)}", f"must be a number, not {_shown(value)}")
        value = Decimal(value)
        if not low <= value <= high:
            self.fail(self.name(section, key), f"应在 {low} 到 {high} 之间，而不是 {_plain(value)}",
                      f"must be between {low} and {high}, not {_plain(value)}")
        return value

    def text(self, section: str, key: str) -> str:
        value = self.value(section, key)
        if not isinstance(value, str) or not value.strip():
            self.fail(self.name(section, key), "应为非空文字", "must be a non-empty string")
        return value.strip()

    def texts(self, section: str, key: str) -> tuple[str, ...]:
        value = self.value(section, key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(self.name(section, key), "应为文字列表，如 [\"成本\"]", 'must be a list of strings, such as ["成本"]')
        return tuple(v.strip() for v in value)

    def choice(self, section: str, key: str, options: dict[str, str]) -> str:
        value = self.value(section, key)
        if value not in options:
            allowed = " 或 ".join(f"“{k}”（{v}）" for k, v in options.items())
            self.fail(self.name(section, key), f"“{value}”不可用，应为 {allowed}",
                      f"{value!r} is not one of {', '.join(options)}")
        return value

    def layouts(self) -> tuple[str, ...]:
        LAYOUTS = tuple(spec.name for spec in SPECS)
        values = self.texts("", "layouts")
        wrong = [v for v in values if v not in LAYOUTS]
        if not values or wrong:
            self.fail("layouts", f"应从 {'、'.join(LAYOUTS)} 中选择，而不是 {wrong or '空列表'}",
                      f"must name layouts among {', '.join(LAYOUTS)}")
        return values

    def tiers(self) -> tuple[Decimal, Decimal]:
        value = self.value("qualitative", "tiers")
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in value)
                or not 0 < Decimal(value[1]) < Decimal(value[0]) < 1):
            self.fail("qualitative.tiers", f"应为两个递减的比例，如 [0.8, 0.5]，而不是 {_shown(value)}",
                      f"must be two decreasing shares between 0 and 1, such as [0.8, 0.5], not {_shown(value)}")
        return Decimal(value[0]), Decimal(value[1])
