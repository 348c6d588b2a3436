"""Bulk import of the registry from XLSX or CSV (SPEC §2 "Bulk import"; docs/import.md).

- :mod:`.columns`: the kinds of rows, their columns (Chinese and English headers) and cell
  parsers;
- :mod:`.readers`: XLSX (openpyxl, read-only) and CSV (UTF-8 with or without BOM) files;
- :mod:`.checks`: the models' own rules applied in memory;
- :mod:`.validator`: every row checked, every error collected, a few bulk queries;
- :mod:`.writer`: bulk writes inside one transaction;
- :mod:`.service`: :func:`registry_import`, the whole import as one service;
- :mod:`.jobs`: uploads as jobs, run now or by the Celery task, with progress;
- :mod:`.template`: the blank XLSX template.
"""

from .columns import KINDS, KINDS_BY_KEY, Column, Kind, ParseError, find_kind
from .readers import count_data_rows, read_file, sniff
from .report import ImportResult, RowError, UnreadableFile
from .service import registry_import
from .template import write_template
from .validator import validate

__all__ = [
    "KINDS",
    "KINDS_BY_KEY",
    "Column",
    "ImportResult",
    "Kind",
    "ParseError",
    "RowError",
    "UnreadableFile",
    "count_data_rows",
    "find_kind",
    "read_file",
    "registry_import",
    "sniff",
    "validate",
    "write_template",
]
