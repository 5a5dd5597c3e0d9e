"""Reading an upload: size, encodings, binary files, delimiters, header rows, line numbers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload

from recruiters.imports import files, services
from recruiters.imports.files import BadFile, decode, find_header, first_row_table, read_upload
from tests.imports.conftest import post_upload, upload_error

TEXT = "Name,Company\nZoë Müller,Café Crème\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with its BOM
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # Excel's "Unicode text" without a BOM
        TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
        TEXT.encode("cp1252"),
        TEXT.encode("latin-1"),
        TEXT.replace("\n", "\r\n").encode(),
        TEXT.replace("\n", "\r").encode(),  # old Mac line ends
    ],
)
def test_decodes_to_the_same_text(data):
    assert decode(data) == TEXT


def test_windows_1252_quotes_and_euro():
    assert decode("“Recruiter” – €90k\n".encode("cp1252")) == "“Recruiter” – €90k\n"


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(50), "a PNG image"),
        (b"\xff\xd8\xff\xe0" + bytes(50), "a JPEG image"),
        (b"GIF89a" + bytes(50), "a GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (
            b"PK\x03\x04" + bytes(50),
            "a ZIP archive or an Excel workbook; unzip it, or save the sheet as CSV",
        ),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(50), "a WebP image"),
        (b"\x00\x00\x00\x18ftypheic" + bytes(50), "a photo or a video"),
    ],
)
def test_refuses_binary_files(data, looks_like):
    with pytest.raises(BadFile) as error:
        decode(data)
    assert str(error.value) == f"This is not a CSV file (it looks like {looks_like})."


def test_refuses_other_binary_data():
    with pytest.raises(BadFile, match=r"^This is not a vCard file \(it contains binary data\)\.$"):
        decode(b"BEGIN\x00\x01\x02\x03garbage\x00\xff" * 10, what="vCard file")


@pytest.mark.parametrize("data", [b"", b"   ", b"\r\n\r\n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_refuses_empty_files(data):
    with pytest.raises(BadFile, match=r"^The file is empty\.$"):
        decode(data)


def test_size_is_checked_before_reading():
    class Upload(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("read a file that is too big")

    upload = Upload("big.csv", b"a,b\n")
    upload.size = int(14.2 * 1024 * 1024)
    with pytest.raises(BadFile) as error:
        read_upload(upload)
    assert str(error.value) == "File is 14.2 MB; the limit is 10 MB."


def test_a_file_of_exactly_10_mb_is_read():
    upload = SimpleUploadedFile("ok.csv", b"a,b\n" * (files.MAX_BYTES // 4))
    assert read_upload(upload).startswith("a,b\n")


def test_size_limit_handler_stops_storing_past_the_limit():
    handler = files.SizeLimitHandler(limit=100)
    handler.handle_raw_input(None, {}, 5000, b"boundary")
    assert handler.receive_data_chunk(b"x" * 64, 0) == b"x" * 64
    with pytest.raises(StopUpload) as stop:
        handler.receive_data_chunk(b"x" * 64, 64)
    assert not stop.value.connection_reset
    assert handler.too_big == 5000


@pytest.mark.django_db
def test_the_upload_page_refuses_a_big_file_without_parsing_it(client_in, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the big file reached the parser")

    monkeypatch.setattr(services, "start_import", never)
    response = post_upload(client_in, "csv", "big.csv", b"a,b\n" * (3 * 1024 * 1024))
    assert upload_error(response) == "File is 12.0 MB; the limit is 10 MB."


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n4;5;6\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ('name,notes\nDana,"likes; semicolons; a lot"\n', ","),
    ],
)
def test_sniffs_the_delimiter(text, delimiter):
    assert first_row_table(text).delimiter == delimiter


def test_finds_the_header_by_content_and_numbers_lines_as_the_file_does():
    text = (
        'Notes:\n"A paragraph, wrapped\nover lines, with First Name in it"\n\n'
        "First Name,Last Name,Company\n"
        'Dana,Reyes,"Northwind,\nTalent"\n'
        "\n"
        "Sam,Okafor,Bluefin\n"
    )
    table = find_header(text, ["first name", "last name", "company"])
    assert table.header_line == 5
    assert [(line, cells[0]) for line, cells in table.records()] == [(6, "Dana"), (9, "Sam")]
