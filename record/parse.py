"""Phase 1 of an import: read the file as a stream, never whole.

``Source`` reopens the file for each pass: a file may list its top-level keys in any
order, and the importer reads it more than once (its lists one by one, then the debates
again to write their statements) rather than holding it in memory. ``scan()`` is the
first pass: size, UTF-8, JSON syntax, the top level, and what the JSON parser would
silently change (a lone surrogate). ``items()`` streams the objects of one list.
"""

import codecs
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field

import ijson
from django.utils.translation import gettext as _

from . import schema

BOM = codecs.BOM_UTF8
CHUNK = 1 << 20
# A \uD800-\uDFFF escape; whether it is part of a valid pair is checked in Python.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class Source:
    """A debate record file that can be read from the start as often as needed.

    ``data`` is the content (bytes or str), a path (``os.PathLike``), or a binary file
    object; one that cannot seek (standard input) is first copied to a temporary file,
    never into memory.
    """

    def __init__(self, data):
        self._temporary = None
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        if isinstance(data, bytes | bytearray):
            self._file = io.BytesIO(data)
        elif isinstance(data, os.PathLike):
            self._file = open(data, "rb")  # noqa: SIM115 (closed by close())
        elif data.seekable():
            self._file = data
        else:
            self._temporary = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
            shutil.copyfileobj(data, self._temporary, CHUNK)
            self._file = self._temporary
        self.owns_file = isinstance(data, os.PathLike) or self._temporary is not None

    def open(self):
        """The file from its first byte after a UTF-8 byte order mark."""
        self._file.seek(0)
        if self._file.read(len(BOM)) != BOM:
            self._file.seek(0)
        return self._file

    def close(self):
        if self.owns_file:
            self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


@dataclass
class Outline:
    """What the first pass learns of the file's top level."""

    # Problems that stop the import before its objects are checked (size, encoding,
    # syntax), then those of the top level, reported along with the objects' own.
    errors: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    # Top-level keys whose value is a list, in the order the file gives them.
    lists: set = field(default_factory=set)
    statements: int = 0
    size: int = 0
    # The objects of the small lists (KEPT_LISTS), as parsed.
    items: dict = field(default_factory=lambda: {name: [] for name in KEPT_LISTS})
    # Each debate's slug (as given, unchecked): the index of its first debate.
    debate_slugs: dict = field(default_factory=dict)


def scan(source, max_bytes=None):
    """Read the file once; return an Outline whose ``errors`` stop the import if any."""
    outline = Outline()
    problems = _scan_bytes(source, max_bytes, outline)
    if problems:
        outline.errors = problems
        return outline
    _scan_json(source, outline)
    return outline


def _location(source, offset):
    """``(line, column)`` of byte ``offset`` of the file (columns count characters)."""
    handle = source.open()
    start = handle.tell()
    line, line_start, position = 1, start, start
    while position < offset + start:
        chunk = handle.read(min(CHUNK, offset + start - position))
        if not chunk:
            break
        newlines = chunk.count(b"\n")
        if newlines:
            line += newlines
            line_start = position + chunk.rfind(b"\n") + 1
        position += len(chunk)
    handle.seek(line_start)
    column = len(handle.read(offset + start - line_start).decode("utf-8", "replace")) + 1
    return line, column


def _scan_bytes(source, max_bytes, outline):
    """Size, UTF-8 and lone surrogates: what the JSON parser would not report."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    handle = source.open()
    size = 0
    base = 0  # offset in the file of ``buffer``
    buffer = b""
    while True:
        chunk = handle.read(CHUNK)
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            return [too_large_message(max_bytes)]
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            return [_("byte %(byte)d: not UTF-8 text") % {"byte": size - len(chunk) + error.start}]
        # Keep a few bytes of the last chunk, so an escape split between chunks is seen.
        data = buffer + chunk
        end = len(data) if not chunk else max(0, len(data) - 12)
        for match in _SURROGATE_ESCAPE.finditer(data, 0, end + 6):
            if match.start() >= end or not _is_escape(data, match.start()):
                continue
            if _is_lone_surrogate(data, match.start()):
                line, column = _location(source, base + match.start())
                return [
                    _("line %(line)d, column %(column)d: %(escape)s is half of a character pair")
                    % {
                        "line": line,
                        "column": column,
                        "escape": match.group().decode("ascii"),
                    }
                ]
        base += end
        buffer = data[end:]
        if not chunk:
            break
    outline.size = size
    return []


def _is_escape(data, start):
    """Whether the backslash at ``start`` begins an escape (is not itself escaped)."""
    backslashes = 0
    while start - backslashes - 1 >= 0 and data[start - backslashes - 1] == 0x5C:
        backslashes += 1
    return backslashes % 2 == 0


def _is_lone_surrogate(data, start):
    high = int(data[start + 2 : start + 6], 16)
    if high >= 0xDC00:
        # A low surrogate is only valid right after a high one.
        before = data[start - 6 : start]
        return not (
            len(before) == 6
            and before[:2] in (b"\\u", b"\\U")
            and 0xD800 <= int(before[2:], 16) < 0xDC00
            and _is_escape(data, start - 6)
        )
    after = data[start + 6 : start + 12]
    return not (after[:2] == b"\\u" and 0xDC00 <= int(after[2:] or b"0", 16) <= 0xDFFF)


def too_large_message(max_bytes):
    return _(
        "the file is larger than %(limit)s, the most one import takes (IMPORT_MAX_BYTES); "
        "split it into several files"
    ) % {"limit": format_size(max_bytes)}


def format_size(size):
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:g} {unit}" if unit == "bytes" else f"{size:.4g} {unit}"
        size /= 1000
    return str(size)


# Lists whose objects the first pass keeps: they are few, and so need no pass of their own.
KEPT_LISTS = ("programmes", "topics", "participants", "reports")
_KEPT = {f"{name}.item": name for name in KEPT_LISTS}
_ENDS = ("map_key", "end_map", "end_array")


def _scan_json(source, outline):
    """JSON syntax and the top level; keeps the small lists and every debate's slug."""
    seen = set()
    errors = outline.problems
    builder, depth, kept = None, 0, None
    debates = -1  # index of the debate being read
    try:
        for prefix, event, value in ijson.parse(source.open()):
            if builder is not None:
                builder.event(event, value)
                depth += _DEPTH.get(event, 0)
                if depth == 0:
                    outline.items[kept].append(builder.value)
                    builder = None
            elif prefix == "":
                if event == "map_key":
                    if value in seen:
                        errors.append(f"{schema.show_key(value)}: {_('duplicate key')}")
                    elif value not in schema.TOP_KEYS:
                        errors.append(f"{schema.show_key(value)}: {_('unknown key')}")
                    seen.add(value)
                elif event in ("start_array", "string", "number", "boolean", "null"):
                    errors.append(
                        _("(top level)")
                        + ": "
                        + _("expected an object, got %(type)s")
                        % {"type": schema.type_name_of_event(event, value)}
                    )
            elif prefix == "debates.item":
                if event not in _ENDS:
                    debates += 1
            elif prefix == "debates.item.statements.item":
                if event == "start_map":
                    outline.statements += 1
            elif prefix == "debates.item.slug":
                if event == "string":
                    outline.debate_slugs.setdefault(value, debates)
            elif prefix in _KEPT:
                if event not in _ENDS:
                    kept = _KEPT[prefix]
                    if event in ("start_map", "start_array"):
                        builder, depth = ijson.ObjectBuilder(), 1
                        builder.event(event, value)
                    else:
                        outline.items[kept].append(value)
            elif "." not in prefix and prefix in schema.TOP_KEYS and prefix in seen:
                _top_value(prefix, event, value, outline)
    except ijson.JSONError as error:
        outline.errors = [_syntax_error(source, error)]
        return
    if not errors and "format" not in seen:
        errors.append("format: " + _("required: '%(format)s'") % {"format": schema.FORMAT})


_DEPTH = {"start_map": 1, "start_array": 1, "end_map": -1, "end_array": -1}


def _top_value(name, event, value, outline):
    """The value of top-level key ``name`` starts with ``event``: check its type."""
    if event in ("end_array", "end_map", "map_key"):
        return
    if name == "format":
        if event != "string" or value != schema.FORMAT:
            shown = schema.show(value) if event != "start_map" else _("an object")
            if event == "start_array":
                shown = _("a list")
            outline.problems.append(
                "format: "
                + _("expected '%(format)s', got %(value)s")
                % {"format": schema.FORMAT, "value": shown}
            )
        return
    if event == "start_array":
        outline.lists.add(name)
    elif event != "null":
        outline.problems.append(
            f"{name}: "
            + _("expected a list, got %(type)s") % {"type": schema.type_name_of_event(event, value)}
        )


def _syntax_error(source, error):
    """The parser's complaint, with line and column as Python's json module finds them."""
    # Only on this error path is the file decoded whole: the JSON was not valid anyway.
    try:
        json.loads(source.open().read().decode("utf-8"))
    except json.JSONDecodeError as located:
        return _("line %(line)d, column %(column)d: not JSON (%(problem)s)") % {
            "line": located.lineno,
            "column": located.colno,
            "problem": located.msg,
        }
    except (RecursionError, ValueError):
        pass
    problem = str(error).split("\n")[0]
    return _("not JSON (%(problem)s)") % {"problem": problem}


def items(source, name):
    """The objects of the top-level list ``name``, one at a time."""
    # Numbers with a fraction come as Decimal; whole numbers of any size as int.
    return ijson.items(source.open(), f"{name}.item")
