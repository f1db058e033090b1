"""Open a workbook file safely and read its cells into Sheet grids.

Safety first: the format is decided by the file's bytes; zip packages are checked for zip bombs
(from the central directory before anything is decompressed, then again while reading); every XML
part is refused if it carries a DOCTYPE (the only place entities can be declared); password-protected
workbooks are recognised. Every failure becomes a WorkbookError with a code and a Chinese message.

.xlsx/.xlsm (and WPS .et saved as OOXML) are read straight from the zip. Worksheets and the shared
strings written the plain way are scanned as text once expat has found them well-formed (plain_text);
anything else goes through ElementTree (a worksheet parsed whole, or with iterparse when it is very
large), which reads every cell alike. .xls (OLE2/BIFF) is read with python-calamine.
The Package class and the part helpers (read_rels, sheet_entries ...) are shared with writer.py.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree as ET
from xml.parsers import expat

from .model import Sheet, SourceCell, a1, column_number

MAX_UNCOMPRESSED = 256 * 2**20  # bytes a workbook may unpack to
MAX_RATIO = 200  # a member this compressed ...
RATIO_MIN_SIZE = 10 * 2**20  # ... and at least this big is a bomb
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROLOG_WINDOW = 2**20  # an XML prolog (declaration, comments) longer than this is refused

_MESSAGES = {
    "missing": '找不到或无法打开文件 "{name}"。请检查文件路径和读取权限。 (file not found or unreadable{detail})',
    "empty": '文件 "{name}" 是空文件（0 字节），无法读取。请重新导出或另存为 .xlsx 再检查。 (empty file)',
    "not_workbook": '文件 "{name}" 不是 Excel 工作簿（.xlsx/.xls）。请用 Excel 或 WPS 打开后另存为 .xlsx 再检查。 (not a workbook{detail})',
    "encrypted": '文件 "{name}" 已加密（设置了打开密码），无法读取。请去掉密码后另存为 .xlsx 再检查。 (encrypted workbook)',
    "corrupt": '文件 "{name}" 已损坏或内容不完整，无法读取。请用 Excel 或 WPS 打开（必要时修复）后另存为 .xlsx 再检查。 (corrupt workbook{detail})',
    "too_large": '文件 "{name}" 解压后过大或压缩比异常，疑似压缩炸弹，已拒绝读取。请确认文件来源，删除无关内容后另存为 .xlsx 再检查。 (workbook too large when unpacked{detail})',
    "unsafe_xml": '文件 "{name}" 含有不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再检查。 (unsafe XML{detail})',
    "same_path": '输出文件 "{name}" 与输入文件相同，为保护原文件已拒绝写入。请换一个输出文件名。 (output would overwrite the input)',
    "not_xlsx": '文件 "{name}" 不是 .xlsx 格式，无法直接生成修正版。请用 Excel 或 WPS 另存为 .xlsx 后再检查。 (corrected copies need an .xlsx input{detail})',
    "unsupported": '文件 "{name}" 是 Excel 二进制工作簿（.xlsb），xlcheck 无法读取。请用 Excel 或 WPS 另存为 .xlsx 后再检查。 (binary .xlsb workbooks are not supported{detail})',
    "cannot_write": '无法写入更正副本 "{path}"。原文件未被修改，也没有留下不完整的文件。请检查输出文件夹是否存在、是否可写、磁盘空间是否足够，或用 -o / --out-dir 换一个位置。 (cannot write the output{detail})',
}
FOLDER_MESSAGE = ('"{name}" 是文件夹，其中没有找到可检查的工作簿（.xlsx/.xlsm/.xls/.et）。请指定工作簿文件，'
                  '或把工作簿放进该文件夹后再检查。 (a folder without workbooks)')


class WorkbookError(Exception):
    """A workbook that cannot be read or written, with a stable code and a message for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):
        # pickled between batch worker processes; the default would rebuild it from `message` alone
        return WorkbookError, (self.code, self.message)

    @classmethod
    def for_file(cls, code: str, path: str | Path, detail: str = "") -> WorkbookError:
        """The standard message for `code`, naming the file by its basename; detail goes in the gloss."""
        name = display(Path(str(path)).name)
        return cls(code, _MESSAGES[code].format(name=name, path=display(path), detail=f": {detail}" if detail else ""))


def display(path: Path | str) -> str:
    """A path as text anyone can print or store: a name that is not valid UTF-8 (made on another
    machine) has its undecodable bytes written as \\xNN instead of crashing the output or the summary.

    >>> display(os.fsdecode(b"\\xb5\\xa5.xlsx"))
    '\\\\xb5\\\\xa5.xlsx'
    """
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


# ---------------------------------------------------------------- format detection and OLE2


def detect_format(path: str | Path) -> str:
    """'xlsx' for a zip package (.xlsx/.xlsm/.et), 'xls' for an OLE2 workbook; decided by the bytes."""
    path = Path(path)
    try:
        if not path.exists():
            raise WorkbookError.for_file("missing", path)
        if path.is_dir():
            os.scandir(path).close()  # a folder that cannot be read is 'missing' (PermissionError below)
            raise WorkbookError("not_workbook", FOLDER_MESSAGE.format(name=display(path.name)))
        if not path.is_file():
            raise WorkbookError.for_file("not_workbook", path, "not a regular file")
        size = path.stat().st_size
        if size == 0:
            raise WorkbookError.for_file("empty", path)
        with path.open("rb") as f:
            head = f.read(8)
            if head.startswith(b"PK"):
                return "xlsx"
            if head != OLE_MAGIC:
                raise WorkbookError.for_file("not_workbook", path)
            names = {name.lower() for name in _ole_stream_names(f, size, path)}
    except OSError as exc:
        raise WorkbookError.for_file("missing", path, type(exc).__name__) from None
    if "encryptedpackage" in names:
        raise WorkbookError.for_file("encrypted", path)
    if not names & {"workbook", "book"}:
        raise WorkbookError.for_file("not_workbook", path, "an OLE2 file without a workbook stream")
    return "xls"


def _ole_stream_names(f, size: int, path: Path) -> set[str]:
    """The names of all storages and streams in an OLE2 compound file (directory only, no data)."""
    end_marks = 0xFFFFFFFA
    f.seek(0)
    header = f.read(512)
    if len(header) < 512:
        raise WorkbookError.for_file("corrupt", path, "truncated OLE2 header")
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        raise WorkbookError.for_file("corrupt", path, "bad OLE2 sector size")
    sector = 1 << shift
    limit = size // sector + 1  # no chain can be longer than the file

    def read_sector(number: int) -> bytes:
        f.seek((number + 1) * sector)
        data = f.read(sector)
        if len(data) < sector:
            raise WorkbookError.for_file("corrupt", path, "truncated OLE2 file")
        return data

    fat_count, dir_start = struct.unpack_from("<II", header, 44)
    difat_next = struct.unpack_from("<I", header, 68)[0]
    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    steps = 0
    while difat_next < end_marks and steps < limit:
        block = struct.unpack(f"<{sector // 4}I", read_sector(difat_next))
        fat_sectors.extend(block[:-1])
        difat_next = block[-1]
        steps += 1
    fat: list[int] = []
    for number in fat_sectors[: min(fat_count, limit)]:
        if number < end_marks:
            fat.extend(struct.unpack(f"<{sector // 4}I", read_sector(number)))
    names: set[str] = set()
    current, steps = dir_start, 0
    while current < end_marks and steps < limit:
        block = read_sector(current)
        for offset in range(0, sector, 128):
            length, kind = struct.unpack_from("<HB", block, offset + 64)
            if kind in (1, 2, 5) and 2 <= length <= 64:
                names.add(block[offset : offset + length - 2].decode("utf-16-le", "replace"))
        current = fat[current] if current < len(fat) else end_marks
        steps += 1
    return names


# ---------------------------------------------------------------- the zip package


class Package:
    """A zip package opened with zip-bomb checks; parts are read within a byte budget.

    Part names are looked up the way Excel does: case-insensitively, '/' or '\\', optionally %-encoded.
    """

    def __init__(self, path: str | Path, max_bytes: int = MAX_UNCOMPRESSED):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.used = 0
        try:
            self.zip = zipfile.ZipFile(self.path)
            self.infos = self.zip.infolist()
        except (FileNotFoundError, PermissionError) as exc:
            raise WorkbookError.for_file("missing", self.path, type(exc).__name__) from None
        except Exception as exc:  # BadZipFile, OSError on a bad seek, ValueError, EOFError, struct.error ...
            raise WorkbookError.for_file("corrupt", self.path, f"bad zip ({type(exc).__name__})") from None
        total = sum(info.file_size for info in self.infos)
        if total > max_bytes:
            self.close()
            raise WorkbookError.for_file("too_large", self.path, f"{total} bytes unpacked")
        for info in self.infos:
            if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                self.close()
                raise WorkbookError.for_file("too_large", self.path, f"{info.filename} compressed {info.file_size // max(info.compress_size, 1)}:1")
        self._names = {}
        for info in self.infos:
            for key in {self.key(info.filename), self.key(unquote(info.filename))}:
                other = self._names.setdefault(key, info)
                if other is not info and not info.filename.endswith("/"):
                    # Excel matches part names ignoring case, '\\' for '/' and %-escapes: which one would it show?
                    self.close()
                    raise WorkbookError.for_file("corrupt", self.path, f"two parts named {other.filename} and {info.filename}")

    @staticmethod
    def key(name: str) -> str:
        return name.replace("\\", "/").lstrip("/").lower()

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The member for a part name, or None."""
        return self._names.get(self.key(name)) or self._names.get(self.key(unquote(name)))

    def read(self, name: str) -> bytes:
        """A part's bytes, counting against the budget however the headers describe it."""
        info = self.find(name)
        if info is None:
            raise WorkbookError.for_file("corrupt", self.path, f"missing part {name}")
        if info.flag_bits & 0x1:  # a zip-level password: not how Excel encrypts, but the same answer for the user
            raise WorkbookError.for_file("encrypted", self.path, f"{name} is encrypted in the zip")
        member = self._read_plainly(info)
        if member is not None:
            self.used += len(member[1])
            return member[1]
        chunks = []
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(1 << 20):
                    self.used += len(chunk)
                    if self.used > self.max_bytes:
                        raise WorkbookError.for_file("too_large", self.path, f"more than {self.max_bytes} bytes unpacked")
                    chunks.append(chunk)
        except WorkbookError:
            raise
        except Exception as exc:  # zlib.error, BadZipFile (CRC), EOFError, NotImplementedError ...
            kind = type(exc).__name__ if type(exc).__module__ in ("builtins", "zipfile") else f"{type(exc).__module__}.{type(exc).__name__}"
            raise WorkbookError.for_file("corrupt", self.path, f"cannot unpack {name} ({kind}: {exc})"[:300]) from None
        return b"".join(chunks)

    def read_stored(self, name: str) -> tuple[zipfile.ZipInfo, bytes] | None:
        """A part as the zip holds it: its member and its stored (compressed) bytes, after inflating them
        and checking the CRC as read does, against the same budget; None where read would go through
        zipfile (other methods, flags, anything amiss: read says what). The writer copies an unchanged
        part so, without deflating it again."""
        info = self.find(name)
        if info is None or info.flag_bits & 0x1:
            return None
        member = self._read_plainly(info)
        if member is None:
            return None
        self.used += len(member[1])
        return info, member[0]

    def _read_plainly(self, info: zipfile.ZipInfo) -> tuple[bytes, bytes] | None:
        """(stored bytes, inflated bytes) of a member stored or deflated the usual way, inflated in one call
        (zipfile's reader costs about as much again in Python around zlib); None for anything else or anything amiss (other methods
        or flags, a local header that does not agree, a short, long or damaged stream, a CRC mismatch,
        more than the budget left): read then goes through zipfile, which refuses it in its own words.
        The inflated size is capped at the budget left (plus one byte, to tell)."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & ~0x80E:
            return None  # flags other than the deflate level (1-2), a data descriptor (3) and UTF-8 names (11)
        try:
            fp = self.zip.fp
            fp.seek(info.header_offset)
            header = fp.read(30)
            if len(header) != 30 or header[:4] != b"PK\x03\x04":
                return None
            flags, = struct.unpack_from("<H", header, 6)
            name_length, extra_length = struct.unpack_from("<HH", header, 26)
            name = fp.read(name_length).decode("utf-8" if flags & 0x800 else "cp437")  # as zipfile decodes it
            if flags & ~0x80E or name != info.orig_filename:
                return None
            fp.seek(extra_length, 1)
            raw = fp.read(info.compress_size)
        except (OSError, ValueError, AttributeError):  # a closed or unseekable file, undecodable name
            return None
        left = self.max_bytes - self.used
        if len(raw) != info.compress_size or info.file_size > left:
            return None
        if info.compress_type == zipfile.ZIP_STORED:
            data = raw
        else:
            inflater = zlib.decompressobj(-15)
            try:
                data = inflater.decompress(raw, info.file_size + 1)
            except zlib.error:
                return None
            if not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
                return None
        if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
            return None
        return raw, data

    def rewind(self) -> None:
        """Start a new pass over the parts with the whole budget, as a fresh open would (the writer
        copies every part of a package the reader has already read)."""
        self.used = 0

    def read_xml(self, name: str) -> bytes:
        """A part's bytes after checking that its prolog declares no DOCTYPE and a safe encoding."""
        data = self.read(name)
        check_prolog(data, self.path, name)
        return data

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_ENCODING = re.compile(r"""encoding\s*=\s*["']([^"']*)["']""")
_SAFE_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252"}


def check_prolog(data: bytes, path: Path, part: str) -> None:
    """Refuse XML whose prolog holds a DOCTYPE (entities, external DTDs) or an unusual encoding.

    Entities can only be declared inside a DOCTYPE, and a DOCTYPE can only stand before the root
    element, so reading the prolog is enough.
    """
    head = data[:PROLOG_WINDOW]
    if head[:2] in (b"\xff\xfe", b"<\x00"):
        text = head.decode("utf-16-le", "replace")
    elif head[:2] in (b"\xfe\xff", b"\x00<"):
        text = head.decode("utf-16-be", "replace")
    else:
        text = head.decode("latin-1")
    text = text.removeprefix("\ufeff").removeprefix("\u00ef\u00bb\u00bf")
    i = 0
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if text.startswith("<?", i):
            close = text.find("?>", i)
            if close < 0:
                break
            match = _ENCODING.search(text, i, close)
            if match and match.group(1).lower() not in _SAFE_ENCODINGS:
                raise WorkbookError.for_file("corrupt", path, f"{part} uses encoding {match.group(1)}")
            i = close + 2
        elif text.startswith("<!--", i):
            close = text.find("-->", i + 4)
            if close < 0:
                break
            i = close + 3
        elif text.startswith("<!", i):
            raise WorkbookError.for_file("unsafe_xml", path, f"DOCTYPE in {part}")
        elif text.startswith("<", i):
            return
        else:
            raise WorkbookError.for_file("corrupt", path, f"{part} is not XML")
    raise WorkbookError.for_file("unsafe_xml" if len(data) > PROLOG_WINDOW else "corrupt", path, f"unfinished XML prolog in {part}")


# ---------------------------------------------------------------- OOXML structure

def local(tag: str) -> str:
    """'{ns}sheet' -> 'sheet'."""
    return tag.rpartition("}")[2]


def rels_part(part: str) -> str:
    """'xl/workbook.xml' -> 'xl/_rels/workbook.xml.rels'."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source_part: str, target: str) -> str:
    """A relationship target as a part name, relative to the part that owns the relationship."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def read_rels(pkg: Package, source_part: str) -> dict[str, tuple[str, str]]:
    """{rId: (type, target part)} for a part ('' for the package); internal targets only."""
    name = rels_part(source_part) if source_part else "_rels/.rels"
    if pkg.find(name) is None:
        return {}
    rels = {}
    for el in ET.fromstring(pkg.read_xml(name)):
        if local(el.tag) == "Relationship" and el.get("TargetMode") != "External":
            rels[el.get("Id", "")] = (el.get("Type", ""), resolve(source_part, el.get("Target", "")))
    return rels


_OTHER_DOCUMENTS = (("word/", "wordprocessingml", "a Word document"), ("ppt/", "presentationml", "a PowerPoint presentation"),
                    ("visio/", "drawingml.diagram", "a Visio drawing"))


def workbook_part(pkg: Package) -> str:
    """The main workbook part's name (normally xl/workbook.xml). A Word or PowerPoint file, a plain zip
    archive or a binary .xlsb is refused with its own answer."""
    for kind, target in read_rels(pkg, "").values():
        if kind.endswith("/officeDocument") and pkg.find(target) is not None:
            if target.lower().endswith(".bin"):
                raise WorkbookError.for_file("unsupported", pkg.path, target)
            key, declared = Package.key(target), None
            for folder, content_type, what in _OTHER_DOCUMENTS:
                if key.startswith(folder):
                    raise WorkbookError.for_file("not_workbook", pkg.path, what)
                if declared is None:
                    declared = _content_type(pkg, target)  # read once, when first asked
                if content_type in declared:
                    raise WorkbookError.for_file("not_workbook", pkg.path, what)
            return target
    if pkg.find("xl/workbook.xml") is not None:
        return "xl/workbook.xml"
    if pkg.find("xl/workbook.bin") is not None:
        raise WorkbookError.for_file("unsupported", pkg.path, "xl/workbook.bin")
    if pkg.find("[Content_Types].xml") is None:
        raise WorkbookError.for_file("not_workbook", pkg.path, "a zip archive, not an Office document")
    raise WorkbookError.for_file("corrupt", pkg.path, "no xl/workbook.xml")


def _content_type(pkg: Package, part: str) -> str:
    """The content type [Content_Types].xml overrides for a part ('' when none or unreadable)."""
    if pkg.find("[Content_Types].xml") is None:
        return ""
    text = pkg.read_xml("[Content_Types].xml").decode("utf-8", "replace")
    key = Package.key(part)
    for tag in _OVERRIDE.findall(text):
        name = _PART_NAME.search(tag)
        if name and Package.key(unquote(name.group(1))) == key:
            kind = _CONTENT_TYPE.search(tag)
            return kind.group(1) if kind else ""
    return ""


_OVERRIDE = re.compile(r"<(?:\w+:)?Override\b[^>]*>")
_PART_NAME = re.compile(r"""PartName\s*=\s*["']([^"']*)["']""")
_CONTENT_TYPE = re.compile(r"""ContentType\s*=\s*["']([^"']*)["']""")


def sheet_entries(pkg: Package, wb_part: str, rels: dict[str, tuple[str, str]] | None = None) -> list[dict]:
    """Every sheet listed in workbook.xml, in order: name, state, rid, kind ('worksheet', 'chartsheet' ...), part.
    `rels`: the workbook part's read_rels, when the caller has read them."""
    rels = read_rels(pkg, wb_part) if rels is None else rels
    entries = []
    sheets = [el for section in ET.fromstring(pkg.read_xml(wb_part)) if local(section.tag) == "sheets" for el in section]
    for el in sheets:
        if local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if local(k) == "id"), "")
        kind, part = rels.get(rid, ("", ""))
        entries.append({"name": el.get("name", ""), "state": el.get("state", "visible"), "rid": rid,
                        "sheet_id": el.get("sheetId", ""), "kind": kind.rpartition("/")[2], "part": part})
    _refuse_ambiguous_sheets(pkg, entries)
    return entries


def _refuse_ambiguous_sheets(pkg: Package, entries: list[dict]) -> None:
    """Two sheets whose names differ only in case (Excel holds them to be one), or two sheets drawn from
    one part: a spreadsheet program repairs such a workbook its own way, so what xlcheck would read is
    not certainly what a person sees. Refused as corrupt."""
    names: dict[str, str] = {}
    parts: dict[str, str] = {}
    for entry in entries:
        name, part = entry["name"], Package.key(entry["part"]) if entry["part"] else ""
        if name.casefold() in names:
            raise WorkbookError.for_file("corrupt", pkg.path, f"two sheets named {names[name.casefold()]!r} and {name!r}")
        names[name.casefold()] = name
        if part and part in parts:
            raise WorkbookError.for_file("corrupt", pkg.path, f"sheets {parts[part]!r} and {name!r} are one part {entry['part']}")
        parts[part] = name


BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "# ?/?", 13: "# ??/??", 14: "yyyy/m/d", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy/m/d h:mm", 37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss",
    46: "[h]:mm:ss", 47: "mm:ss.0", 48: "##0.0E+0", 49: "@",
}


def cell_formats(pkg: Package, styles: str | None) -> list[str]:
    """The number format code of each cellXfs entry (index = the cell's s attribute)."""
    if not styles or pkg.find(styles) is None:
        return ["General"]
    root = ET.fromstring(pkg.read_xml(styles))
    custom, formats = {}, []
    for section in root:
        if local(section.tag) == "numFmts":
            for fmt in section:
                custom[fmt.get("numFmtId")] = fmt.get("formatCode", "General")
        elif local(section.tag) == "cellXfs":
            for xf in section:
                fid = xf.get("numFmtId", "0")
                code = custom.get(fid) or (BUILTIN_FORMATS.get(int(fid), "General") if fid.isdigit() else "General")
                formats.append(code)
    return formats or ["General"]


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """OOXML's _xHHHH_ escapes (control characters) back to characters."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def rich_text(el: ET.Element) -> str:
    """The text of an <si> or <is>: its <t>, or its runs' <t> concatenated; phonetic runs left out."""
    parts = []
    for child in el:
        name = local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if local(t.tag) == "t")
    return unescape("".join(parts))


def shared_strings(pkg: Package, part: str | None) -> list[str]:
    """The shared string table: the text of each <si> in order (rich_text)."""
    if not part or pkg.find(part) is None:
        return []
    data = pkg.read_xml(part)
    scanned = _scan_strings(data)
    return scanned if scanned is not None else parse_strings(data)


_SST_ROOT = re.compile(r"<sst\b(?:\s+[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*>")
_PLAIN_STRING = re.compile(r'<si>\s*<t(?: xml:space="preserve")?>([^<]*)</t>\s*</si>')


def _plain_root(data: bytes, root_pattern: re.Pattern) -> tuple[str, re.Match] | None:
    """A plain part's text (plain_text) and its root element's start tag matched by `root_pattern`, or None
    when the part is not plain or that element is not the first one (only the XML declaration before it)."""
    text = plain_text(data)
    if text is None:
        return None
    root = root_pattern.search(text, 0, 4096)
    if root is None or text.count("<", 0, root.start()) != text.count("<?", 0, root.start()):
        return None
    return text, root


def _scan_strings(data: bytes) -> list[str] | None:
    """parse_strings's answer from a scan of the text, or None when the table is not plain.

    Plain (as Excel and WPS write a table without formatted runs): a plain_text part whose root <sst>
    holds nothing but <si><t>text</t></si> (each with 4 tags, so counting the '<' proves no other
    markup was passed over). The text then reads as the parser reads it: references replaced, line
    ends as '\\n', then _xHHHH_ escapes (rich_text).

    >>> _scan_strings(b'<sst xmlns="x"><si><t>A&amp;B</t></si><si><t xml:space="preserve"> _x0009_</t></si></sst>')
    ['A&B', ' \\t']
    """
    found = _plain_root(data, _SST_ROOT)
    if found is None:
        return None
    text, root = found
    end = text.rfind("<")  # nothing but the root's end tag can come last: comments and PIs are not plain
    body = text[root.end():end]
    found = _PLAIN_STRING.findall(body)
    if body.count("<") != 4 * len(found):
        return None  # runs (<r>), phonetic text, an empty <t/>, other markup: the parser reads them
    if "&" in body or "\r" in body or "_x" in body:
        return [unescape(xml_unescape(t)) for t in found]
    return found


def parse_strings(data: bytes) -> list[str]:
    """The shared string table read by ElementTree (each <si>, wherever it stands, by rich_text)."""
    strings = []
    for _, el in ET.iterparse(io.BytesIO(data)):
        if local(el.tag) == "si":
            strings.append(rich_text(el))
            el.clear()
    return strings


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """'A1:F1' -> (1, 1, 1, 6); 'B2' -> (2, 2, 2, 2); None if not a range."""
    ends = []
    for piece in ref.split(":")[:2]:
        match = _REF.match(piece.strip())
        if not match:
            return None
        ends.append((int(match.group(2)), column_number(match.group(1))))
    (r1, c1), (r2, c2) = ends[0], ends[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


MAIN_NAMESPACES = ("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}", "{http://purl.oclc.org/ooxml/spreadsheetml/main}", "")
_ROW_TAGS = {ns + "row" for ns in MAIN_NAMESPACES}
_MERGE_TAGS = {ns + "mergeCell" for ns in MAIN_NAMESPACES}
_SHEET_DATA_TAGS = {ns + "sheetData" for ns in MAIN_NAMESPACES}
_MERGE_CELLS_TAGS = {ns + "mergeCells" for ns in MAIN_NAMESPACES}
WHOLE_PARSE_LIMIT = 32 * 2**20  # worksheet parts up to this size are parsed in one go (faster); larger ones streamed


def read_worksheet(data: bytes, strings: list[str], formats: list[str], memo: WorkbookScan | None = None) -> tuple[dict, list]:
    """Cells {(row, col): SourceCell} and merged ranges of one worksheet part.

    Parts written the plain way are scanned as text (_scan_worksheet: about a third of the time of
    building the element tree); anything else, and parts too large to hold as text twice, go through
    ElementTree (walk_worksheet). Both read every cell alike. `memo`: what the scan works out once for
    the worksheets of one workbook (same strings and formats), to share between them.
    """
    if len(data) <= WHOLE_PARSE_LIMIT:
        scanned = _scan_worksheet(data, strings, formats, memo)
        if scanned is not None:
            return scanned
    return walk_worksheet(data, strings, formats)


def walk_worksheet(data: bytes, strings: list[str], formats: list[str]) -> tuple[dict, list]:
    """read_worksheet through ElementTree: small parts are parsed whole (its C parser, no per-element
    Python work); large ones with iterparse, each row dropped once read."""
    reader = _RowReader(strings, formats)
    merged = []
    if len(data) <= WHOLE_PARSE_LIMIT:
        for section in ET.fromstring(data):
            if section.tag in _SHEET_DATA_TAGS:
                for row in section:
                    if row.tag in _ROW_TAGS:
                        reader.read(row)
            elif section.tag in _MERGE_CELLS_TAGS:
                merged.extend(parse_range(m.get("ref", "")) for m in section if m.tag in _MERGE_TAGS)
    else:
        for _, el in ET.iterparse(io.BytesIO(data)):
            if el.tag in _ROW_TAGS:
                reader.read(el)
                el.clear()
            elif el.tag in _MERGE_TAGS:
                merged.append(parse_range(el.get("ref", "")))
    return reader.cells, [m for m in merged if m]


_DECLARATION = re.compile(rb"""<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_ROOT = re.compile(r"<(?:(\w+):)?worksheet\b((?:\s+[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*>")
_NS_DECLARATION = re.compile(r"""\sxmlns(?::(\w+))?\s*=\s*["']([^"']*)["']""")
_ATTRIBUTE = re.compile(r"""([^\s=]+)\s*=\s*["']([^"']*)["']""")
_ENTITY = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_PLAIN_RANGE = re.compile(r"([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)")
_NAMED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def xml_unescape(text: str) -> str:
    """Character data as an XML parser hands it over: line ends as '\\n', references replaced
    (only the predefined entities and character references can occur: a DOCTYPE is refused).

    >>> xml_unescape("A&amp;B&#x4E00;\\r\\n")
    'A&B\u4e00\\n'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else chr(int(m.group(2))) if m.group(2)
                           else _NAMED_ENTITIES[m.group(3)], text)
    return text


class _NotPlain(Exception):
    """Raised from expat's handlers to stop at a comment, processing instruction or CDATA section."""


def _stop(*_) -> None:
    raise _NotPlain


def plain_text(data: bytes) -> str | None:
    """The text of an XML part that a scan may read, or None when only a parser reads it right.

    A part is plain when it is UTF-8 and well-formed (expat checks it, namespaces included, as
    ElementTree would, without building anything) and holds no comment, processing instruction or
    CDATA section anywhere (they could hide or hold markup a scan would misread; expat's handlers for
    them stop the check at the first one, and a plain part calls none).

    >>> plain_text(b'<?xml version="1.0" encoding="UTF-8"?><a>x</a>'), plain_text(b'<a><!-- x --></a>')
    ('<?xml version="1.0" encoding="UTF-8"?><a>x</a>', None)
    """
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
        return None
    declared = _DECLARATION.match(data, 0, 200)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    parser = expat.ParserCreate(None, "}")
    parser.CommentHandler = parser.ProcessingInstructionHandler = parser.StartCdataSectionHandler = _stop
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _NotPlain):
        return None  # ElementTree gives the error and its position, or reads what the scan would not
    return data.decode("utf-8")


class WorkbookScan:
    """What the scan works out once for all the worksheets of one workbook and shares between them (they
    have the same shared strings and formats; read_package makes one per workbook and keeps none):

    - cells: each distinct text after a <c>'s r="A1" -> its cell (cells are immutable, equal ones shared);
    - ranges: each merged range's ref text ('A1:G1') -> (row, col, row, col), None when it is no range;
    - columns: column letters -> number;
    - formats: a cell's s attribute ('3'; None without one) -> its number format;
    - prefixes: a root <worksheet ...> start tag -> the main namespace's prefix ('' or 'x:'), None
      when the scan cannot read under it (the sheets of a workbook have the same root tag).
    """

    def __init__(self):
        self.cells: dict[str, SourceCell | None] = {}
        self.ranges: dict[str, tuple[int, int, int, int] | None] = {}
        self.columns: dict[str, int] = {}
        self.formats: dict[str, str] = {}
        self.prefixes: dict[str, str | None] = {}


def _main_prefix(root_tag: str, prefix: str) -> str | None:
    """The prefix ('' or 'x:') of a root <worksheet> start tag spelled `prefix`:<worksheet, when its
    namespace is the main one and no other prefix is bound to it (its cells would be missed); else None.

    >>> _main_prefix('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', "x")
    'x:'
    """
    declared = _NS_DECLARATION.findall(root_tag)
    uri = next((u for bound, u in reversed(declared) if bound == prefix), "")
    if ("{%s}" % uri if uri else "") not in MAIN_NAMESPACES:
        return None
    if any(u in (uri, *(ns[1:-1] for ns in MAIN_NAMESPACES)) for bound, u in declared if bound != prefix):
        return None  # the main namespace under a second prefix: its cells would be missed
    return prefix + ":" if prefix else ""


def _scan_worksheet(data: bytes, strings: list[str], formats: list[str], memo: WorkbookScan | None = None) -> tuple[dict, list] | None:
    """read_worksheet's answer from a scan of the text, or None when the part is not written the plain way
    Excel, WPS and LibreOffice write it (then ElementTree reads it).

    Parsing every <c> into an element tree costs several times a regular-expression scan of the text.
    The scan only reads plain parts (plain_text: well-formed, UTF-8, no comments, processing
    instructions or CDATA) with the main namespace declared once on the root and no namespace
    declarations in <sheetData>. A cell whose content or attributes are not the plain shapes is parsed
    on its own by ElementTree, so every cell reads exactly as read_worksheet's tree walk reads it.
    """
    found = _plain_root(data, _ROOT)
    if found is None:
        return None
    text, root = found
    memo = memo if memo is not None else WorkbookScan()
    root_tag = root.group(0)
    p = memo.prefixes.get(root_tag, _UNSEEN)
    if p is _UNSEEN:
        p = memo.prefixes[root_tag] = _main_prefix(root_tag, root.group(1) or "")
    if p is None:
        return None
    spelling = _spelling(p)
    opening = spelling.sheet_data.search(text, root.end())
    if opening is None:
        return None
    end = opening.end() if opening.group(1) else text.find(f"</{p}sheetData>", opening.end())
    body = text[opening.end():end]
    if end < 0 or "xmlns" in body or text.find(f"<{p}sheetData", end) >= 0 or text.find(f"</{p}sheetData", end + 1) >= 0:
        return None  # a second <sheetData>, after this one or inside it (its end tag came first): ElementTree reads them
    after = opening.end() if opening.group(1) else end + len(f"</{p}sheetData>")
    merged = _scan_merges(text, root.end(), opening.start(), after, spelling, memo)
    if merged is None:
        return None
    return _CellScanner(strings, formats, p, root_tag, memo).scan(body), merged


_ATTRIBUTES = r"""(?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*"""  # a start tag's attributes, as XML spells them
_ONE_ATTRIBUTE = re.compile(r"""([^\s=>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_EMPTY_ELEMENTS = re.compile(r"(?:\s*<[^<>]*/>)*\s*")  # in a well-formed part: empty elements and white space


class _Spelling:
    """The scan's regular expressions for one namespace prefix p ('' or 'x:'), compiled once: looking
    each up in re's cache again for every worksheet costs more than some of the searches."""

    def __init__(self, p: str):
        self.p = p
        attrs = rf"({_ATTRIBUTES})\s*"
        self.sheet_data = re.compile(rf"<{p}sheetData\b[^>]*?(/?)>")
        self.merge_cells = re.compile(rf"<{p}mergeCells\b[^>]*?(/?)>")
        self.usual_merge = re.compile(rf'<{p}mergeCell ref="([A-Z]{{1,3}}[0-9]+:[A-Z]{{1,3}}[0-9]+)"/>')
        self.any_merge = re.compile(rf"""<{p}mergeCell({_ATTRIBUTES})\s*/>""")
        self.every = re.compile(rf"<{p}row\b{attrs}/?>|<{p}c{attrs}(?:/>|>(.*?)</{p}c\s*>)", re.S)
        self.placed = re.compile(rf'<{p}c r="([A-Z]++)([0-9]++)"([^>/]*+>(?:<{p}v>[^<]*+</{p}v>|.*?))</{p}c>', re.S)
        self.tail = re.compile(rf'(?: s="([0-9]++)")?+(?: t="(\w++)")?+([^>/]*+)>(?:<{p}v>([^<]*+)</{p}v>\Z|(.*))', re.S)
        self.formula_value = re.compile(rf"<{p}f>([^<]*)</{p}f><{p}v>([^<]*)</{p}v>")
        self.inline_text = re.compile(rf"""<{p}is><{p}t(?:\s+xml:space\s*=\s*["']preserve["'])?>([^<]*)</{p}t></{p}is>""")


@functools.lru_cache(maxsize=8)
def _spelling(p: str) -> _Spelling:
    return _Spelling(p)


def _scan_merges(text: str, head: int, sheet_data: int, after: int, spelling: _Spelling,
                 memo: WorkbookScan) -> list[tuple[int, int, int, int]] | None:
    """The merged ranges as walk_worksheet reads them (the ref of each <mergeCell> in each <mergeCells>
    that is a child of the root), or None when a scan cannot be sure of them: the word mergeCells
    anywhere between the root's start tag (`head`) and <sheetData> or more than once after its end
    (`after`), other than empty elements between </sheetData> and <mergeCells> (it could stand
    inside one of them), a namespace declared on it or in it, or other markup than empty
    <mergeCell .../> in it.

    The usual section (every element a <mergeCell ref="A1:C1"/>, as Excel writes it) is read by one
    regular expression; any other spelling ($, quotes, other attributes) by each element's attributes.
    Each distinct ref text is worked out once per workbook (memo.ranges: the sheets of a form repeat
    their merges).
    """
    if text.find("mergeCells", head, sheet_data) >= 0:
        return None
    opening = spelling.merge_cells.search(text, after)
    if opening is None:
        return None if text.find("mergeCells", after) >= 0 else []
    if text.count("mergeCells", after) != (1 if opening.group(1) else 2) or not _EMPTY_ELEMENTS.fullmatch(text, after, opening.start()):
        return None
    if opening.group(1):
        return []
    section = text[opening.end():text.find(f"</{spelling.p}mergeCells", opening.end())]
    if "xmlns" in opening.group(0) or "xmlns" in section:  # in another namespace the walk would pass it by
        return None
    refs = spelling.usual_merge.findall(section)
    if len(refs) != section.count("<"):  # each usual match holds one '<': other markup was passed over
        tags = spelling.any_merge.findall(section)
        if len(tags) != section.count("<"):
            return None
        refs = [next((v1 or v2 for name, v1, v2 in _ONE_ATTRIBUTE.findall(attrs) if name == "ref"), "") for attrs in tags]
    ranges, merged = memo.ranges, []
    for ref in refs:
        merge = ranges.get(ref, _UNSEEN)
        if merge is _UNSEEN:
            merge = ranges[ref] = _merge_range(ref, memo.columns)
        if merge is not None:
            merged.append(merge)
    return merged


def _merge_range(ref: str, columns: dict[str, int]) -> tuple[int, int, int, int] | None:
    """A mergeCell's ref attribute as written (references not yet replaced) as parse_range reads the
    parser's value of it; `columns`: column letters -> number, worked out once.

    >>> _merge_range("C2:A1", {}), _merge_range("$A$4:B5", {}), _merge_range("A1:", {})
    ((1, 1, 2, 3), (4, 1, 5, 2), None)
    """
    plain = _PLAIN_RANGE.fullmatch(ref)
    if plain is None:
        return parse_range(unescape_attr(ref))
    l1, r1, l2, r2 = plain.groups()
    c1 = columns.get(l1) or columns.setdefault(l1, column_number(l1))
    c2 = columns.get(l2) or columns.setdefault(l2, column_number(l2))
    r1, r2 = int(r1), int(r2)
    return (r1, c1, r2, c2) if r1 <= r2 and c1 <= c2 else (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def unescape_attr(value: str) -> str:
    """An attribute's value as a parser gives it: references replaced, tabs and line ends as spaces."""
    return xml_unescape(value.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " "))


def cell_place(ref: str, columns: dict[str, int]) -> tuple[int, int]:
    """(row, column) of a cell reference, each column's letters worked out once in `columns` (the careful
    readers' way; the plain scan does the same inline, per cell).

    >>> cell_place("AB12", {})
    (12, 28)
    """
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), columns.get(letters) or columns.setdefault(letters, column_number(letters))


NOT_PLAIN = SourceCell(None)  # _CellScanner._cell's answer for content the parser must read
_UNSEEN = object()


class _CellScanner:
    """The cells of one <sheetData> text, as _RowReader would make them.

    When every <c> with content starts with its r="A1" (Excel, WPS, LibreOffice and xlsxwriter write
    them so), only those cells are visited: an empty cell changes nothing, with or without an address
    (a place counted from it would only matter to a cell without one). Otherwise rows and empty cells
    are followed too, to count the places of cells without an address. A cell in a shape other than
    the three plain ones (a value; a formula and its value; an inline string) is parsed by ElementTree
    on its own.
    """

    def __init__(self, strings: list[str], formats: list[str], p: str, root_tag: str, memo: WorkbookScan):
        self.rows = _RowReader(strings, formats, memo.columns)
        self.known = memo.cells  # what follows a <c>'s r="A1" -> its cell: equal cells shared
        self.strings, self.formats = strings, formats
        self.format_of = memo.formats  # s attribute -> number format
        self.p = p
        self.root_tag = root_tag
        spelling = _spelling(p)
        self.every, self.placed, self.tail = spelling.every, spelling.placed, spelling.tail
        self.formula_value, self.inline_text = spelling.formula_value, spelling.inline_text
        self.value_only = (f"<{p}v>", f"</{p}v>")

    def scan(self, body: str) -> dict[tuple[int, int], SourceCell]:
        """The cells by the plain expression (placed) when each '</c' in the body ends one of its
        matches, else by following every row and cell (_every).

        A match runs from a <c r="A1" to the first '</c>' after it, and in a well-formed part a '<'
        only opens markup, so when the counts agree every <c> with content (whose end tag is a '</c')
        starts with its address and is matched whole, and no match spans a second cell. An end tag
        spelled '</c >', a nested <c> or a cell without its address first leaves a '</c' unmatched.
        """
        matches = self.placed.findall(body)
        if len(matches) == body.count(f"</{self.p}c"):
            return self._placed(matches)
        return self._every(body)

    def _placed(self, matches: list[tuple[str, str, str]]) -> dict[tuple[int, int], SourceCell]:
        """The cells of (column letters, row digits, the rest of the <c> up to its </c>): a cell is
        made once for each distinct rest (cells are immutable; the rest is all a cell's content
        depends on), so most cells cost a lookup.

        Two cells at one place are told by the count at the end (the dict keeps one of them), not asked
        for each cell; a bad cell is refused only after asking whether a place before it was taken
        twice, the order in which the tree walk meets the two faults."""
        cells, columns, known = self.rows.cells, self.rows.columns, self.known
        blank, last, row = 0, None, 0
        for letters, digits, rest in matches:
            cell = known.get(rest, _UNSEEN)
            if cell is _UNSEEN:
                try:
                    cell = known[rest] = self._rest_cell(letters, digits, rest)
                except ValueError:
                    self._refuse_twice(matches, (letters, digits, rest))
                    raise
            if cell is None:
                blank += 1
            else:
                if digits != last:  # a row's cells come one after another: its number read once for them
                    last, row = digits, int(digits)
                cells[row, columns.get(letters) or columns.setdefault(letters, column_number(letters))] = cell
        if len(cells) + blank != len(matches):
            self._refuse_twice(matches)
        return cells

    def _refuse_twice(self, matches: list[tuple[str, str, str]], stop: tuple[str, str, str] | None = None) -> None:
        """Raise 'two cells at A1' for the first place taken by two cells with content among the matches
        before `stop` (their cells are known by then)."""
        seen = set()
        for match in matches:
            if match == stop:
                return
            letters, digits, rest = match
            if self.known[rest] is not None:
                place = (int(digits), column_number(letters))
                if place in seen:  # two values for one cell: which would a spreadsheet program show?
                    raise ValueError(f"two cells at {a1(*place)}")
                seen.add(place)

    def _rest_cell(self, letters: str, digits: str, rest: str) -> SourceCell | None:
        """One cell from what follows its r="A1": ' s="3" t="s"><v>12</v>' (the usual shapes made here,
        the others by _cell or, failing that, ElementTree)."""
        s, t, extra, v, content = self.tail.match(rest).groups()
        if not v and not content:
            return None
        if v and not extra:  # <v>…</v> alone, the usual cell
            if t == "s" and v.isdigit() and int(v) < len(self.strings):  # the usual two first
                text = self.strings[int(v)]
                return SourceCell(text, None, None, self.format_of.get(s) or self._format(s)) if text else None
            if not t and "&" not in v and "\r" not in v and not v.isspace():
                try:
                    return SourceCell(excel_number(v), None, None, self.format_of.get(s) or self._format(s))
                except (InvalidOperation, ValueError) as exc:
                    raise ValueError(f"cell {a1(int(digits), column_number(letters))} holds {v!r}, not a value Excel can hold") from exc
        row, col = int(digits), column_number(letters)
        v_open, v_close = self.value_only
        if v and not extra:
            return self._cell(t or None, s or None, f"{v_open}{v}{v_close}", row, col)
        if content is None:
            content = f"{v_open}{v}{v_close}"
        if extra:
            attrs = self._attributes(extra)
            s, t = (s or attrs.get("s"), t or attrs.get("t")) if attrs is not None else (s, t)
        cell = self._cell(t or None, s or None, content, row, col) if not extra or attrs is not None else NOT_PLAIN
        if cell is NOT_PLAIN:
            attributes = f'{f" s={s!r}" if s else ""}{f" t={t!r}" if t else ""}{extra}'
            cell = self._parsed(f'<{self.p}c r="{letters}{digits}"{attributes}>{content}</{self.p}c>', row, col)
        return cell

    def _format(self, s: str) -> str:
        """The number format of style index s ('' for none), remembered in format_of."""
        index = int(s) if s else 0
        fmt = self.format_of[s] = self.formats[index] if index < len(self.formats) else "General"
        return fmt

    def _every(self, body: str) -> dict[tuple[int, int], SourceCell]:
        cells, columns = self.rows.cells, self.rows.columns
        row = col = 0
        for match in self.every.finditer(body):
            row_attrs, attrs, content = match.groups()
            if row_attrs is not None:  # a <row>
                r = self._row_number(row_attrs) if "r" in row_attrs else None
                row = int(r) if r else row + 1
                col = 0
                continue
            found = self._attributes(attrs)
            if found is None:  # attributes only the parser reads right
                element = self._element(match.group(0))
                ref = element.get("r")
            else:
                ref = found.get("r")
            if ref:
                cell_row, col = cell_place(ref, columns)
            else:
                col += 1
                cell_row = row
            if not content:
                continue
            if found is None:
                cell = self._from_element(element, content, cell_row, col)
            else:
                cell = self._cell(found.get("t"), found.get("s"), content, cell_row, col)
                if cell is NOT_PLAIN:
                    cell = self._parsed(match.group(0), cell_row, col)
            self._put(cells, cell_row, col, cell)
        return cells

    @staticmethod
    def _put(cells: dict, row: int, col: int, cell: SourceCell | None) -> None:
        if cell is not None:
            if (row, col) in cells:  # two values for one cell: which would a spreadsheet program show?
                raise ValueError(f"two cells at {a1(row, col)}")
            cells[(row, col)] = cell

    @staticmethod
    def _attributes(attrs: str) -> dict[str, str] | None:
        """{name: value} of a start tag's attributes, or None when a value needs the parser (references,
        whitespace to normalise, the other quote)."""
        if "&" in attrs or "'" in attrs or "\t" in attrs or "\n" in attrs or "\r" in attrs:
            return None
        return dict(_ATTRIBUTE.findall(attrs))

    def _cell(self, t: str | None, s: str | None, content: str, row: int, col: int) -> SourceCell | None:
        """A cell from its t and s attributes and its content (the text between <c ...> and </c>), or
        NOT_PLAIN when the content is not one of the plain shapes."""
        v_open, v_close = self.value_only
        try:
            if content.startswith(v_open) and content.endswith(v_close) and content.count("<") == 2:
                v = content[len(v_open):-len(v_close)]
                return _make_cell(t, xml_unescape(v) if v else None, None, s, self.strings, self.formats)
            if both := self.formula_value.fullmatch(content):
                v = xml_unescape(both.group(2)) if both.group(2) else None
                return _make_cell(t, v, xml_unescape(both.group(1)), s, self.strings, self.formats)
            if t == "inlineStr" and (inline := self.inline_text.fullmatch(content)):
                return _make_cell("str", xml_unescape(inline.group(1)), None, s, self.strings, self.formats)
        except (InvalidOperation, ValueError, IndexError) as exc:  # 'NaN', 'INF', '1,5', a string index past the end
            raise ValueError(f"cell {a1(row, col)} holds {_stored_text(content)!r}, not a value Excel can hold") from exc
        return NOT_PLAIN

    def _parsed(self, cell_text: str, row: int, col: int) -> SourceCell | None:
        return self._from_element(self._element(cell_text), cell_text, row, col)

    def _from_element(self, element: ET.Element, content: str, row: int, col: int) -> SourceCell | None:
        if not len(element):  # no <v>, <f> or <is>: an empty (perhaps styled) cell
            return None
        try:
            return self.rows.cell(element, *self.rows.tags[1:])
        except (InvalidOperation, ValueError, IndexError) as exc:
            raise ValueError(f"cell {a1(row, col)} holds {stored_text(element, self.rows.tags[1])!r}, not a value Excel can hold") from exc

    def _element(self, cell_text: str) -> ET.Element:
        """One <c> (or <row> start) parsed by ElementTree inside a copy of the root's start tag (its namespaces)."""
        element = ET.fromstring(f"{self.root_tag}{cell_text}</{self.p}worksheet>")[0]
        if self.rows.tags is None:
            ns = element.tag[: element.tag.rfind("}") + 1]
            self.rows.tags = (ns + "c", ns + "v", ns + "f", ns + "is")
        return element

    def _row_number(self, attrs: str) -> str | None:
        found = self._attributes(attrs)
        return self._element(f"<{self.p}row{attrs}/>").get("r") if found is None else found.get("r")


def _stored_text(content: str) -> str:
    """stored_text of a plain cell's content ('<f>1/0</f><v>NaN</v>' -> 'NaN'), for a message."""
    match = re.search(r"<(?:\w+:)?v>([^<]*)<", content) or re.search(r">([^<]*)<", content)
    return xml_unescape(match.group(1)) if match else ""


def stored_text(c: ET.Element, v_tag: str) -> str:
    """The text a <c> element stores, for a message: its <v>'s, else its first child's ('' for none)."""
    shown = c.find(v_tag)
    if shown is None and len(c):
        shown = c[0]
    return (shown.text or "") if shown is not None else ""


def _make_cell(kind: str | None, v: str | None, formula: str | None, s: str | None,
               strings: list[str], formats: list[str]) -> SourceCell | None:
    """_RowReader.cell for a <c> holding a <v> (and perhaps an <f>) and no <is>."""
    kind = "n" if kind is None else kind
    value: str | Decimal | bool | None = None
    error = None
    if kind == "n":
        if v is not None and v.strip():
            value = excel_number(v)
    elif kind == "s":
        value = strings[int(v)] if v is not None and v.strip() else None
    elif kind in ("str", "d", "inlineStr"):
        value = unescape(v or "")
    elif kind == "b":
        value = v.strip() in ("1", "true") if v else None
    elif kind == "e":
        error = (v or "").strip() or None
    if formula is None and error is None and (value is None or value.__class__ is str and not value):
        return None
    index = int(s) if s else 0
    fmt = formats[index] if index < len(formats) else "General"
    return SourceCell(value, formula, error, fmt)


class _RowReader:
    """Turns <row> elements into SourceCells."""

    def __init__(self, strings: list[str], formats: list[str], columns: dict[str, int] | None = None):
        self.strings = strings
        self.formats = formats
        self.cells: dict[tuple[int, int], SourceCell] = {}
        self.columns: dict[str, int] = {} if columns is None else columns  # letters -> number
        self.plain: dict[tuple, SourceCell | None] = {}  # (t, v text, s) -> the cell of a value-only <c>
        self.last_row = 0
        self.tags: tuple[str, str, str, str] | None = None

    def read(self, row_el: ET.Element) -> None:
        if self.tags is None:
            ns = row_el.tag[:-3]
            self.tags = (ns + "c", ns + "v", ns + "f", ns + "is")
        c_tag, v_tag, f_tag, is_tag = self.tags
        r = row_el.get("r")
        row = self.last_row = int(r) if r else self.last_row + 1
        cells, columns, plain = self.cells, self.columns, self.plain
        col = 0
        for c in row_el:
            if c.tag != c_tag:
                continue
            ref = c.get("r")
            if ref:
                row, col = cell_place(ref, columns)
            else:
                col += 1
            children = len(c)
            if not children:  # no <v>, <f> or <is>: an empty (perhaps styled) cell
                continue
            try:
                if children == 1 and c[0].tag == v_tag:  # just a value: cells are immutable, equal ones shared
                    key = (c.get("t"), c[0].text, c.get("s"))
                    cell = plain.get(key, plain)
                    if cell is plain:
                        cell = plain[key] = self.cell(c, v_tag, f_tag, is_tag)
                else:
                    cell = self.cell(c, v_tag, f_tag, is_tag)
            except (InvalidOperation, ValueError, IndexError) as exc:  # 'NaN', 'INF', '1,5', a string index past the end
                raise ValueError(f"cell {a1(row, col)} holds {stored_text(c, v_tag)!r}, not a value Excel can hold") from exc
            if cell is not None:
                if (row, col) in cells:  # two values for one cell: which would a spreadsheet program show?
                    raise ValueError(f"two cells at {a1(row, col)}")
                cells[(row, col)] = cell

    def cell(self, c: ET.Element, v_tag: str, f_tag: str, is_tag: str) -> SourceCell | None:
        """One <c> element as a SourceCell, or None when it holds nothing."""
        v_el = f_el = is_el = None
        for child in c:
            tag = child.tag
            if tag == v_tag:
                v_el = child
            elif tag == f_tag:
                f_el = child
            elif tag == is_tag:
                is_el = child
        v = v_el.text if v_el is not None else None
        formula = (f_el.text or "") if f_el is not None else None
        kind = c.get("t", "n")
        value: str | Decimal | bool | None = None
        error = None
        if kind == "n":
            if v is not None and v.strip():
                value = excel_number(v)
        elif kind == "s":
            value = self.strings[int(v)] if v is not None and v.strip() else None
        elif kind in ("str", "d"):
            value = unescape(v or "") if v_el is not None else None
        elif kind == "inlineStr":
            value = rich_text(is_el) if is_el is not None else unescape(v or "")
        elif kind == "b":
            value = v.strip() in ("1", "true") if v else None
        elif kind == "e":
            error = (v or "").strip() or None
        if formula is None and error is None and (value is None or value.__class__ is str and not value):
            return None
        s = c.get("s")
        index = int(s) if s else 0
        fmt = self.formats[index] if index < len(self.formats) else "General"
        return SourceCell(value, formula, error, fmt)


EXCEL_DIGITS = 15


def excel_number(text: str) -> Decimal:
    """A stored number as Excel holds it: exact, with at most 15 significant digits.

    Writers store binary floats with 16-17 digits, so a typed 9.96 can arrive as '9.960000000000001';
    Excel shows and computes with 15, and so does xlcheck: -> Decimal('9.96'). '12612.86' stays as it is.
    """
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(text)
    if len(text) > EXCEL_DIGITS and len(value.as_tuple().digits) > EXCEL_DIGITS:  # never more digits than characters
        with localcontext() as ctx:  # room for every integer digit: '9999999999999995000000000000' is 1E+28
            ctx.prec = max(28, value.adjusted() + 3)
            value = value.quantize(Decimal(1).scaleb(value.adjusted() - EXCEL_DIGITS + 1)).normalize()
            if value.as_tuple().exponent > 0:
                value = value.quantize(Decimal(1))
    return value


def read_package(pkg: Package) -> tuple[list[Sheet], list[dict]]:
    """The worksheets of an open .xlsx package (as read_sheets gives them) and workbook.xml's list of
    every sheet (sheet_entries: name, kind, part ...; chartsheets too)."""
    part = "the workbook"
    try:
        with without_cyclic_gc():
            wb_part = workbook_part(pkg)
            rels = read_rels(pkg, wb_part)
            entries = sheet_entries(pkg, wb_part, rels)
            by_kind = {kind.rpartition("/")[2]: target for kind, target in rels.values()}
            strings = shared_strings(pkg, by_kind.get("sharedStrings"))
            formats = cell_formats(pkg, by_kind.get("styles"))
            sheets, memo = [], WorkbookScan()
            for entry in entries:
                if entry["kind"] != "worksheet":
                    continue
                part = entry["part"]
                cells, merged = read_worksheet(pkg.read_xml(part), strings, formats, memo)
                sheets.append(Sheet(name=entry["name"], cells=cells, merged=merged, hidden=entry["state"] in ("hidden", "veryHidden")))
            return sheets, entries
    except WorkbookError:
        raise
    except ET.ParseError as exc:
        raise WorkbookError.for_file("corrupt", pkg.path, f"bad XML in {part} ({exc})") from None
    except (ValueError, IndexError, AttributeError, InvalidOperation, TypeError) as exc:
        detail = f": {exc}" if type(exc) is ValueError else ""
        raise WorkbookError.for_file("corrupt", pkg.path, f"bad value in {part} ({type(exc).__name__}{detail})"[:300]) from None


def is_macro_enabled(pkg: Package) -> bool:
    """Whether [Content_Types].xml names a macro-enabled workbook (an .xlsm, whatever the file is called)."""
    types = pkg.read("[Content_Types].xml") if pkg.find("[Content_Types].xml") else b""
    return b"macroEnabled" in types


def sheet_names(path: str | Path) -> list[tuple[str, str]]:
    """(name, kind) of every sheet of an .xlsx in workbook order ('worksheet', 'chartsheet' ...), read
    from workbook.xml alone; [] for an .xls."""
    path = Path(path)
    if detect_format(path) != "xlsx":
        return []
    with Package(path) as pkg:
        try:
            return [(e["name"], e["kind"]) for e in sheet_entries(pkg, workbook_part(pkg))]
        except ET.ParseError as exc:
            raise WorkbookError.for_file("corrupt", path, f"bad XML in the workbook ({exc})") from None


def read_sheet(path: str | Path, name: str) -> Sheet | None:
    """One worksheet of an .xlsx by name (exact, else case-insensitive), without reading the others; None
    when there is no such worksheet."""
    path = Path(path)
    if detect_format(path) != "xlsx":
        return None
    with Package(path) as pkg:
        try:
            wb_part = workbook_part(pkg)
            worksheets = [e for e in sheet_entries(pkg, wb_part) if e["kind"] == "worksheet"]
            entry = next((e for e in worksheets if e["name"] == name), None) or next(
                (e for e in worksheets if e["name"].lower() == name.lower()), None)
            if entry is None:
                return None
            by_kind = {kind.rpartition("/")[2]: target for kind, target in read_rels(pkg, wb_part).values()}
            strings = shared_strings(pkg, by_kind.get("sharedStrings"))
            cells, merged = read_worksheet(pkg.read_xml(entry["part"]), strings, ["General"])
        except ET.ParseError as exc:
            raise WorkbookError.for_file("corrupt", path, f"bad XML in sheet {name} ({exc})") from None
        except (ValueError, IndexError, AttributeError, InvalidOperation, TypeError) as exc:
            raise WorkbookError.for_file("corrupt", path, f"bad value in sheet {name} ({type(exc).__name__})") from None
        return Sheet(name=entry["name"], cells=cells, merged=merged, hidden=entry["state"] in ("hidden", "veryHidden"))


# ---------------------------------------------------------------- .xls through calamine


def _xls_value(value) -> str | Decimal | bool | None:
    """A calamine value as a SourceCell value: exact Decimals, ISO text for dates, None for empty."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(int(value)) if value.is_integer() else excel_number(repr(value))
    if isinstance(value, str):
        return value or None
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value) if value is not None else None  # timedelta


@contextlib.contextmanager
def _quiet_stderr():
    """Send file descriptor 2 to /dev/null for a moment: calamine is Rust, and a malformed .xls can make it
    panic, which prints 'thread panicked at ...' (and a backtrace) straight to the process's stderr.
    The panic itself arrives as an exception and becomes a 'corrupt' WorkbookError."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


SPARSE_GRID = 1_000_000  # a sheet spanning more cells than this ...
SPARSE_RATIO = 20  # ... and this many times the cells it holds is read cell by cell


def open_xlrd(path: Path):
    """The .xls opened by xlrd with its formatting (rows as long as their cells: a stray far cell is not
    a grid), or None when xlrd refuses it (it refuses some files calamine reads). One open serves both
    _sparse_xls and legacy.read_looks."""
    import xlrd

    try:
        return xlrd.open_workbook(file_contents=path.read_bytes(), ragged_rows=True, formatting_info=True)
    except Exception:
        return None


def _sparse_xls(path: Path, book=None) -> list[Sheet] | None:
    """The sheets of an .xls read cell by cell with xlrd, when one of them holds few cells spread over a
    huge grid (one stray value at IV65536): calamine builds every sheet's whole grid when it opens the
    file (a gigabyte and most of a minute for one stray cell). None when no sheet is so (or xlrd cannot
    read the file): calamine then reads it, faster. `book`: the file already opened by open_xlrd."""
    book = book if book is not None else open_xlrd(path)
    if book is None:
        return None
    try:
        sheets, sparse = [], False
        for sheet in book.sheets():
            lengths = [sheet.row_len(r) for r in range(sheet.nrows)]
            grid, count = sheet.nrows * max(lengths, default=0), sum(lengths)
            sparse = sparse or (grid > SPARSE_GRID and grid > SPARSE_RATIO * count)
            cells = {}
            for r in range(sheet.nrows):
                for c, cell in enumerate(sheet.row(r)):
                    value = _xlrd_value(cell, book.datemode)
                    if value is not None:
                        cells[(r + 1, c + 1)] = SourceCell(value=value)
            merged = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in sheet.merged_cells]
            sheets.append(Sheet(name=sheet.name, cells=cells, merged=merged, hidden=sheet.visibility != 0))
    except Exception:  # xlrd refuses some files calamine reads
        return None
    return sheets if sparse else None


def _xlrd_value(cell, datemode: int) -> str | Decimal | bool | None:
    """An xlrd cell as _xls_value would give calamine's: error cells empty, as calamine reads them."""
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return _xls_value(cell.value)
        return moment.date().isoformat() if moment.time() == datetime.time() else moment.isoformat(sep=" ")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_TEXT):
        return _xls_value(cell.value)
    return None


def _read_xls(path: Path, xlrd_book=None) -> list[Sheet]:
    import python_calamine as calamine

    def read() -> list[Sheet]:
        sparse = _sparse_xls(path, xlrd_book)
        if sparse is not None:
            return sparse
        with path.open("rb") as handle:  # from_path would trust the file name's extension
            book = calamine.CalamineWorkbook.from_filelike(handle)
        sheets = []
        for index, meta in enumerate(book.sheets_metadata):
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_index(index)
            cells = {}
            for r, row in enumerate(sheet.to_python(skip_empty_area=False), 1):
                for c, raw in enumerate(row, 1):
                    value = _xls_value(raw)
                    if value is not None:
                        cells[(r, c)] = SourceCell(value=value)
            merged = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sheet.merged_cell_ranges or [])]
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            sheets.append(Sheet(name=meta.name, cells=cells, merged=merged, hidden=hidden))
        book.close()
        return sheets

    try:
        with _quiet_stderr():
            return read()
    except calamine.PasswordError:
        raise WorkbookError.for_file("encrypted", path) from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # calamine's own errors, plain ones, and a Rust panic (pyo3's PanicException is a BaseException)
        raise WorkbookError.for_file("corrupt", path, f"{type(exc).__name__}: {exc}"[:200]) from None


def read_sheets(path: str | Path, *, max_bytes: int = MAX_UNCOMPRESSED) -> list[Sheet]:
    """Every worksheet in workbook order (chartsheets skipped) with name, hidden flag, merged ranges, cells.

    .xls limits (python-calamine): no formulas, number formats are 'General', error cells read as empty.
    """
    path = Path(path)
    if detect_format(path) == "xls":
        return read_xls(path, max_bytes=max_bytes)
    with Package(path, max_bytes) as pkg:
        return read_package(pkg)[0]


def read_xls(path: Path, *, max_bytes: int = MAX_UNCOMPRESSED, xlrd_book=None) -> list[Sheet]:
    """read_sheets of a file detect_format found to be an .xls (`xlrd_book`: the file opened by
    open_xlrd, when the caller has it)."""
    refuse_large_xls(path, max_bytes)
    with without_cyclic_gc():
        return _read_xls(path, xlrd_book)


def refuse_large_xls(path: Path, max_bytes: int = MAX_UNCOMPRESSED) -> None:
    if path.stat().st_size > max_bytes:
        raise WorkbookError.for_file("too_large", path, f"{path.stat().st_size} bytes")


@contextlib.contextmanager
def without_cyclic_gc():
    """Python's cyclic garbage collector paused: hundreds of thousands of new objects, nearly all freed
    by reference counting, which the collector would only rescan. Any cycle made meanwhile is freed by
    its first pass after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
