"""Reading an uploaded file safely: its size, its encoding, whether it is text at all, CSV.

Everything that can be wrong with a file as a whole is a `BadFile`, whose message is shown
to the user as it is ("Line 4: ..." when it knows the line). Nothing is written before the
file has been read through, so a `BadFile` never leaves anything behind.
"""

import csv
import math
from collections import Counter
from dataclasses import dataclass

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

MAX_BYTES = 10 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_LINES = 100

# The first bytes of files that people upload by mistake, and what to call them.
MAGIC_NUMBERS = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or an Excel workbook; unzip it, or save the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel or Word file; save it as CSV"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
]


class BadFile(Exception):
    """The file cannot be imported; the message says why (and where, if `line` is given)."""

    def __init__(self, message, *, line=None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"Line {self.line}: {self.message}" if self.line else self.message


def check_size(size):
    """Refuse a file over the limit, from its size alone (nothing is read)."""
    if size is not None and size > MAX_BYTES:
        megabytes = round(size / (1024 * 1024), 1)
        if megabytes <= MAX_MB:  # just over the limit: never "10.0 MB; the limit is 10 MB"
            megabytes = math.ceil(size * 10 / (1024 * 1024)) / 10
        raise BadFile(f"File is {megabytes:.1f} MB; the limit is {MAX_MB} MB.")


def read_upload(upload, *, what="CSV file"):
    """The text of an uploaded file: size checked before reading, decoded, line ends "\\n"."""
    check_size(upload.size)
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)  # never more than the limit, whatever `size` said
    check_size(len(data))
    return decode(data, what=what)


def decode(data, *, what="CSV file"):
    """`data` as text: UTF-8 (with or without BOM), UTF-16 or UTF-32 with a BOM, UTF-16
    without one, else Windows-1252 / Latin-1. Binary files and empty files are refused."""
    if not data.strip():
        raise BadFile("The file is empty.")
    encoding = bom_encoding(data) or utf16_without_bom(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise BadFile(f"The file says it is {encoding.upper()} but is not.") from error
    else:
        refuse_binary(data, what)
        text = decode_8bit(data)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise BadFile("The file is empty.")
    if "\x00" in text:
        raise BadFile(f"This is not a {what} (it contains binary data).")
    return text


def bom_encoding(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def utf16_without_bom(data):
    """UTF-16 text without a BOM: every other byte is NUL (true of ASCII-heavy text)."""
    sample = data[:2000]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def refuse_binary(data, what):
    for magic, name in MAGIC_NUMBERS:
        if data.startswith(magic):
            raise BadFile(f"This is not a {what} (it looks like {name}).")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise BadFile(f"This is not a {what} (it looks like a WebP image).")
    if data[4:8] == b"ftyp":
        raise BadFile(f"This is not a {what} (it looks like a photo or a video).")
    if b"\x00" in data[:8192]:
        raise BadFile(f"This is not a {what} (it contains binary data).")


def decode_8bit(data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# CSV --------------------------------------------------------------------------------------


def clean_cell(value):
    return value.replace("\ufeff", "").strip()


def header_key(value):
    """A header cell as compared: case, spaces and quotes do not matter."""
    return " ".join(clean_cell(value).strip('"').lower().split())


@dataclass
class Table:
    """A CSV table found in a text: its header, where the header is, and the delimiter."""

    text: str
    delimiter: str
    header_line: int  # 1-based line number of the header row
    header: list

    def columns(self):
        """{header key: column index}; the first of two equal names wins."""
        found = {}
        for index, name in enumerate(self.header):
            found.setdefault(header_key(name), index)
        return found

    def records(self):
        """(line number, cells) of each non-blank row after the header.

        The line number is where the row starts in the file, as a text editor shows it;
        a quoted cell running over several lines makes the row span them.
        """
        lines = self.text.split("\n")[self.header_line :]
        reader = csv.reader((line + "\n" for line in lines), delimiter=self.delimiter)
        consumed = 0
        start = self.header_line + 1
        try:
            for cells in reader:
                start = self.header_line + consumed + 1
                consumed = reader.line_num
                if any(clean_cell(cell) for cell in cells):
                    yield start, cells
        except csv.Error as error:
            raise BadFile(f"This row cannot be read as CSV ({error}).", line=start) from error


def parse_line(line, delimiter):
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def find_header(text, expected, *, minimum=2):
    """The table whose header row holds most of the `expected` column names (lower case).

    The header is found by its content, within the first lines of the file, trying each
    delimiter: a preamble before it (LinkedIn's "Notes:") is passed over. None if no row
    has at least `minimum` of the names.
    """
    expected = set(expected)
    lines = text.split("\n")[:HEADER_SEARCH_LINES]
    best = None
    for delimiter in DELIMITERS:
        for index, line in enumerate(lines):
            if delimiter not in line and len(expected) > 1:
                continue
            cells = parse_line(line, delimiter)
            score = len(expected & {header_key(cell) for cell in cells})
            if score >= minimum and (best is None or score > best[0]):
                best = (score, Table(text, delimiter, index + 1, cells))
    return best[1] if best else None


def first_row_table(text):
    """The table of a CSV file whose first non-blank row is its header (any CSV)."""
    delimiter = sniff_delimiter(text)
    for index, line in enumerate(text.split("\n")):
        if line.strip():
            return Table(text, delimiter, index + 1, parse_line(line, delimiter))
    raise BadFile("The file is empty.")


def sniff_delimiter(text):
    """Comma, semicolon or tab: the one that splits the first rows most consistently."""
    lines = [line for line in text.split("\n")[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = Counter(len(parse_line(line, delimiter)) for line in lines)
        width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (rows, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def cell(cells, index):
    """The cleaned cell `index` of a row; "" where the row is short or there is no column."""
    if index is None or index >= len(cells):
        return ""
    return clean_cell(cells[index])


# Uploads ----------------------------------------------------------------------------------


class SizeLimitHandler(FileUploadHandler):
    """An upload handler that stops storing a file as soon as it is over the limit.

    Put first in `request.upload_handlers`; the view then finds no file and `too_big` set
    to the size the request announced, and says so, without the rest having been stored.
    """

    def __init__(self, request=None, limit=MAX_BYTES):
        super().__init__(request)
        self.limit = limit
        self.announced = None
        self.too_big = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.announced = content_length

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_big = max(self.announced or 0, start + len(raw_data))
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
