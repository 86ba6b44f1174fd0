"""The metadata sheet pages through the real app: a sheet sent to a batch, its preview
with every error by row and column (cells shown as text), a corrected sheet, confirm
making drafts; the template in the interface's language; and nothing changing by the
hand of another partner's admin, a curator, or a form without its CSRF token."""

from __future__ import annotations

import io

import pytest
from lxml import html
from openpyxl import Workbook
from sqlalchemy import func, select

from catalog.models import Record
from catalog.upload_models import UploadBatch
from ingest import batches, sheets
from portal.services import get_services
from portal.views.workspace import sheet_texts
from tests.support.web import csrf_token, log_in, make_user

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def batch_id(app):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
        catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
        catalog.add_partner("khatulistiwa", name="Arsip Khatulistiwa", country="ID")
        make_user(catalog, "op@rajang.example", ("operator", "rajang"))
        make_user(catalog, "curator@rajang.example", ("curator", "rajang"))
        make_user(catalog, "admin@khatulistiwa.example", ("partner-admin", "khatulistiwa"))
        make_user(catalog, "reader@example.org")
        with catalog.session() as s:
            batch = UploadBatch(partner_id="rajang", language="msa")
            s.add(batch)
            s.flush()
            return batch.id


def _client(app, email):
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD = [["ID Lokal", "Judul", "Jenis", "Bahasa"], ["L1", HOSTILE, "naskah", "msa"],
       ["L2", "Peta Kuching", "bukan jenis", ""]]  # fmt: skip
GOOD = [BAD[0], BAD[1], ["L2", "Peta Kuching", "peta", ""]]


def _send(client, batch_id, data, name="items.xlsx", token=None):
    token = token or csrf_token(client, f"/workspace/batches/{batch_id}/preview")
    return client.post(
        f"/workspace/batches/{batch_id}/sheet",
        data={"csrf_token": token, "sheet": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _confirm(client, batch_id, token=None):
    token = token or csrf_token(client, f"/workspace/batches/{batch_id}/preview")
    return client.post(f"/workspace/batches/{batch_id}/confirm", data={"csrf_token": token})


def _sheet(app, batch_id):
    with app.app_context(), get_services().catalog.session() as s:
        return s.get(UploadBatch, batch_id).sheet


def _records(app) -> int:
    with app.app_context(), get_services().catalog.session() as s:
        return s.scalar(select(func.count()).select_from(Record))


def _cells(page, table_id):
    tree = html.fromstring(page.data)
    return [
        [cell.text_content().strip() for cell in row.xpath("td")]
        for row in tree.xpath(f'//table[@id="{table_id}"]/tbody/tr')
    ]


def test_a_sheet_with_an_error_then_corrected_then_confirmed(app, batch_id):
    client = _client(app, "op@rajang.example")
    empty = client.get(f"/workspace/batches/{batch_id}/preview")
    assert empty.status_code == 200
    assert "The batch has no sheet and no uploaded file." in empty.get_data(as_text=True)
    assert _confirm(client, batch_id).status_code == 400  # nothing to confirm

    sent = _send(client, batch_id, _xlsx(BAD))
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/preview")
    page = client.get(f"/workspace/batches/{batch_id}/preview")
    assert _cells(page, "sheet-errors") == [
        ["3", "type", f"Type “bukan jenis” is not one of {', '.join(_types())}."]
    ]
    rows = _cells(page, "sheet-rows")
    assert rows[0][:3] == ["2", "New draft record", f"{HOSTILE}local_id: L1"]
    assert HOSTILE not in page.get_data(as_text=True)  # the cell is text, escaped
    assert b"/confirm" not in page.data  # no confirm while there is an error
    assert _confirm(client, batch_id).status_code == 400 and _records(app) == 0

    assert _send(client, batch_id, _xlsx(GOOD)).status_code == 302
    page = client.get(f"/workspace/batches/{batch_id}/preview")
    assert _cells(page, "sheet-errors") == [] and b"/confirm" in page.data
    done = _confirm(client, batch_id)
    assert done.status_code == 302
    assert done.headers["Location"] == "/workspace/partners/rajang/records?state=draft"
    assert _records(app) == 2
    drafts = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Peta Kuching" in drafts and HOSTILE not in drafts
    after = client.get(f"/workspace/batches/{batch_id}/preview")
    assert "This batch was confirmed" in after.get_data(as_text=True)
    token = csrf_token(client, "/workspace/password")
    assert _send(client, batch_id, _xlsx(GOOD), token=token).status_code == 409


def _types():
    from catalog.models import RECORD_TYPES

    return RECORD_TYPES


@pytest.mark.parametrize(
    "data, name, text",
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "old.xls", "old Excel file (.xls)"),
        ("judul\nSurat \xe9\n".encode("latin-1"), "latin.csv", "cannot be read as a UTF-8 CSV"),
        (b"x" * (sheets.MAX_SHEET_BYTES + 1), "big.csv", "more than the limit"),
    ],
)
def test_a_file_that_is_no_sheet_is_refused_and_the_batch_keeps_its_sheet(
    app, batch_id, data, name, text
):
    client = _client(app, "op@rajang.example")
    assert _send(client, batch_id, _xlsx(GOOD)).status_code == 302
    kept = _sheet(app, batch_id)
    refused = _send(client, batch_id, data, name)
    assert refused.status_code == 400
    assert text in html.fromstring(refused.data).xpath('//*[@role="alert"]')[0].text_content()
    assert _sheet(app, batch_id) == kept


def test_without_csrf_token_nothing_changes(app, batch_id):
    client = _client(app, "op@rajang.example")
    assert _send(client, batch_id, _xlsx(GOOD), token="forged").status_code == 400
    assert _sheet(app, batch_id) is None
    assert _send(client, batch_id, _xlsx(GOOD)).status_code == 302
    assert _confirm(client, batch_id, token="forged").status_code == 400
    assert _records(app) == 0


@pytest.mark.parametrize("email", ["admin@khatulistiwa.example", "curator@rajang.example"])
def test_who_may_not_upload_to_the_batch_changes_nothing(app, batch_id, email):
    owner = _client(app, "op@rajang.example")
    assert _send(owner, batch_id, _xlsx(GOOD)).status_code == 302
    kept = _sheet(app, batch_id)
    other = _client(app, email)
    assert other.get(f"/workspace/batches/{batch_id}/preview").status_code == 403
    token = csrf_token(other, "/workspace/password")
    assert _send(other, batch_id, _xlsx(BAD), token=token).status_code == 403
    assert _confirm(other, batch_id, token=token).status_code == 403
    assert _sheet(app, batch_id) == kept and _records(app) == 0
    assert other.get("/workspace/batches/999999/preview").status_code in (403, 404)


@pytest.mark.parametrize("language, title", [("en", "title"), ("id", "judul"), ("ms", "tajuk")])
def test_the_template_comes_in_the_interface_language(app, batch_id, language, title):
    client = _client(app, "op@rajang.example")
    client.get(f"/language/{language}?next=/")
    xlsx = client.get("/workspace/sheets/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert f"-{language}.xlsx" in xlsx.headers["Content-Disposition"]
    sheet = sheets.read_sheet(xlsx.data, "template.xlsx")
    assert sheet.columns == sheets.COLUMN_NAMES
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    assert next(book.worksheets[0].iter_rows(values_only=True))[3] == title
    assert len(book.worksheets) == 2  # the items, then the instructions
    csv = client.get("/workspace/sheets/template.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    assert sheets.read_sheet(csv.data, "t.csv").columns == sheets.COLUMN_NAMES
    assert client.get("/workspace/sheets/template.pdf").status_code == 404


def test_the_template_is_for_those_who_may_upload(app, batch_id):
    assert app.test_client().get("/workspace/sheets/template.csv").status_code == 302
    for email in ("reader@example.org", "curator@rajang.example"):
        assert _client(app, email).get("/workspace/sheets/template.csv").status_code == 403


def test_every_problem_code_has_a_translated_text():
    assert set(batches.ALL_MESSAGES) == set(sheet_texts.PROBLEMS)
    for code, english in batches.ALL_MESSAGES.items():
        placeholders = {p for p in english.split("%(")[1:]}
        for placeholder in placeholders:
            name = placeholder.split(")")[0]
            assert f"%({name})" in str(sheet_texts.PROBLEMS[code]), (code, name)
