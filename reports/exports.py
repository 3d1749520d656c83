"""CSV and XLSX files of a report: the page's tables, one after another (CSV) or a sheet each."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook

from crm_project.core.spreadsheets import formula_safe as safe
from reports.builders import Report, Section

CSV = "csv"
XLSX = "xlsx"
FORMATS = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

Cell = int | float | str | None


def table(section: Section) -> list[list[Cell]]:
    """The section as the page shows it: the header, then each row's label and figures."""
    rows: list[list[Cell]] = [[safe(column) for column in section.columns]]
    for row in section.rows:
        rows.append([safe(row.label), *(safe(cell.value) for cell in row.cells)])
    return rows


def to_csv(report: Report) -> bytes:
    """UTF-8 with a BOM (spreadsheets then read Cyrillic right); a blank line between tables."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, section in enumerate(report.sections):
        if index:
            writer.writerow([])
        writer.writerow([safe(section.title)])
        writer.writerows(table(section))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, section in enumerate(report.sections, start=1):
        title = SHEET_NAME_FORBIDDEN.sub(" ", section.title)[:28].strip() or str(index)
        sheet = workbook.create_sheet(f"{index} {title}"[:31])
        for row in table(section):
            sheet.append(row)
    if not workbook.worksheets:
        workbook.create_sheet(report.title[:31] or "report")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(report: Report, file_format: str) -> bytes:
    return to_csv(report) if file_format == CSV else to_xlsx(report)
