"""Choosing rules: `--select` / `--ignore` rule codes and an `xlcheck.toml` in the folder or its parents.

Every entry point (check, fix, watch, export, serve) gets one Config and hands it to check_workbook /
fix_workbook, which apply it in one place (`Config.apply`): findings of unselected or ignored rules
are dropped — from the text, the JSON, the 核查结果 sheet, the fixes and the exit code — and a
rule's severity can be changed.

    # xlcheck.toml
    profile = "hubei"            # a shipped profile, or a .toml path relative to this file
    select = ["XC1", "XC3"]      # codes or prefixes (XC1 = XC101 … XC105); default: every rule
    ignore = ["XC103"]
    [severities]
    XC306 = "info"               # error | warning | info

    >>> config = parse_config('ignore = ["XC103"]', "xlcheck.toml")
    >>> config.wants("XC103"), config.wants("XC101")
    (False, True)

A key, code or severity xlcheck does not know is a ConfigError (exit 2) naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .model import Finding, Severity
from .package import WorkbookError
from .profiles import Profile, ProfileError, load_profile

CONFIG_NAME = "xlcheck.toml"
KEYS = ("profile", "select", "ignore", "severities")
SEVERITY_NAMES = {s.value: s for s in Severity}


class ConfigError(WorkbookError):
    """A configuration that cannot be used: the file, the key and what is wrong, Chinese then English."""

    def __init__(self, source: str, key: str, chinese: str, english: str):
        if source:
            where, gloss = f"配置文件 {source}" + (f" 中的 {key} " if key else " "), f"bad config {source}{': ' + key if key else ''}"
        else:  # the command line
            where, gloss = f"命令行参数 {key} ", f"bad option {key}"
        super().__init__("bad_config", f"{where}有误：{chinese}。 ({gloss}: {english})")
        self.key = key


def rule_codes() -> tuple[str, ...]:
    """Every rule code xlcheck knows, sorted: ('XC001', 'XC101', …)."""
    from .rules import ALL_RULES

    return tuple(sorted({r.code for r in ALL_RULES}))


@dataclass(frozen=True)
class Config:
    """What a run checks. select None means every rule; a code is wanted when it starts with one of
    `select` and with none of `ignore`. severities: {code: Severity} replacing the rule's default."""

    profile: Profile | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severities: dict[str, Severity] = field(default_factory=dict)
    source: str | None = None  # the xlcheck.toml it came from, if any

    def wants(self, code: str) -> bool:
        if self.select is not None and not code.startswith(self.select):
            return False
        return not code.startswith(self.ignore) if self.ignore else True

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """The findings this configuration keeps, with their severities as configured."""
        kept = []
        for finding in findings:
            if not self.wants(finding.rule):
                continue
            severity = self.severities.get(finding.rule)
            kept.append(dataclasses.replace(finding, severity=severity) if severity and severity != finding.severity else finding)
        return kept

    def with_options(self, *, select: list[str] | None = None, ignore: list[str] | None = None,
                     profile: Profile | None = None) -> "Config":
        """The command line over the file: --select replaces the file's select, --ignore adds to its
        ignore, --profile replaces its profile."""
        changes: dict = {}
        if select:
            changes["select"] = check_codes(select, "", "--select")
        if ignore:
            changes["ignore"] = self.ignore + check_codes(ignore, "", "--ignore")
        if profile is not None:
            changes["profile"] = profile
        return dataclasses.replace(self, **changes) if changes else self


def check_codes(values: list[str], source: str, key: str) -> tuple[str, ...]:
    """Codes or prefixes, comma-separated or one per item, each matching at least one rule:
    ['XC103', 'xc3'] -> ('XC103', 'XC3'); 'XC999' is a ConfigError."""
    codes = rule_codes()
    chosen = []
    for value in values:
        if not isinstance(value, str):
            raise ConfigError(source, key, f"应为规则代码的列表，如 [\"XC103\"]，而不是 {value!r}", f'must be a list of rule codes such as ["XC103"], not {value!r}')
        for part in value.split(","):
            code = part.strip().upper()
            if not code:
                continue
            if not any(known.startswith(code) for known in codes):
                raise ConfigError(source, key, f"“{part.strip()}”不是 xlcheck 的规则代码（可用：{'、'.join(codes)}）",
                                  f"{part.strip()!r} is not a rule code; known: {', '.join(codes)}")
            chosen.append(code)
    return tuple(chosen)


def parse_config(text: str, source: str, folder: Path | None = None) -> Config:
    """Read and check an xlcheck.toml's text; `source` names it in messages, `folder` resolves a
    profile given as a relative path."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"不是有效的 TOML（{exc}）", f"not valid TOML ({exc})") from None
    for key in data:
        if key not in KEYS:
            raise ConfigError(source, key, f"不是可用的配置项（可用：{'、'.join(KEYS)}）", f"unknown key; expected one of {', '.join(KEYS)}")
    lists = {}
    for key in ("select", "ignore"):
        value = data.get(key)
        if value is not None and not isinstance(value, list):
            raise ConfigError(source, key, "应为规则代码的列表，如 [\"XC103\"]", 'must be a list of rule codes such as ["XC103"]')
        lists[key] = check_codes(value, source, key) if value is not None else None
    severities = {}
    table = data.get("severities", {})
    if not isinstance(table, dict):
        raise ConfigError(source, "severities", "应为一个表（[severities]）", "must be a table")
    for code, value in table.items():
        check_codes([code], source, f"severities.{code}")
        if code.upper() not in rule_codes():
            raise ConfigError(source, f"severities.{code}", "应写完整的规则代码，如 XC103", "must name one rule, such as XC103")
        if value not in SEVERITY_NAMES:
            raise ConfigError(source, f"severities.{code}", f"“{value}”不可用，应为 error（错误）、warning（警告）或 info（提示）",
                              f"{value!r} is not one of error, warning, info")
        severities[code.upper()] = SEVERITY_NAMES[value]
    profile = None
    if "profile" in data:
        spec = data["profile"]
        if not isinstance(spec, str) or not spec.strip():
            raise ConfigError(source, "profile", "应为规则配置名（hubei、national）或 .toml 文件路径", "must be a profile name or a .toml path")
        relative = folder / spec if folder is not None and spec.lower().endswith(".toml") else None
        try:
            profile = load_profile(relative if relative is not None and not Path(spec).is_absolute() else spec)
        except ProfileError as error:
            raise WorkbookError("bad_config", f"配置文件 {source} 中的 profile 不可用——{error.message}") from None
    return Config(profile=profile, select=lists["select"], ignore=lists["ignore"] or (), severities=severities, source=source)


def find_config(start: Path) -> Path | None:
    """The xlcheck.toml in `start` (a folder, or a file's folder) or the nearest of its parents."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder.resolve(), *folder.resolve().parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def load_config(start: Path | None = None, explicit: Path | None = None) -> Config:
    """The configuration for checking files at `start`: the file `explicit` names (--config), else the
    xlcheck.toml found from `start` upwards, else the defaults (every rule, profile by layout)."""
    path = Path(explicit) if explicit is not None else (find_config(Path(start)) if start is not None else None)
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"无法读取该文件（{type(exc).__name__}）", f"cannot read the file ({type(exc).__name__})") from None
    return parse_config(text, str(path), path.parent)
