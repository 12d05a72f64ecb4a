"""Read a plan file of any supported type into a TextDocument, or say in one line why not."""
from __future__ import annotations

from pathlib import Path

from corpus.document import TextDocument, UnreadablePlan, file_sha256  # noqa: F401  (file_sha256: re-exported)
from corpus.text import nfc

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ""}
DOC_SUFFIXES = {".docx", ".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | DOC_SUFFIXES
_VIET_MARKERS = ("ệ", "ạ", "ố", "ư", "ơ", "đ", "ả", "ộ", "ế", "ấ")


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM), then cp1258; binary and empty files are refused."""
    if not data.strip():
        raise UnreadablePlan(f"{name}: tệp rỗng")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadablePlan(f"{name}: không đọc được mã UTF-16 ({exc.reason})") from None
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM shows NULs in every other byte of ASCII text.
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if any(m in text for m in _VIET_MARKERS) or text.isascii():
                return text
        raise UnreadablePlan(f"{name}: tệp nhị phân, không phải văn bản")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise UnreadablePlan(f"{name}: không nhận ra bảng mã (đã thử UTF-8, UTF-16, cp1258)") from None
    control = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\f")
    if control > len(text) * 0.01:
        raise UnreadablePlan(f"{name}: tệp nhị phân, không phải văn bản")
    return text


def read_document(path: Path, ocr=None) -> TextDocument:
    """Any supported plan file -> TextDocument. Raises UnreadablePlan with a one-line reason.
    ocr: corpus.ocr.OcrOptions for scanned PDFs (cache folder, tools); None = defaults, no cache."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from corpus.docx_reader import read_docx
        return read_docx(path)
    if suffix == ".pdf":
        from corpus.pdf_reader import read_pdf
        return read_pdf(path, ocr)
    if suffix not in TEXT_SUFFIXES:
        raise UnreadablePlan(f"{path.name}: loại tệp không hỗ trợ ({suffix}); dùng .txt, .md, .docx hoặc .pdf")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadablePlan(f"{path.name}: không đọc được tệp ({exc.strerror})") from None
    text = decode_text(data, path.name)
    # Keep line numbering identical to the file: split on \n only, drop a trailing \r per line.
    lines = tuple(nfc(line.rstrip("\r")) for line in text.split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    return TextDocument(lines=lines, pages=None, kind="text")
