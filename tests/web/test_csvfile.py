"""CSV downloads: a header, UTF-8 with a byte-order mark, formulas defused."""

from __future__ import annotations

import csv
import io

import pytest

from maxremind.http.web.csvfile import csv_response, csv_text, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+7 999", "'+7 999"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Анна", "Анна"),
        ("a=b", "a=b"),
        (12, "12"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_text(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_file_has_a_bom_a_header_and_quotes_what_needs_quoting() -> None:
    text = csv_text(["Имя", "Ответ"], [['Иван "Ваня"', "да"], ["=1+1", "нет, не приду"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["Имя", "Ответ"], ['Иван "Ваня"', "да"], ["'=1+1", "нет, не приду"]]
    assert text.endswith("\r\n")


def test_response_is_a_download() -> None:
    answer = csv_response(["a"], [["1"]], "x.csv")
    assert answer.media_type == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="x.csv"'
    assert bytes(answer.body).startswith("\ufeff".encode())
