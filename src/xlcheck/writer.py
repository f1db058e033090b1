"""Write the corrected copy of an .xlsx by editing only the zip parts that change.

The package is edited as text, not loaded and re-saved, so everything the writer does not touch
(cached formula values, drawings, charts, validations, extensions ...) stays byte for byte. Changed:
the sheets that get fixes (the fixed cells, their rows' spans, the dimension, a legacyDrawing), their
comments, VML and rels, xl/styles.xml (a highlighted copy of each fixed cell's style, a bold header
style), xl/workbook.xml (the report sheet, fullCalcOnLoad), its rels, [Content_Types].xml, and the
report sheet part (its contents and look come from report_sheet.py); xl/calcChain.xml is dropped when
a formula was replaced by a value.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import operator
import os
import posixpath
import re
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

from .model import CellFix, a1, column_number, parse_a1
from .package import Package, WorkbookError, detect_format, local, parse_range, read_rels, rels_part, resolve, sheet_entries, workbook_part

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_TYPE = REL_NS + "/"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
HIGHLIGHT_RGB = "FFFFFF00"
NOTE_AUTHOR = "xlcheck"
MAX_CELL_TEXT = 32767
INVALID_SHEET_CHARS = set("[]:*?/\\")
EMPTY_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
# the worksheet children that come after <legacyDrawing>, and the workbook children after <calcPr> (schema order)
AFTER_LEGACY_DRAWING = {"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
                        "extLst", "mc:AlternateContent"}
AFTER_CALC_PR = {"oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr",
                 "webPublishObjects", "extLst"}


def write_corrected(src: Path | Package, dst: Path, fixes: list[CellFix], tables: list[Table], report_sheet_name: str = "核查结果") -> None:
    """Write a copy of src to dst with fixes applied (highlighted, with notes) and a report sheet.

    src (a path, or a Package already open: the workbook `fix` has read) is only read. dst is written
    through a temporary file in its folder and moved into place. Raises WorkbookError for unreadable
    input, a non-.xlsx input ('not_xlsx'), dst being src ('same_path') or a bad report sheet name;
    ValueError for a fix naming no worksheet or cell.
    """
    dst = Path(dst)
    _check_sheet_name(report_sheet_name)
    if isinstance(src, Package):
        _refuse_same_path(src.path, dst)
        src.rewind()
        _write_package(src, dst, fixes, tables, report_sheet_name)
        return
    src = Path(src)
    if detect_format(src) != "xlsx":
        raise WorkbookError.for_file("not_xlsx", src, "the input is an .xls (BIFF) workbook")
    _refuse_same_path(src, dst)
    with Package(src) as pkg:
        _write_package(pkg, dst, fixes, tables, report_sheet_name)


def _refuse_same_path(src: Path, dst: Path) -> None:
    if dst.resolve() == src.resolve() or (dst.exists() and os.path.samefile(src, dst)):
        raise WorkbookError.for_file("same_path", dst)


def _write_package(pkg: Package, dst: Path, fixes: list[CellFix], tables: list[Table], report_sheet_name: str) -> None:
    """Edit, check and write. The edit first takes each fixed sheet's rows and cells to be in order, as
    nearly every sheet has them: the written package's check then finds any that were not (an order
    problem of the input stays in the copy, each row and cell kept in its place), and the package is
    edited again from the start, each fixed sheet's order checked before its edit (and sorted where
    needed), which is what decides. Either way the package written is the one that passed the check."""
    src = pkg.path
    edit, problem = _checked_edit(pkg, fixes, tables, report_sheet_name, careful=False)
    if edit is None or problem:
        pkg.rewind()
        edit, problem = _checked_edit(pkg, fixes, tables, report_sheet_name, careful=True)
    if problem:
        raise WorkbookError("internal", f"文件 “{src.name}” 的更正副本未通过有效性检查（{problem}），没有写出任何文件。"
                                        f"原文件未被修改；请把该文件反馈给开发者。 (the corrected copy failed its check: {problem})")
    _write_zip(pkg, dst, edit)


def _checked_edit(pkg: Package, fixes: list[CellFix], tables: list[Table], report_sheet_name: str, careful: bool) -> tuple[_Edit | None, str]:
    """(the edit, package_problem of it); (None, '') when an edit not `careful` fails (the careful one
    says why: an input part not laid out as the format says is 'corrupt')."""
    edit = _Edit(pkg, careful)
    by_sheet = edit.group(fixes)
    try:
        edit.apply(by_sheet, tables, report_sheet_name)
    except (ValueError, IndexError, ET.ParseError) as exc:  # a part not laid out as the format says
        if not careful:
            return None, ""
        raise WorkbookError.for_file("corrupt", pkg.path, f"cannot edit ({type(exc).__name__}: {exc})"[:300]) from None
    return edit, package_problem(pkg, edit)


# ---------------------------------------------------------------- the written package checked


def package_problem(pkg: Package, edit: _Edit) -> str:
    """What would make the written package invalid, or '': every changed or new part well-formed, the
    worksheets' rows and cells in order, sheet names unique (case-insensitively, as Excel compares them),
    every relationship of a changed .rels pointing at a part the package holds (dangling ones the
    input already had are its own)."""
    present = {Package.key(info.filename) for info in pkg.infos} - edit.removed | {Package.key(n) for n in edit.texts}
    for name, text in edit.texts.items():
        if name.lower().endswith(".vml"):  # legacy VML need not be well-formed XML, and Excel reads it so
            continue
        data = text.encode("utf-8", "surrogateescape")
        try:
            kind, problem = streamed_check(data)  # a worksheet of 20,000 rows is never built as a tree
        except ET.ParseError as exc:
            return f"{name} is not well-formed XML ({exc})"
        if problem:
            return f"{name}: {problem}"
        if kind not in ("workbook", "Relationships"):
            continue
        root = ET.fromstring(data)
        if kind == "workbook":
            names = [el.get("name", "") for section in root if local(section.tag) == "sheets" for el in section]
            folded = [n.casefold() for n in names]
            if len(set(folded)) != len(folded) or "" in folded:
                return f"{name}: sheet names not unique ({', '.join(names)})"
        if kind == "Relationships":
            source = _rels_source(name)
            before = _dangling(ET.fromstring(pkg.read(name)), source, present) if pkg.find(name) is not None else set()
            missing = _dangling(root, source, present) - before
            if missing:
                return f"{name} points to missing {', '.join(sorted(missing))}"
    return ""


def _rels_source(rels_name: str) -> str:
    """'xl/_rels/workbook.xml.rels' -> 'xl/workbook.xml'; '_rels/.rels' -> ''."""
    folder, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), base.removesuffix(".rels")) if base != ".rels" else ""


def _dangling(root: ET.Element, source: str, present: set[str]) -> set[str]:
    return {target for el in root if el.get("TargetMode") != "External"
            if Package.key(target := resolve(source, el.get("Target", ""))) not in present}


# ---------------------------------------------------------------- text helpers

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def xml_text(value: str) -> str:
    """Text for an element: OOXML _xHHHH_ escapes for characters XML cannot hold, then &, <, >."""
    if value.isprintable() and "_x" not in value:  # no control character, surrogate or '_xHHHH_' to escape: most texts
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    value = _CONTROL.sub(lambda m: "_x005F_" if m.group() == "_" else f"_x{ord(m.group()):04X}_", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(value: str) -> str:
    """Text for a double-quoted attribute."""
    value = xml_text(value).replace('"', "&quot;")
    return value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def number_text(value: Decimal | int | float) -> str:
    """Plain decimal text for a <v>, never an exponent."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return format(number.copy_abs() if number == 0 else number, "f")


_DECLARED = re.compile(r"""^(\s*<\?xml\b[^>]*?\bencoding\s*=\s*)(["'])([^"']*)\2""")


def decoded(data: bytes) -> str:
    """A part's text, decoded as its byte-order mark or XML declaration says (a workbook.xml saved as
    ISO-8859-1 or UTF-16 is not UTF-8); the declaration then says UTF-8, as every edited part is written.

    >>> decoded('<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>'.encode("latin-1"))
    '<?xml version="1.0" encoding="UTF-8"?><a>é</a>'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", "surrogateescape")
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    elif data[:2] == b"<\x00":
        text = data.decode("utf-16-le")
    elif data[:2] == b"\x00<":
        text = data.decode("utf-16-be")
    else:
        declared = _DECLARED.match(data[:1000].decode("latin-1"))
        encoding = declared.group(3).lower().replace("_", "-") if declared else "utf-8"
        text = data.decode("utf-8", "surrogateescape") if encoding in ("utf-8", "utf8") else data.decode(encoding)
    return _DECLARED.sub(lambda m: f"{m.group(1)}{m.group(2)}UTF-8{m.group(2)}", text, count=1)


def get_attr(tag: str, name: str) -> str | None:
    """The value of attribute `name` in a start tag's text (either quote style)."""
    match = _attr_pattern(name).search(tag)
    if not match:
        return None
    return match.group(1) if match.group(1) is not None else match.group(2)


@functools.lru_cache(maxsize=64)
def _attr_pattern(name: str) -> re.Pattern:
    return re.compile(rf"""\s{re.escape(name)}\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def set_attr(tag: str, name: str, value: str | None) -> str:
    """A start tag with attribute `name` set to value (None removes it)."""
    pattern = re.compile(rf"""\s{re.escape(name)}\s*=\s*(?:"[^"]*"|'[^']*')""")
    if value is None:
        return pattern.sub("", tag, count=1)
    new = f' {name}="{xml_attr(value)}"'
    if pattern.search(tag):
        return pattern.sub(lambda m: new, tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:end].rstrip() + new + tag[end:]


def root_prefix(xml: str, name: str) -> str:
    """'' or 'x:' — the prefix the root element `name` is written with."""
    match = re.search(rf"<(\w+:)?{name}[\s>/]", xml)
    if not match:
        raise ValueError(f"no <{name}> element")
    return match.group(1) or ""


_TAG = re.compile(r"""<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|<(/?)([^\s/>!?]+)(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>""", re.S)


def top_level_position(xml: str, start: int, names: set[str], prefix: str) -> int | None:
    """Where the first direct child of the root named one of `names` begins, scanning from `start`
    (which must sit between two children of the root); None when there is none before the root ends."""
    depth = 0
    for match in _TAG.finditer(xml, start):
        closing, name, selfclosing = match.group(1), match.group(2), match.group(3)
        if name is None:
            continue
        if closing:
            depth -= 1
            if depth < 0:
                return None
            continue
        if depth == 0 and any(name == prefix + wanted or name == wanted for wanted in names):
            return match.start()
        if not selfclosing:
            depth += 1
    return None


def ensure_rel_prefix(xml: str, root: str) -> tuple[str, str]:
    """The prefix bound to the relationships namespace in the root tag, declaring 'r' when missing."""
    start = re.search(rf"<(\w+:)?{root}\b[^>]*>", xml)
    match = re.search(rf"""xmlns:(\w+)\s*=\s*["']{re.escape(REL_NS)}["']""", start.group(0))
    if match:
        return xml, match.group(1)
    prefix = "r" if "xmlns:r=" not in start.group(0) else "xlr"
    tag = set_attr(start.group(0), f"xmlns:{prefix}", REL_NS)
    return xml[: start.start()] + tag + xml[start.end():], prefix


def display_width(text: str) -> int:
    """Columns a text needs: CJK and other wide characters count double; the longest line counts."""
    return max((len(line) if line.isascii() else sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.split("\n")), default=0)


def _check_sheet_name(name: str) -> None:
    if not name or len(name) > 31 or INVALID_SHEET_CHARS & set(name) or name[0] == "'" or name[-1] == "'" or name.lower() == "history":
        raise WorkbookError("bad_sheet_name", f'核查结果表名 "{name}" 不可用。请换一个不含 []:*?/\\ 、不以单引号开头或结尾、不超过 31 个字符的表名。 (invalid report sheet name)')


# ---------------------------------------------------------------- formulas

_FORMULA_TOKEN = re.compile(
    r""""(?:[^"]|"")*"|'(?:[^']|'')*'|\[[^\]]*\]"""
    r"""|(?<![\w.$])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\w(!.])"""
    r"""|(?<![\w.$])(\$?)([A-Z]{1,3}):(\$?)([A-Z]{1,3})(?![\w(!.])"""
    r"""|(?<![\w.$:])(\$?)(\d+):(\$?)(\d+)(?![\w(!.:])"""
)


def shift_formula(formula: str, rows: int, cols: int) -> str:
    """A formula moved by (rows, cols): relative references shift, $-anchored parts and text do not.

    Used to give the followers of a shared formula their own text when its master cell is replaced.
    """

    def col(anchor: str, letters: str) -> str | None:
        number = column_number(letters) + (0 if anchor else cols)
        return anchor + a1(1, number)[:-1] if 1 <= number <= 16384 else None

    def row(anchor: str, digits: str) -> str | None:
        number = int(digits) + (0 if anchor else rows)
        return f"{anchor}{number}" if 1 <= number <= 1048576 else None

    def replace(m: re.Match) -> str:
        g = m.groups()
        if g[1] is not None:
            parts = (col(g[0], g[1]), row(g[2], g[3]))
            return "#REF!" if None in parts else parts[0] + parts[1]
        if g[5] is not None:
            parts = (col(g[4], g[5]), col(g[6], g[7]))
            return "#REF!" if None in parts else f"{parts[0]}:{parts[1]}"
        if g[9] is not None:
            parts = (row(g[8], g[9]), row(g[10], g[11]))
            return "#REF!" if None in parts else f"{parts[0]}:{parts[1]}"
        return m.group(0)

    return _FORMULA_TOKEN.sub(replace, formula)


# ---------------------------------------------------------------- the edit


class _Edit:
    """The changed and new parts of one package, built up as text."""

    def __init__(self, pkg: Package, careful: bool = True):
        self.pkg = pkg
        self.careful = careful  # check each fixed sheet's order before editing it (else: only that it is well-formed)
        self.texts: dict[str, str] = {}  # part name -> new text (existing or new parts)
        self.removed: set[str] = set()  # Package.key of parts to drop
        self.wb_part = workbook_part(pkg)
        if STRICT_NS.encode() in pkg.read(self.wb_part)[:4096]:
            raise WorkbookError.for_file("not_xlsx", pkg.path, "Strict Open XML; save it as an ordinary Excel workbook")
        self.entries = sheet_entries(pkg, self.wb_part)
        self.formula_removed = False
        self.styles: _Styles | None = None

    # -- parts

    def exists(self, name: str) -> bool:
        return name in self.texts or (self.pkg.find(name) is not None and Package.key(name) not in self.removed)

    def text(self, name: str) -> str:
        if name not in self.texts:
            self.texts[name] = decoded(self.pkg.read_xml(name))
        return self.texts[name]

    def new_name(self, pattern: str) -> str:
        number = 1
        while self.exists(pattern.format(number)):
            number += 1
        return pattern.format(number)

    def rels(self, source: str) -> dict[str, tuple[str, str]]:
        """{rId: (type, target part)} as currently edited."""
        name = rels_part(source)
        if name in self.texts:
            rels = {}
            for el in ET.fromstring(self.texts[name].encode("utf-8", "surrogateescape")):
                if el.get("TargetMode") != "External":
                    rels[el.get("Id", "")] = (el.get("Type", ""), resolve(source, el.get("Target", "")))
            return rels
        return read_rels(self.pkg, source)

    def add_rel(self, source: str, kind: str, target_part: str) -> str:
        """Add a relationship from `source` to `target_part`; returns its new Id."""
        name = rels_part(source)
        if not self.exists(name):
            self.texts[name] = EMPTY_RELS
        xml = self.text(name)
        prefix = root_prefix(xml, "Relationships")
        used = set(re.findall(r"""\sId\s*=\s*["']([^"']*)["']""", xml))
        number = len(used) + 1
        while f"rId{number}" in used:
            number += 1
        rid = f"rId{number}"
        target = posixpath.relpath(target_part, posixpath.dirname(source) or ".")
        element = f'<{prefix}Relationship Id="{rid}" Type="{REL_TYPE}{kind}" Target="{xml_attr(target)}"/>'
        self.texts[name] = _insert_before_close(xml, f"{prefix}Relationships", element)
        return rid

    def add_content_type(self, part: str, content_type: str) -> None:
        xml = self.text("[Content_Types].xml")
        prefix = root_prefix(xml, "Types")
        element = f'<{prefix}Override PartName="/{xml_attr(part)}" ContentType="{content_type}"/>'
        self.texts["[Content_Types].xml"] = _insert_before_close(xml, f"{prefix}Types", element)

    def ensure_default_type(self, extension: str, content_type: str) -> None:
        xml = self.text("[Content_Types].xml")
        if not re.search(rf"""Extension\s*=\s*["']{extension}["']""", xml, re.I):
            prefix = root_prefix(xml, "Types")
            element = f'<{prefix}Default Extension="{extension}" ContentType="{content_type}"/>'
            self.texts["[Content_Types].xml"] = _insert_before_close(xml, f"{prefix}Types", element)

    # -- the whole job

    def apply(self, by_sheet: list[tuple[dict, dict]], tables: list[Table], report_name: str) -> None:
        """Make every change: fixed cells, notes, the report sheet, calcChain, fullCalcOnLoad, styles."""
        self.styles = _Styles(self)
        for entry, cells in by_sheet:
            values = {key: cell for key, cell in cells.items() if cell[0] is not None}
            if values:
                self._fix_sheet(entry["part"], values)
            self._add_notes(entry["part"], cells)
        self._report(tables, report_name)
        if self.formula_removed:
            self._drop_calc_chain()
        self._full_calc_on_load()
        self.texts[self.styles.part] = self.styles.xml

    def group(self, fixes: list[CellFix]) -> list[tuple[dict, dict]]:
        """Fixes per worksheet entry: [(entry, {(row, col): (value, note)})], in workbook order."""
        worksheets = [e for e in self.entries if e["kind"] == "worksheet"]
        grouped: dict[str, dict] = {}
        for fix in fixes:
            entry = next((e for e in worksheets if e["name"] == fix.sheet), None) or next(
                (e for e in worksheets if e["name"].lower() == fix.sheet.lower()), None)
            if entry is None:
                raise ValueError(f"no worksheet named {fix.sheet!r}")
            row, col = parse_a1(fix.cell)
            value = fix.value
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                value = Decimal(number_text(value))
            elif not isinstance(value, str) and value is not None:  # None: a note only
                raise ValueError(f"a fix value must be Decimal, str or None, not {type(value).__name__}")
            cells = grouped.setdefault(entry["part"], {})
            old_value, old_note = cells.get((row, col), (None, ""))
            cells[(row, col)] = (value if value is not None else old_value, "\n".join(n for n in (old_note, fix.note) if n))
        return [(e, grouped[e["part"]]) for e in worksheets if e["part"] in grouped]

    # -- cells

    def _fix_sheet(self, part: str, cells: dict) -> None:
        xml = self.text(part)
        p = root_prefix(xml, "worksheet")
        xml = re.sub(rf"<{p}sheetData(\s[^>]*)?/>", lambda m: f"<{p}sheetData{m.group(1) or ''}></{p}sheetData>", xml, count=1)
        opening = re.search(rf"<{p}sheetData\b[^>]*>", xml)
        if not opening:
            raise WorkbookError.for_file("corrupt", self.pkg.path, f"no sheetData in {part}")
        start = opening.end()
        end = xml.index(f"</{p}sheetData>", start)
        sheet = _SheetCells(self, p, _column_styles(xml[: opening.start()], p))
        body = _plain(xml[start:end])
        implicit = re.search(rf"<{p}(?:row|c)\b(?![^>]*?\sr\s*=)[^>]*>", body)  # a new cell would shift those after it
        whole = (xml[:start] + body + xml[end:]).encode("utf-8", "surrogateescape")
        if self.careful:
            out_of_order = streamed_check(whole)[1]
        else:  # taken to be in order: if it is not, the written sheet's check sends _write_package to the careful edit
            _well_formed(whole)
            out_of_order = ""
        if implicit or out_of_order:
            body = sheet.in_order(body)  # rows or cells out of order: Excel repairs or rejects such a sheet
        body = sheet.rewrite(body, cells)
        xml = xml[:start] + body + xml[end:]
        self.texts[part] = _grow_dimension(xml, p, cells)

    # -- notes

    def _add_notes(self, part: str, cells: dict) -> None:
        notes = {a1(r, c): note for (r, c), (_, note) in sorted(cells.items()) if note}
        if not notes:
            return
        xml = self.text(part)
        p = root_prefix(xml, "worksheet")
        rels = self.rels(part)
        comments = next((target for kind, target in rels.values() if kind.endswith("/comments")), None)
        legacy = re.search(rf"<{p}legacyDrawing\b[^>]*>", xml)
        legacy_id = re.search(r"""\s\w+:id\s*=\s*["']([^"']*)["']""", legacy.group(0)) if legacy else None
        vml = rels.get(legacy_id.group(1), ("", None))[1] if legacy_id else None
        if comments and self.exists(comments):
            already = self._extend_comments(comments, notes)
        else:
            comments = self.new_name("xl/comments{}.xml")
            self.texts[comments] = _comments_xml(notes)
            self.add_content_type(comments, CT_COMMENTS)
            self.add_rel(part, "comments", comments)
            already = set()
        new_shapes = [ref for ref in notes if ref not in already]
        if vml and self.exists(vml):
            self.texts[vml] = _extend_vml(self.text(vml), new_shapes)
        else:
            vml = self.new_name("xl/drawings/vmlDrawing{}.vml")
            self.texts[vml] = _new_vml(self._free_idmap(), new_shapes)
            self.ensure_default_type("vml", CT_VML)
            rid = self.add_rel(part, "vmlDrawing", vml)
            xml, rp = ensure_rel_prefix(self.text(part), "worksheet")
            element = f'<{p}legacyDrawing {rp}:id="{rid}"/>'
            if legacy:
                xml = xml.replace(legacy.group(0), element, 1)
            else:
                after = xml.index(f"</{p}sheetData>") + len(f"</{p}sheetData>")
                where = top_level_position(xml, after, AFTER_LEGACY_DRAWING, p)
                where = where if where is not None else xml.rindex(f"</{p}worksheet>")
                xml = xml[:where] + element + xml[where:]
            self.texts[part] = xml

    def _extend_comments(self, part: str, notes: dict[str, str]) -> set[str]:
        """Add notes to an existing comments part; returns the refs that already had a comment."""
        xml = self.text(part)
        p = root_prefix(xml, "comments")
        xml = re.sub(rf"<{p}(authors|commentList)(\s[^>]*)?/>", lambda m: f"<{p}{m.group(1)}{m.group(2) or ''}></{p}{m.group(1)}>", xml)
        authors_match = re.search(rf"<{p}authors\b[^>]*>(.*?)</{p}authors>", xml, re.S)
        authors = re.findall(rf"<{p}author\b[^>]*>(.*?)</{p}author>", authors_match.group(1), re.S) if authors_match else []
        if NOTE_AUTHOR in authors:
            author_id = authors.index(NOTE_AUTHOR)
        else:
            author_id = len(authors)
            xml = _insert_before_close(xml, f"{p}authors", f"<{p}author>{NOTE_AUTHOR}</{p}author>")
        already = set()
        for ref, note in notes.items():
            existing = re.search(rf"""(<{p}comment\b[^>]*\sref\s*=\s*["']{ref}["'][^>]*>.*?<{p}text\b[^>]*>)(.*?)(</{p}text>)""", xml, re.S)
            if existing:
                already.add(ref)
                old = re.sub(rf"^(\s*)(<{p}t\b.*?</{p}t>)", lambda m: f"{m.group(1)}<{p}r>{m.group(2)}</{p}r>", existing.group(2), count=1, flags=re.S)
                ours = f'<{p}r><{p}t xml:space="preserve">{xml_text(note)}\n</{p}t></{p}r>'
                xml = xml[: existing.start(2)] + ours + old + xml[existing.end(2):]
            else:
                xml = _insert_before_close(xml, f"{p}commentList", _comment_xml(p, ref, author_id, note))
        self.texts[part] = xml
        return already

    def _free_idmap(self) -> int:
        """A VML shape-id block (o:idmap) no other VML part of the package uses."""
        used = {0}
        names = [info.filename for info in self.pkg.infos if info.filename.lower().endswith(".vml")] + [n for n in self.texts if n.endswith(".vml")]
        for name in names:
            text = self.texts.get(name) or self.pkg.read(name).decode("utf-8", "replace")
            for data in re.findall(r"""<o:idmap\b[^>]*\sdata\s*=\s*["']([^"']*)["']""", text):
                used.update(int(n) for n in re.findall(r"\d+", data))
        return max(used) + 1

    # -- workbook

    def _report(self, content, name: str) -> None:
        """Write the report sheet (report_sheet.py says what it holds) and register it, with its defined names."""
        xml = worksheet_xml(content, self.styles)
        existing = next((e for e in self.entries if e["name"].lower() == name.lower()), None)
        if existing is not None:
            if existing["kind"] != "worksheet":
                raise WorkbookError("bad_sheet_name", f'工作簿中已有名为 "{name}" 的图表页，无法写入核查结果。请换一个核查结果表名。 (a chart sheet already has this name)')
            if not self.exists(existing["part"]):
                raise WorkbookError.for_file("corrupt", self.pkg.path, f"missing part for sheet {name}")
            self.texts[existing["part"]] = xml
            self._defined_names(defined_names(content, existing["name"]), self.entries.index(existing))
            return
        part = self.new_name("xl/worksheets/sheet{}.xml")
        self.texts[part] = xml
        self.add_content_type(part, CT_WORKSHEET)
        rid = self.add_rel(self.wb_part, "worksheet", part)
        wb, rp = ensure_rel_prefix(self.text(self.wb_part), "workbook")
        p = root_prefix(wb, "workbook")
        ids = [int(e["sheet_id"]) for e in self.entries if e["sheet_id"].isdigit()]
        element = f'<{p}sheet name="{xml_attr(name)}" sheetId="{max(ids, default=0) + 1}" {rp}:id="{rid}"/>'
        self.texts[self.wb_part] = _insert_before_close(wb, f"{p}sheets", element)
        self._defined_names(defined_names(content, name), len(self.entries))

    def _defined_names(self, names: list[tuple[str, str, bool]], sheet_index: int) -> None:
        """Set sheet-level defined names (print titles, the autofilter's range) of the report sheet,
        replacing those an earlier report left for the same sheet."""
        if not names:
            return
        xml = self.text(self.wb_part)
        p = root_prefix(xml, "workbook")
        wanted = {name for name, _, _ in names}

        def stale(m: re.Match) -> str:
            tag = m.group(0)
            same = get_attr(tag, "name") in wanted and get_attr(tag, "localSheetId") == str(sheet_index)
            return "" if same else tag

        xml = re.sub(rf"<{p}definedName\b[^>]*?(?:/>|>.*?</{p}definedName>)", stale, xml, flags=re.S)
        elements = "".join(f'<{p}definedName name="{name}" localSheetId="{sheet_index}"' + (' hidden="1"' if hidden else "")
                           + f">{xml_text(value)}</{p}definedName>" for name, value, hidden in names)
        if re.search(rf"<{p}definedNames\b[^>]*?(?<!/)>", xml):
            xml = _insert_before_close(xml, f"{p}definedNames", elements)
        else:
            xml = re.sub(rf"<{p}definedNames\b[^>]*/>", "", xml)
            after = xml.index(f"</{p}sheets>") + len(f"</{p}sheets>")
            where = top_level_position(xml, after, {"calcPr"} | AFTER_CALC_PR, p)
            where = where if where is not None else xml.rindex(f"</{p}workbook>")
            xml = xml[:where] + f"<{p}definedNames>{elements}</{p}definedNames>" + xml[where:]
        self.texts[self.wb_part] = xml

    def _full_calc_on_load(self) -> None:
        xml = self.text(self.wb_part)
        p = root_prefix(xml, "workbook")
        calc = re.search(rf"<{p}calcPr\b[^>]*>", xml)
        if calc:
            xml = xml[: calc.start()] + set_attr(calc.group(0), "fullCalcOnLoad", "1") + xml[calc.end():]
        else:
            after = xml.index(f"</{p}sheets>")
            where = top_level_position(xml, after + len(f"</{p}sheets>"), AFTER_CALC_PR, p)
            where = where if where is not None else xml.rindex(f"</{p}workbook>")
            xml = xml[:where] + f'<{p}calcPr fullCalcOnLoad="1"/>' + xml[where:]
        self.texts[self.wb_part] = xml

    def _drop_calc_chain(self) -> None:
        rels_name = rels_part(self.wb_part)
        for rid, (kind, target) in self.rels(self.wb_part).items():
            if not kind.endswith("/calcChain"):
                continue
            self.removed.add(Package.key(target))
            xml = self.text(rels_name)
            self.texts[rels_name] = re.sub(rf"""<(\w+:)?Relationship\b[^>]*\sId\s*=\s*["']{re.escape(rid)}["'][^>]*?(/>|>\s*</(\w+:)?Relationship>)""", "", xml)
            types = self.text("[Content_Types].xml")
            override = rf"""<(\w+:)?Override\b[^>]*PartName\s*=\s*["']/{re.escape(target)}["'][^>]*?(/>|>\s*</(\w+:)?Override>)"""
            self.texts["[Content_Types].xml"] = re.sub(override, "", types, flags=re.I)


def _insert_before_close(xml: str, element: str, new: str) -> str:
    """Insert `new` as the last child of the last <element>, expanding <element/> if needed."""
    close = f"</{element}>"
    position = xml.rfind(close)
    if position < 0:
        empty = list(re.finditer(rf"<{element}(\s[^>]*)?/>", xml))
        if not empty:
            raise ValueError(f"no <{element}> element")
        m = empty[-1]
        return xml[: m.start()] + f"<{element}{m.group(1) or ''}>{new}{close}" + xml[m.end():]
    return xml[:position] + new + xml[position:]


# ---------------------------------------------------------------- sheet cells


def _column_styles(head: str, p: str) -> dict[int, str]:
    """{column: style index} from the sheet's <cols>."""
    styles = {}
    for tag in re.findall(rf"<{p}col\b[^>]*>", head):
        style, low, high = get_attr(tag, "style"), get_attr(tag, "min"), get_attr(tag, "max")
        if style and low and high and low.isdigit() and high.isdigit():
            for col in range(int(low), min(int(high), 16384) + 1):
                styles[col] = style
    return styles


def _grow_dimension(xml: str, p: str, cells: dict) -> str:
    """Widen <dimension ref> to cover the fixed cells."""
    match = re.search(rf"<{p}dimension\b[^>]*>", xml)
    if not match:
        return xml
    box = parse_range(get_attr(match.group(0), "ref") or "")
    rows = [r for r, _ in cells] + ([box[0], box[2]] if box else [])
    cols = [c for _, c in cells] + ([box[1], box[3]] if box else [])
    ref = f"{a1(min(rows), min(cols))}:{a1(max(rows), max(cols))}"
    return xml[: match.start()] + set_attr(match.group(0), "ref", ref) + xml[match.end():]


_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)", re.I)
_NOISE = re.compile(r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(.*?)\]\]>", re.S)


def _plain(body: str) -> str:
    """sheetData without comments and processing instructions (a commented-out <row> must not be taken
    for the row), CDATA sections written as escaped text. Neither carries anything a spreadsheet shows."""
    if "<!" not in body and "<?" not in body:
        return body
    return _NOISE.sub(lambda m: "" if m.group(1) is None else m.group(1).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), body)


_local = functools.lru_cache(maxsize=256)(local)  # a sheet's elements share a handful of tags


def streamed_check(data: bytes) -> tuple[str, str]:
    """(the root element's local name, what is out of order in a worksheet's rows and cells, else ''),
    read by expat as a stream, never built as a tree (a 20,000-row sheet's tree is ~80 MB). Rows must ascend and each
    row's cells ascend within it (a row or cell without r counts as the one after the previous): Excel
    repairs or rejects a sheet that breaks this. Raises ET.ParseError for a part that is not well-formed XML.

    A part written the plain way (every <row> and <c> with r first, nothing in sheetData that changes how its
    text reads) is checked by expat without a handler and a scan of its text (_plain_order_check), several
    times faster than a Python call per element; anything else, and every problem found, by the element walk.

    >>> streamed_check(b'<worksheet><sheetData><row r="2"/><row r="1"/></sheetData></worksheet>')
    ('worksheet', 'row 1 after row 2')
    """
    parser = expat.ParserCreate(None, "}")
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ET.ParseError(str(exc)) from None
    plain = _plain_order_check(data)
    return plain if plain is not None else _walked_check(data)


def _well_formed(data: bytes) -> None:
    """Raises ET.ParseError, as streamed_check does, for a part that is not well-formed XML."""
    parser = expat.ParserCreate(None, "}")
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ET.ParseError(str(exc)) from None


_ORDER_CHECK_ROWS = 2000  # rows whose cells _plain_order_check holds at once
_FIRST_ELEMENT = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml\b[^>]*\?>\s*)?<(?:(\w+):)?(\w+)[\s/>]")


def _plain_order_check(data: bytes) -> tuple[str, str] | None:
    """streamed_check's answer for a well-formed part written the plain way, when nothing is out of order;
    None otherwise (then the element walk answers, and words the problem). Plain: the root is the first
    element; sheetData once, with the root's prefix; in it no comment, CDATA or processing instruction, every
    <row> and <c> (of any prefix) written `<row r="5"` / `<c r="B5"`, every <c> inside a <row>, no <row> inside
    another. Then each row's number must exceed the one before, and each cell must be in its row, its column
    after the one before.

    >>> _plain_order_check(b'<worksheet><sheetData><row r="1"><c r="A1"/><c r="B1"/></row></sheetData></worksheet>')
    ('worksheet', '')
    >>> _plain_order_check(b'<worksheet><sheetData><row r="1"><c r="B1"/><c r="A1"/></row></sheetData></worksheet>') is None
    True
    """
    first = _FIRST_ELEMENT.match(data)
    if first is None:
        return None
    root = first.group(2).decode("ascii")
    if root != "worksheet":
        return root, ""
    p = first.group(1) + b":" if first.group(1) else b""  # all of it read as bytes: the markup is ASCII
    opening = data.find(b"<" + p + b"sheetData")
    if opening < 0:
        return None
    if data.count(b"sheetData") != 1 + data.count(b"</" + p + b"sheetData>") or data.count(b"<" + p + b"sheetData") != 1:
        return None
    start = data.find(b">", opening) + 1
    close = data.find(b"</" + p + b"sheetData>", start)
    body = b"" if data[start - 2:start - 1] == b"/" else data[start:close] if close >= 0 else None
    if body is None or b"<!" in body or b"<?" in body:
        return None
    row_open, row_close, cell_open = b"<" + p + b"row ", b"</" + p + b"row>", b"<" + p + b"c "
    segments = body.split(row_open)  # each row from its start to the next one's
    rows = segments[1:]
    cell_count, closed_rows = body.count(cell_open), body.count(row_close)
    if (segments[0].strip() or body.count(b"<" + p + b"row") != len(rows) or body.count(b"<" + p + b"c") != cell_count
            or body.count(b":row") != (len(rows) + closed_rows if p else 0)
            or body.count(b":c") != (cell_count + body.count(b"</" + p + b"c>") if p else 0)):
        return None  # a row or cell written another way, of another prefix, or outside its place: the walk reads it
    numbers = re.findall(rb"<" + re.escape(p) + rb'row r="([0-9]+)"', body)
    if len(numbers) != len(rows):
        return None  # a row without r first
    open_rows = 0
    for segment in rows:  # each row closes where its segment ends: no row inside another
        tag_end = segment.find(b">")
        if segment[tag_end - 1:tag_end] == b"/":
            if segment[tag_end + 1:].strip():
                return None
        elif not segment.rstrip().endswith(row_close):
            return None
        else:
            open_rows += 1
    if closed_rows != open_rows:
        return None
    rows_in_order = [int(n) for n in numbers]
    if rows_in_order[:1] == [0] or not all(map(operator.lt, rows_in_order, rows_in_order[1:])):
        return None
    cell_re, cells_seen = re.compile(rb"<" + re.escape(p) + rb'c r="([A-Z]{1,3})([0-9]+)"'), 0
    for first in range(0, len(rows), _ORDER_CHECK_ROWS):  # so many rows at a time: memory stays flat
        chunk, chunk_numbers = rows[first:first + _ORDER_CHECK_ROWS], numbers[first:first + _ORDER_CHECK_ROWS]
        cells = cell_re.findall(b"".join(chunk))
        cells_seen += len(cells)
        # each cell in its own row (its number, as many times as the row has cells), in column order
        owners = list(itertools.chain.from_iterable(map(itertools.repeat, chunk_numbers, (row.count(cell_open) for row in chunk))))
        if owners != [digits for _, digits in cells]:
            return None
        keys = [(int(digits), len(letters), letters) for letters, digits in cells]
        if not all(map(operator.lt, keys, keys[1:])):
            return None
    if cells_seen != cell_count:
        return None  # a cell without r first
    return root, ""


def _walked_check(data: bytes) -> tuple[str, str]:
    """streamed_check through expat with a handler per element: any shape of part, and the problem's words."""
    state = {"root": "", "depth": 0, "in_data": False, "problem": "", "row": 0, "col": 0}

    def start(tag: str, attrs: dict) -> None:
        state["depth"] += 1
        depth = state["depth"]
        name = _local(tag)
        if depth == 1:
            state["root"] = name
        elif state["problem"] or state["root"] != "worksheet":
            return
        elif depth == 2:
            state["in_data"] = name == "sheetData"
        elif depth == 3 and state["in_data"] and name == "row":
            r = attrs.get("r")
            number = int(r) if r else state["row"] + 1
            if number <= state["row"]:
                state["problem"] = f"row {number} after row {state['row']}"
            state["row"], state["col"] = number, 0
        elif depth == 4 and state["in_data"] and name == "c":
            ref = attrs.get("r")
            if ref:
                position = _cell_position(ref)
                if position is None or position[0] != state["row"]:
                    state["problem"] = f"cell {ref} in row {state['row']}"
                    return
                col = position[1]
            else:
                col = state["col"] + 1
            if col <= state["col"]:
                state["problem"] = f"cell {ref or col} after column {state['col']} in row {state['row']}"
            state["col"] = col

    def end(tag: str) -> None:
        state["depth"] -= 1

    parser = expat.ParserCreate(None, "}")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ET.ParseError(str(exc)) from None
    return state["root"], state["problem"] if state["root"] == "worksheet" else ""


@functools.lru_cache(maxsize=4096)
def _cell_position(ref: str) -> tuple[int, int] | None:
    """'B12' -> (12, 2); None for text that is not a cell reference. Remembered: every sheet has an A1."""
    found = _CELL_REF.fullmatch(ref)
    return (int(found.group(2)), column_number(found.group(1))) if found else None


class _SheetCells:
    """Rewrites the <sheetData> of one worksheet: replaced or inserted cells, kept bytes elsewhere."""

    def __init__(self, edit: _Edit, prefix: str, column_styles: dict[int, str]):
        self.edit = edit
        self.p = prefix
        self.column_styles = column_styles
        self.row_re = re.compile(rf"<{prefix}row\b([^>]*?)(?:/>|>(.*?)</{prefix}row>)", re.S)
        self.cell_re = re.compile(rf"<{prefix}c\b([^>]*?)(?:/>|>(.*?)</{prefix}c>)", re.S)
        self.formula_re = re.compile(rf"<{prefix}f\b([^>]*?)(?:/>|>(.*?)</{prefix}f>)", re.S)
        self.orphans: dict[str, tuple[str, int, int]] = {}  # shared formula si -> (text, row, col) of a replaced master

    def in_order(self, body: str) -> str:
        """sheetData with its rows, and each row's cells, in ascending order, every one with its r.
        Two rows or two cells at one place are ambiguous (which one does a program show?): ValueError."""
        rows, last_row = {}, 0
        for match in self.row_re.finditer(body):
            r = get_attr(match.group(1), "r")
            number = int(r) if r and r.isdigit() else last_row + 1
            last_row = number
            if number in rows:
                raise ValueError(f"two rows numbered {number}")
            cells, col = {}, 0
            for cell in self.cell_re.finditer(match.group(2) or ""):
                ref = get_attr(cell.group(1), "r")
                found = _CELL_REF.fullmatch(ref) if ref else None
                col = column_number(found.group(1)) if found else col + 1
                if col in cells:
                    raise ValueError(f"two cells at {a1(number, col)}")
                tag = set_attr(f"<{self.p}c{cell.group(1)}>", "r", a1(number, col))[:-1]
                cells[col] = tag + cell.group(0)[len(self.p) + 2 + len(cell.group(1)):]
            start = set_attr(f"<{self.p}row{match.group(1)}>", "r", str(number))
            rows[number] = start + "".join(cells[c] for c in sorted(cells)) + f"</{self.p}row>"
        return "".join(rows[n] for n in sorted(rows))

    def rewrite(self, body: str, cells: dict) -> str:
        pending = sorted(cells)
        out, position, last_row = [], 0, 0
        for match in self.row_re.finditer(body):
            if not pending and not self.orphans:
                break  # every fix placed and no shared formula to give out: the rest stays as it is
            r = get_attr(match.group(1), "r")
            number = int(r) if r and r.isdigit() else last_row + 1
            last_row = number
            before = [key for key in pending if key[0] < number]
            mine = {c: cells[(rr, c)] for rr, c in pending if rr == number}
            needs_shared = self.orphans and "si=" in (match.group(2) or "")
            if not before and not mine and not needs_shared:
                continue
            pending = [key for key in pending if key[0] > number]
            out.append(body[position : match.start()])
            out.append(self._new_rows(before, cells))
            out.append(self._row(match, number, mine) if mine or needs_shared else match.group(0))
            position = match.end()
        out.append(body[position:])
        out.append(self._new_rows(pending, cells))
        return "".join(out)

    def _new_rows(self, keys: list, cells: dict) -> str:
        rows: dict[int, list] = {}
        for r, c in keys:
            rows.setdefault(r, []).append(c)
        p = self.p
        return "".join(
            f'<{p}row r="{r}">' + "".join(self._cell(r, c, cells[(r, c)], self.column_styles.get(c)) for c in sorted(cols)) + f"</{p}row>"
            for r, cols in sorted(rows.items())
        )

    def _row(self, match: re.Match, number: int, mine: dict) -> str:
        p = self.p
        start_tag = set_attr(f"<{p}row{match.group(1)}>", "spans", None) if mine else f"<{p}row{match.group(1)}>"
        inner = match.group(2) or ""
        row_style = get_attr(match.group(1), "s") if get_attr(match.group(1), "customFormat") in ("1", "true") else None
        pending = sorted(mine)
        out, position, col = [], 0, 0
        for cell in self.cell_re.finditer(inner):
            ref = get_attr(cell.group(1), "r")
            found = _CELL_REF.fullmatch(ref) if ref else None
            col = column_number(found.group(1)) if found else col + 1
            out.append(inner[position : cell.start()])
            out.extend(self._cell(number, c, mine[c], row_style or self.column_styles.get(c)) for c in pending if c < col)
            pending = [c for c in pending if c >= col]
            if pending and pending[0] == col:
                out.append(self._replace(cell, number, col, mine[col]))
                pending.pop(0)
            else:
                out.append(self._follower(cell, number, col))
            position = cell.end()
        out.extend(self._cell(number, c, mine[c], row_style or self.column_styles.get(c)) for c in pending)
        out.append(inner[position:])
        return start_tag + "".join(out) + f"</{p}row>"

    def _replace(self, cell: re.Match, row: int, col: int, fix: tuple) -> str:
        """The new text of a fixed cell; notes any formula removed and orphaned shared-formula followers."""
        formula = self.formula_re.search(cell.group(2) or "")
        if formula:
            self.edit.formula_removed = True
            si = get_attr(formula.group(1), "si")
            if get_attr(formula.group(1), "t") == "shared" and si is not None and formula.group(2):
                self.orphans[si] = (formula.group(2), row, col)
        return self._cell(row, col, fix, get_attr(cell.group(1), "s"))

    def _follower(self, cell: re.Match, row: int, col: int) -> str:
        """A cell unchanged, unless it follows a shared formula whose master was replaced: then it gets its own formula."""
        content = cell.group(2)
        if not self.orphans or not content:
            return cell.group(0)
        formula = self.formula_re.search(content)
        if not formula or formula.group(2) or get_attr(formula.group(1), "t") != "shared":
            return cell.group(0)
        si = get_attr(formula.group(1), "si")
        if si not in self.orphans:
            return cell.group(0)
        text, master_row, master_col = self.orphans[si]
        master = ET.fromstring(f"<f>{text}</f>").text or ""
        own = f"<{self.p}f>{xml_text(shift_formula(master, row - master_row, col - master_col))}</{self.p}f>"
        start = cell.start(2) - cell.start()
        rebuilt = content[: formula.start()] + own + content[formula.end():]
        return cell.group(0)[:start] + rebuilt + cell.group(0)[start + len(content):]

    def _cell(self, row: int, col: int, fix: tuple, style: str | None) -> str:
        value = fix[0]
        p = self.p
        fraction = isinstance(value, Decimal) and value != value.to_integral_value()
        s = self.edit.styles.highlighted(int(style) if style and style.isdigit() else 0, fraction)
        if isinstance(value, Decimal):
            return f'<{p}c r="{a1(row, col)}" s="{s}"><{p}v>{number_text(value)}</{p}v></{p}c>'
        text = xml_text(value[:MAX_CELL_TEXT])
        return f'<{p}c r="{a1(row, col)}" s="{s}" t="inlineStr"><{p}is><{p}t xml:space="preserve">{text}</{p}t></{p}is></{p}c>'


# ---------------------------------------------------------------- styles


class _Styles:
    """xl/styles.xml as text: highlighted clones of cell formats and a bold header format."""

    MINIMAL = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )

    def __init__(self, edit: _Edit):
        target = next((t for k, t in edit.rels(edit.wb_part).values() if k.endswith("/styles")), None)
        if target is None or not edit.exists(target):
            target = "xl/styles.xml" if not edit.exists("xl/styles.xml") else edit.new_name("xl/styles{}.xml")
            edit.texts[target] = self.MINIMAL
            edit.add_content_type(target, CT_STYLES)
            edit.add_rel(edit.wb_part, "styles", target)
        self.part = target
        self.xml = edit.text(target)
        self.p = root_prefix(self.xml, "styleSheet")
        self.clones: dict[tuple[int, bool], int] = {}
        self.fill_id: int | None = None
        self.header: int | None = None
        self.known: dict[tuple[str, str], list[str]] = {}  # a section's items, kept up to date by _append

    def _items(self, section: str, item: str) -> list[str]:
        if (section, item) in self.known:
            return self.known[(section, item)]
        p = self.p
        match = re.search(rf"<{p}{section}\b[^>]*>(.*?)</{p}{section}>", self.xml, re.S)
        if not match:
            return []
        items = re.findall(rf"<{p}{item}\b[^>]*?/>|<{p}{item}\b[^>]*>.*?</{p}{item}>", match.group(1), re.S)
        if len(re.findall(rf"<{p}{section}\b", self.xml)) == 1:  # one such section: _append knows where its items go
            self.known[(section, item)] = items
        return items

    def _append(self, section: str, item_text: str, item: str) -> int:
        """Append to a section (creating an empty one if missing); returns the new item's index. An item
        the section already holds, character for character (a corrected copy corrected again), is reused."""
        p = self.p
        existing = self._items(section, item)
        if item_text in existing:
            return existing.index(item_text)
        if not re.search(rf"<{p}{section}\b", self.xml):
            order = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles", "colors", "extLst"]
            later = order[order.index(section) + 1:]
            where = top_level_position(self.xml, self.xml.index(">", self.xml.index(f"<{p}styleSheet")) + 1, set(later), p)
            where = where if where is not None else self.xml.rindex(f"</{p}styleSheet>")
            self.xml = self.xml[:where] + f'<{p}{section} count="0"></{p}{section}>' + self.xml[where:]
        index = len(self._items(section, item))
        self.xml = _insert_before_close(self.xml, f"{p}{section}", item_text)
        opening = re.search(rf"<{p}{section}\b[^>]*>", self.xml)
        self.xml = self.xml[: opening.start()] + set_attr(opening.group(0), "count", str(index + 1)) + self.xml[opening.end():]
        if (section, item) in self.known:
            self.known[(section, item)].append(item_text)
        return index

    def items(self, section: str, item: str) -> list[str]:
        """The items of a section as text (report_sheet.py builds its formats with these two)."""
        return list(self._items(section, item))

    def add(self, section: str, item_text: str, item: str) -> int:
        return self._append(section, item_text, item)

    def highlighted(self, style: int, fraction: bool = False) -> int:
        """The index of a copy of cell format `style` with a yellow solid fill (one copy per style). For a
        value with decimals (9.7, 72.74%) in a whole-number format ('0', '#,##0', '0%') the copy shows two decimals:
        otherwise the corrected cell would still show 10."""
        key = (style, fraction)
        if key not in self.clones:
            p = self.p
            if self.fill_id is None:
                if not self._items("fills", "fill"):
                    self._append("fills", f'<{p}fill><{p}patternFill patternType="none"/></{p}fill>', "fill")
                    self._append("fills", f'<{p}fill><{p}patternFill patternType="gray125"/></{p}fill>', "fill")
                fill = f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{HIGHLIGHT_RGB}"/><{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'
                self.fill_id = self._append("fills", fill, "fill")
            xfs = self._items("cellXfs", "xf")
            base = xfs[style] if style < len(xfs) else (xfs[0] if xfs else f'<{p}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>')
            head = re.match(rf"<{p}xf\b[^>]*?(/?)>", base)
            tag = set_attr(set_attr(head.group(0), "fillId", str(self.fill_id)), "applyFill", "1")
            wider = {"1": "2", "3": "4", "9": "10"}.get(get_attr(tag, "numFmtId") or "") if fraction else None  # 0 -> 0.00, 0% -> 0.00%
            if wider:
                tag = set_attr(set_attr(tag, "numFmtId", wider), "applyNumberFormat", "1")
            self.clones[key] = self._append("cellXfs", tag + base[head.end():], "xf")
        return self.clones[key]

    def header_style(self) -> int:
        """The index of a bold cell format for report headers (font 0 made bold)."""
        if self.header is None:
            p = self.p
            fonts = self._items("fonts", "font")
            base = fonts[0] if fonts else f'<{p}font><{p}sz val="11"/></{p}font>'
            base = re.sub(rf"<{p}b(\s[^>]*)?/>|<{p}b\b[^>]*>\s*</{p}b>", "", base)
            if base.endswith("/>"):
                base = base[:-2] + f"></{p}font>"
            head = re.match(rf"<{p}font\b[^>]*>", base)
            font = self._append("fonts", base[: head.end()] + f"<{p}b/>" + base[head.end():], "font")
            self.header = self._append("cellXfs", f'<{p}xf numFmtId="0" fontId="{font}" fillId="0" borderId="0" xfId="0" applyFont="1"/>', "xf")
        return self.header


# ---------------------------------------------------------------- comments and VML


def _comment_xml(p: str, ref: str, author_id: int, note: str) -> str:
    return f'<{p}comment ref="{ref}" authorId="{author_id}"><{p}text><{p}t xml:space="preserve">{xml_text(note)}</{p}t></{p}text></{p}comment>'


def _comments_xml(notes: dict[str, str]) -> str:
    body = "".join(_comment_xml("", ref, 0, note) for ref, note in notes.items())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN_NS}">'
            f"<authors><author>{NOTE_AUTHOR}</author></authors><commentList>{body}</commentList></comments>")


_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
              '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


def _vml_shape(shape_id: int, ref: str) -> str:
    row, col = parse_a1(ref)
    anchor = f"{col}, 15, {max(row - 2, 0)}, 10, {col + 3}, 15, {row + 3}, 4"
    return (f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
            f'margin-top:1.5pt;width:180pt;height:72pt;z-index:{shape_id % 1024};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
            '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            f'<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{anchor}</x:Anchor>'
            f"<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column></x:ClientData></v:shape>")


def _new_vml(idmap: int, refs: list[str]) -> str:
    shapes = "".join(_vml_shape(idmap * 1024 + 1 + i, ref) for i, ref in enumerate(refs))
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{idmap}"/></o:shapelayout>{_SHAPETYPE}{shapes}</xml>')


def _extend_vml(vml: str, refs: list[str]) -> str:
    """Add note shapes to an existing VML drawing (which need not be well-formed XML)."""
    if not refs:
        return vml
    ids = [int(n) for n in re.findall(r"_x0000_s(\d+)", vml)]
    idmap = re.search(r"""<o:idmap\b[^>]*\sdata\s*=\s*["'](\d+)""", vml)
    first = max(ids, default=(int(idmap.group(1)) if idmap else 1) * 1024) + 1
    shapes = ("" if "_x0000_t202" in vml else _SHAPETYPE) + "".join(_vml_shape(first + i, ref) for i, ref in enumerate(refs))
    end = vml.rfind("</xml>")
    if end < 0:
        raise ValueError("VML drawing without </xml>")
    return vml[:end] + shapes + vml[end:]


# ---------------------------------------------------------------- the zip


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


NAME_MAX = 255  # bytes in one file name on the usual file systems (ext4, NTFS in UTF-16 units, APFS)
TEMP_NAME_ROOM = NAME_MAX - 40  # what the name part may take: the rest is '.', '.PID.', mkstemp's 8 letters, '.tmp'


def _temp_prefix(dst: Path, pid: int) -> str:
    """'.NAME.PID.': the temporary file's name starts so (hidden: folder scans skip it), with the writer's pid.
    NAME is cut (at a character) to fit: a long Chinese name whose output fits in 255 bytes would
    otherwise make a temporary name that does not."""
    return f".{_short_name(dst.name)}.{pid}."


def _short_name(name: str) -> str:
    encoded = os.fsencode(name)
    if len(encoded) <= TEMP_NAME_ROOM:
        return name
    return os.fsdecode(encoded[:TEMP_NAME_ROOM]).encode("utf-8", "surrogateescape").decode("utf-8", "ignore") or "out"


def _remove_stale_temps(dst: Path) -> None:
    """Remove temporary files of dst left by an earlier run that was killed (SIGKILL, power cut) while
    writing: those whose writing process no longer exists. A live process's temporary file is kept."""
    if os.name != "posix":  # os.kill(pid, 0) only probes on POSIX
        return
    prefix = f".{_short_name(dst.name)}."
    pattern = re.compile(rf"{re.escape(prefix)}(\d+)\.[^.]+\.tmp")
    try:  # a batch writes each output here: the prefix test keeps a folder of thousands cheap to scan
        with os.scandir(dst.parent) as entries:
            candidates = [entry for entry in entries if entry.name.startswith(prefix) and pattern.fullmatch(entry.name)]
    except OSError:
        return
    for entry in candidates:
        pid = int(pattern.fullmatch(entry.name).group(1))
        try:
            os.kill(pid, 0)
            continue  # still running (or not ours to signal): leave it
        except ProcessLookupError:
            pass
        except OSError:
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            pass


@contextlib.contextmanager
def replacing(dst: Path):
    """Write dst whole or not at all: yields a binary handle on a hidden temporary file beside dst, which
    is synced and renamed onto dst when the block ends; any failure (full disk, Ctrl-C) removes it and
    leaves dst exactly as it was. A kill that no handler sees leaves '.NAME.PID.xxxx.tmp', which the
    next write of NAME removes."""
    dst = Path(dst)
    _remove_stale_temps(dst)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=_temp_prefix(dst, os.getpid()), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; the copy is for colleagues too
        os.replace(tmp, dst)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_zip(pkg: Package, dst: Path, edit: _Edit) -> None:
    """Write the package to dst through `replacing` (a temporary file beside it, renamed into place), the
    parts in the input's order, then the new ones. A changed or new part is deflated; an unchanged one is
    copied as the input stores it (Package.read_stored has inflated it and checked its CRC), not deflated
    again: the same bytes when unzipped, in a fraction of the time."""
    edits = {Package.key(name): text.encode("utf-8", "surrogateescape") for name, text in edit.texts.items()}
    with replacing(dst) as handle:
        out = _ZipOut(handle)
        written = set()
        for info in pkg.infos:
            key = Package.key(info.filename)
            if key in edit.removed or key in written:
                continue
            written.add(key)
            name = info.filename.replace("\\", "/")  # part names use '/'
            stored = None if key in edits else pkg.read_stored(info.filename)
            if stored is not None:
                out.copy(name, stored[0], stored[1])
            else:
                data = edits[key] if key in edits else pkg.read(info.filename)
                out.add(name, data, info.date_time, info.compress_type == zipfile.ZIP_STORED, info.external_attr, info.create_system)
        for name in edit.texts:
            if Package.key(name) not in written:
                out.add(name, edits[Package.key(name)], (1980, 1, 1, 0, 0, 0), False, 0, 3)
        out.close()


class _ZipOut:
    """A zip written member by member to a binary handle, as zipfile writes one (the same headers: version
    2.0, sizes and CRC in the local header, UTF-8 flag for a non-ASCII name, a ZIP64 end record only for
    more than 65,535 members), which can also take a member still compressed.

    >>> import io; buffer = io.BytesIO(); out = _ZipOut(buffer)
    >>> out.add("a.xml", b"<a/>", (1980, 1, 1, 0, 0, 0), False, 0, 3); out.close()
    >>> zipfile.ZipFile(buffer).read("a.xml")
    b'<a/>'
    """

    def __init__(self, handle):
        self.handle = handle
        self.position = 0
        self.directory: list[bytes] = []

    def add(self, name: str, data: bytes, date_time: tuple, stored: bool, external_attr: int, create_system: int) -> None:
        """A member from its bytes: deflated as zipfile does (default level, raw stream), or stored."""
        if stored:
            body, method = data, zipfile.ZIP_STORED
        else:
            deflater = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            body, method = deflater.compress(data) + deflater.flush(), zipfile.ZIP_DEFLATED
        self._member(name, body, method, zlib.crc32(data), len(data), date_time, external_attr, create_system)

    def copy(self, name: str, info: zipfile.ZipInfo, body: bytes) -> None:
        """A member copied still compressed: its stored bytes with its method, CRC, size, time and attributes."""
        self._member(name, body, info.compress_type, info.CRC, info.file_size, info.date_time, info.external_attr, info.create_system)

    def _member(self, name, body, method, crc, size, date_time, external_attr, create_system) -> None:
        if max(len(body), size, self.position) > 0xFFFFFFFF - 1:  # a workbook's parts are capped far below 4 GB
            raise WorkbookError("too_large", "更正副本超过 4 GB，无法写出。 (the corrected copy would exceed 4 GB)")
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800
        year, month, day, hour, minute, second = date_time
        dos_time, dos_date = hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day
        common = (flags, method, dos_time, dos_date, crc, len(body), size, len(encoded))  # zipfile's structFileHeader, structCentralDir
        self.directory.append(struct.pack("<4s4B4H3L5H2L", b"PK\x01\x02", 20, create_system, 20, 0, *common, 0, 0, 0, 0,
                                          external_attr or 0o600 << 16, self.position) + encoded)  # as zipfile: rw for its owner
        header = struct.pack("<4s2B4H3L2H", b"PK\x03\x04", 20, 0, *common, 0) + encoded
        self.handle.write(header)
        self.handle.write(body)
        self.position += len(header) + len(body)

    def close(self) -> None:
        """The central directory and the end record (ZIP64 end record and locator first when the count needs it)."""
        start = self.position
        directory = b"".join(self.directory)
        count = len(self.directory)
        self.handle.write(directory)
        if count > 0xFFFF:
            end64 = start + len(directory)
            self.handle.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(directory), start))
            self.handle.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, end64, 1))
        self.handle.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF), len(directory), start, 0))


# At the end, not the top: report_sheet.py imports this module's text helpers (see its last lines).
from .report_sheet import Table, defined_names, worksheet_xml  # noqa: E402
