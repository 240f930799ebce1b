"""app.forms file fields: type by magic bytes, size limits, and storing only valid submissions."""

import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from app.forms import FileRejected, load_form, parse_submission

FIXTURES = Path(__file__).parent / "forms_fixtures"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture
def fd():
    return load_form(FIXTURES, "certificate")


class Store:
    """A store_file double that records its calls."""

    def __init__(self, reject=None):
        self.calls = []
        self.reject = reject

    def __call__(self, storage, content, mimetype):
        if self.reject:
            raise FileRejected(self.reject)
        self.calls.append((storage.filename, content, mimetype, storage.stream.read()))
        return f"file-{len(self.calls)}"


def upload(content, filename="attest.pdf", mimetype="application/pdf"):
    return FileStorage(io.BytesIO(content), filename=filename, content_type=mimetype)


def post(fd, store, form=None, **files):
    form = MultiDict({"completed_on": "2024-06-30", **(form or {})})
    return parse_submission(fd, form, MultiDict(files), store_file=store)


def test_file_fields_are_declared_by_format_or_widget(fd):
    certificate, photo = fd.field("certificate"), fd.field("photo")
    assert (certificate.kind, photo.kind) == ("file", "file")
    assert certificate.accept == ("application/pdf", "image/png", "image/jpeg")
    assert certificate.max_bytes == 5 * 1024 * 1024
    assert (photo.accept, photo.max_bytes) == (("image/png", "image/jpeg"), 1024)
    assert fd.has_file_field


def test_a_pdf_is_stored_and_its_reference_put_in_data(fd):
    store = Store()
    data, errors = post(fd, store, certificate=upload(PDF))
    assert errors == {}
    assert data == {"completed_on": "2024-06-30", "certificate": "file-1"}
    # the stream is rewound, so store_file may also save the FileStorage itself
    assert store.calls == [("attest.pdf", PDF, "application/pdf", PDF)]


def test_the_type_comes_from_the_bytes_not_the_client(fd):
    store = Store()
    data, errors = post(fd, store, certificate=upload(PNG, "scan.pdf", "application/pdf"),
                        photo=upload(JPEG, "me.png", "image/png"))
    assert errors == {}
    assert [call[2] for call in store.calls] == ["image/png", "image/jpeg"]
    assert data["photo"] == "file-2"


@pytest.mark.parametrize("field, content, message", [
    ("certificate", b"MZ\x90\x00 not a pdf", "Dit bestandstype is niet toegestaan. Toegelaten: PDF, PNG, JPEG."),
    ("certificate", b"<html>%PDF-</html>", "Dit bestandstype is niet toegestaan. Toegelaten: PDF, PNG, JPEG."),
    ("photo", PDF, "Dit bestandstype is niet toegestaan. Toegelaten: PNG, JPEG."),
    ("photo", PNG + b"\x00" * 1024, "Het bestand is te groot (hoogstens 1 kB)."),
])
def test_wrong_or_too_big_files_are_refused(fd, field, content, message):
    store = Store()
    files = {"certificate": upload(PDF), field: upload(content, "geheim-dossier.pdf", "application/pdf")}
    data, errors = post(fd, store, **files)
    assert errors == {field: message}
    assert "geheim" not in message
    assert store.calls == []
    assert field not in data


def test_size_limit_of_five_mebibytes(fd):
    too_big = PDF + b"\x00" * (5 * 1024 * 1024)
    _data, errors = post(fd, Store(), certificate=upload(too_big))
    assert errors == {"certificate": "Het bestand is te groot (hoogstens 5 MB)."}


def test_an_empty_file_is_not_given(fd):
    store = Store()
    data, errors = post(fd, store, certificate=upload(b"", filename=""))
    assert errors == {"certificate": "Dit veld is verplicht."}
    assert "certificate" not in data and store.calls == []


def test_nothing_is_stored_while_another_field_is_invalid(fd):
    store = Store()
    data, errors = post(fd, store, form={"completed_on": "gisteren"}, certificate=upload(PDF))
    assert errors == {"completed_on": "Geef een geldige datum in (JJJJ-MM-DD)."}
    assert store.calls == []
    assert "certificate" not in data and data["completed_on"] == "gisteren"


def test_the_store_may_reject_a_file(fd):
    data, errors = post(fd, Store(reject="Dit bestand bevat een virus."), certificate=upload(PDF))
    assert errors == {"certificate": "Dit bestand bevat een virus."}
    assert "certificate" not in data


def test_a_form_with_files_needs_a_store(fd):
    with pytest.raises(TypeError):
        parse_submission(fd, MultiDict({"completed_on": "2024-06-30"}), MultiDict({"certificate": upload(PDF)}))


def test_json_input_with_a_file_reference_validates(fd):
    from app.forms import validate_data

    assert validate_data(fd, {"completed_on": "2024-06-30", "certificate": "file-9"}) == {}
    assert validate_data(fd, {"completed_on": "2024-06-30"}) == {"certificate": "Dit veld is verplicht."}
