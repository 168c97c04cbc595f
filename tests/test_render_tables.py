"""CSV and XLSX: one row per case; the workbook read back equals the CSV."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import area, case, spec
from reportviews import SCRIPT_TITLE, sample_view
from spectrace.cli import app
from spectrace.errors import ConfigError
from spectrace.render.tables import COLUMNS, render_csv, render_xlsx

pandas = pytest.importorskip("pandas")
openpyxl = pytest.importorskip("openpyxl")
FIXTURES = Path(__file__).parent / "fixtures"


def read_csv(text: str):
    return pandas.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def read_xlsx(data: bytes, sheet: str | int = 0):
    return pandas.read_excel(io.BytesIO(data), sheet_name=sheet, dtype=str,
                             keep_default_na=False)


@pytest.mark.spec("5.6")
def test_csv_has_one_row_per_case():
    frame = read_csv(render_csv(sample_view()))
    assert tuple(frame.columns) == COLUMNS
    assert list(frame["Case"]) == ["1.1", "1.2", "2.1.1", "2.1.2", "2.2", "2.3", "3.1", "3.2",
                                   "3.10"]
    row = frame.set_index("Case").loc["2.1.2"]
    assert row["Area"] == "2. Authentication" and row["Feature"] == "2.1 Login"
    assert row["Status"] == "partial" and row["Note"] == "every linked test is skipped"
    assert row["Tests"] == "tests/routes/test_auth.py::TestLogin::test_rate"
    assert row["Link sources"] == "marker"
    gone = frame.set_index("Case").loc["2.2"]
    assert gone["Tests"] == "tests/routes/test_gone.py (missing)"
    assert gone["Link sources"] == "mapping"
    assert frame.set_index("Case").loc["3.1"]["Title"] == SCRIPT_TITLE


@pytest.mark.spec("5.6")
def test_xlsx_read_back_equals_the_csv():
    view = sample_view()
    from_csv = read_csv(render_csv(view))
    from_xlsx = read_xlsx(render_xlsx(view))
    pandas.testing.assert_frame_equal(from_xlsx, from_csv)
    # 3.10 stays 3.10: ids are text, never numbers.
    assert "3.10" in list(from_xlsx["Case"])


@pytest.mark.spec("5.6")
def test_workbook_lists_problems_and_takes_extra_sheets():
    inventory = [{"path": "src/gateway/app.py", "loc": 120, "tests": 3},
                 {"path": "src/gateway/db.py", "loc": 80, "tests": 0}]
    data = render_xlsx(sample_view(), sheets={"Inventory": inventory})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Cases", "Problems", "Inventory"]
    problems = read_xlsx(data, "Problems")
    assert list(problems["Path"]) == ["mappings/coverage.yaml", "tests/test_broken.py"]
    assert list(problems["Line"]) == ["4", "7"]
    assert list(read_xlsx(data, "Inventory")["loc"]) == ["120", "80"]


@pytest.mark.spec("5.6")
def test_text_that_looks_like_a_formula_stays_text():
    nodes = spec(area("1", "A"), case("1.1", '=HYPERLINK("https://evil.example","x")', "1"))
    data = render_xlsx(sample_view(nodes=nodes, files=(), mapping=()))
    cell = openpyxl.load_workbook(io.BytesIO(data))["Cases"]["D2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


@pytest.mark.spec("5.6", "5.4")
def test_same_inputs_give_the_same_bytes():
    assert render_xlsx(sample_view()) == render_xlsx(sample_view())
    assert render_csv(sample_view()) == render_csv(sample_view())


def test_without_pandas_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ConfigError, match=r"pip install 'spectrace\[tables\]'"):
        render_csv(sample_view())


def test_pandas_is_imported_only_by_the_table_renderer():
    code = ("import sys; import spectrace.cli, spectrace.render, spectrace.render.wiki, "
            "spectrace.render.html, spectrace.render.terminal, spectrace.publish; "
            "print('pandas' in sys.modules, 'openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.spec("5.6", "6.1")
def test_report_writes_csv_and_xlsx_of_the_gateway(tmp_path):
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(repo), "--format", "csv"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = tmp_path / "matrix.xlsx"
    result = runner.invoke(app, ["report", str(repo), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    from_csv = read_csv(runner.invoke(app, ["report", str(repo), "-f", "csv"]).stdout)
    pandas.testing.assert_frame_equal(read_xlsx(out.read_bytes()), from_csv)
    assert len(from_csv) > 10
