"""Cells of the CSV and XLSX files the CRM hands out, safe to open in a spreadsheet."""

from __future__ import annotations

from typing import TypeVar

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Value = TypeVar("Value")


def formula_safe(value: Value) -> Value | str:
    """Numbers stay numbers; text that a spreadsheet would run as a formula gets a leading '."""
    # Spreadsheets skip leading spaces before a formula, so " =1+1" is one too; importers
    # differ on other whitespace (line breaks, no-break spaces), so any of it counts.
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)
    ):
        return f"'{value}"
    return value
