"""Hostile XLSX files built in code (issue 9, item 5): small uploads that unpack to a huge
sheet. Shared by the tests and by the before/after measurement in docs/security.md."""

import io
import zipfile
from collections.abc import Iterable

import openpyxl

from tests.cadres.importfiles import PEOPLE_HEADERS

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{ref}"/><sheetData>'
)
TAIL = "</sheetData></worksheet>"


def _header_row() -> str:
    cells = "".join(
        f'<c r="{openpyxl.utils.get_column_letter(i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(PEOPLE_HEADERS, start=1)
    )
    return f'<row r="1">{cells}</row>'


def _base() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "人员"
    book.active.append(PEOPLE_HEADERS)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_with_sheet(chunks: Iterable[str], extra: dict[str, bytes] | None = None) -> bytes:
    """A valid workbook (one sheet, 人员) whose sheet XML is ``chunks``, streamed into the zip
    at the highest compression, plus ``extra`` parts."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_base())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as stream:
                    for chunk in chunks:
                        stream.write(chunk.encode())
            else:
                target.writestr(item.filename, source.read(item.filename))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def empty_rows_bomb(rows: int = 7_500_000, ref: str = "A1:J2") -> bytes:
    """A header and ``rows`` empty rows (``<row/>``, numbered by their place) under a small,
    lying dimension: ~80 KB that unpack to ~52 MB (the probe's first file)."""

    def chunks():
        yield HEAD.format(ref=ref) + _header_row()
        step = 100_000
        for start in range(0, rows, step):
            yield "<row/>" * min(step, rows - start)
        yield TAIL

    return xlsx_with_sheet(chunks())


def wide_rows_bomb(rows: int = 1_000_000, ref: str = "A1:J2") -> bytes:
    """Rows of one cell in the last column (XFD = 16,384), numbered by their place: openpyxl
    pads each row to 16,384 cells (the probe's second file). ``ref`` is what the sheet
    declares."""

    def chunks():
        yield HEAD.format(ref=ref) + _header_row()
        step = 10_000
        for start in range(0, rows, step):
            yield '<row><c r="XFD1"><v>1</v></c></row>' * min(step, rows - start)
        yield TAIL

    return xlsx_with_sheet(chunks())


def declared_bomb(ref: str = "A1:XFD1048576") -> bytes:
    """A tiny sheet that declares a huge dimension."""
    return xlsx_with_sheet([HEAD.format(ref=ref) + _header_row() + TAIL])


def ratio_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    """A normal sheet and one extra part of ``size`` zero bytes (ratio ~1000)."""
    return xlsx_with_sheet(
        [HEAD.format(ref="A1:J1") + _header_row() + TAIL],
        extra={"xl/media/zeros.bin": b"\0" * size},
    )
