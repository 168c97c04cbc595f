"""CSV and XLSX: one row per case, through pandas; the only module that imports it."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence

from spectrace.errors import ConfigError
from spectrace.render.view import CaseView, ReportView

COLUMNS = ("Area", "Feature", "Case", "Title", "Status", "Note", "Tests", "Link sources")
PROBLEM_COLUMNS = ("Kind", "Path", "Line", "Message", "Target")
# Tables other stages hand in, e.g. the inventory: sheet name → rows (column → value).
Sheets = Mapping[str, Sequence[Mapping[str, object]]]
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _pandas():
    try:
        import pandas
        import openpyxl  # noqa: F401 - pandas needs it for XLSX; fail early and clearly
    except ImportError:
        raise ConfigError("CSV and XLSX reports need pandas and openpyxl: "
                          "pip install 'spectrace[tables]'") from None
    return pandas


def case_rows(view: ReportView) -> list[dict[str, str]]:
    """Every case as one flat row; every value a string so case ids like 3.10 survive."""
    rows = []
    for area in view.areas:
        features = {f.id: f for f in area.features}
        for case in area.cases:
            feature = features.get(case.feature) if case.feature else None
            rows.append({
                "Area": area.heading,
                "Feature": "" if feature is None else (
                    f"{feature.id} {feature.title}" if feature.numbered else feature.title),
                "Case": case.id,
                "Title": case.title,
                "Status": case.status.value,
                "Note": case.note or "",
                "Tests": _tests(case),
                "Link sources": ", ".join(sorted({lk.source for lk in case.links})),
            })
    return rows


def _tests(case: CaseView) -> str:
    return "; ".join(lk.label + (" (missing)" if lk.state == "dangling" else "")
                     for lk in case.links)


def problem_rows(view: ReportView) -> list[dict[str, str]]:
    return [{"Kind": p.kind.value, "Path": p.path or "", "Line": str(p.line or ""),
             "Message": p.message, "Target": p.target or ""} for p in view.problems]


def _frame(pandas, rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None):
    frame = pandas.DataFrame(list(rows), columns=list(columns) if columns else None, dtype=object)
    return frame.fillna("")


def render_csv(view: ReportView) -> str:
    pandas = _pandas()
    # "\n" line ends whatever the platform, so the file is byte-identical everywhere.
    return _frame(pandas, case_rows(view), COLUMNS).to_csv(index=False, lineterminator="\n")


def render_xlsx(view: ReportView, sheets: Sheets | None = None) -> bytes:
    """Cases first (it reads back equal to the CSV), then problems, then any extra sheets.

    `sheets` is the hook for tables other commands build, such as the code inventory
    (components, modules): `{"Inventory": [{"path": ..., "loc": ...}, ...]}`.
    """
    pandas = _pandas()
    buffer = io.BytesIO()
    with pandas.ExcelWriter(buffer, engine="openpyxl") as writer:
        _frame(pandas, case_rows(view), COLUMNS).to_excel(writer, sheet_name="Cases", index=False)
        _frame(pandas, problem_rows(view), PROBLEM_COLUMNS).to_excel(
            writer, sheet_name="Problems", index=False)
        for name, rows in (sheets or {}).items():
            _frame(pandas, rows).to_excel(writer, sheet_name=_sheet_name(name), index=False)
        _no_formulas(writer.book)
    return _reproducible(buffer.getvalue(), view.date)


def _no_formulas(book) -> None:
    """Text from a spec or a test name is text: a title like `=HYPERLINK(…)` must not run.

    openpyxl turns any string starting with `=` into a formula; keep it a string.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _sheet_name(name: str) -> str:
    # Excel refuses these characters and names longer than 31.
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Sheet"


def _reproducible(data: bytes, date: str | None) -> bytes:
    """The same workbook byte for byte: fixed zip times, document dates from the commit.

    openpyxl stamps the wall clock into docProps/core.xml and every zip entry.
    """
    stamp = f"{date or '1980-01-01'}T00:00:00Z"
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()
