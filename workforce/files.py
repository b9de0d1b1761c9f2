"""Applicants' files (resumes, recorded video interviews): checked by their content, encrypted, stored
privately, read back only through permission-checked views.

Why both private storage *and* encryption: ``STORAGES["private"]`` keeps the files out of every public
path (locally a directory outside MEDIA_ROOT that nothing serves; on S3 a "private/" prefix with a private
ACL), but a misconfigured bucket policy, a backup copied somewhere, or a disk snapshot would still hand
over a resume in the clear. So every file is also encrypted before it reaches the storage, with the same
Fernet keys as the encrypted text columns (``FIELD_ENCRYPTION_KEYS``, independent of ``SECRET_KEY``):
what the storage holds is useless without the keys.

The stored format is a sequence of chunks, each ``4-byte big-endian length + Fernet token`` of up to
1 MiB of the file, so a large video is encrypted and decrypted in bounded memory and streamed back.
Any configured key decrypts a file. After putting a new key first in ``FIELD_ENCRYPTION_KEYS``, run
``manage.py rotate_encryption_keys`` (the columns) and ``manage.py rotate_private_files`` (these files),
then drop the old key.

What a file *is* is decided by its bytes, never by its name or the browser's content type:
- PDF: starts with ``%PDF-1.x`` / ``%PDF-2.x`` and has an ``%%EOF`` marker near its end;
- DOCX: a zip archive holding ``[Content_Types].xml`` and ``word/document.xml`` (and no macros);
- video: MP4/MOV (an ``ftyp`` box first) or WebM (the EBML header with the "webm" doc type).

An optional virus scan runs on every upload before it is stored: ``settings.WORKFORCE_UPLOAD_SCANNER``
names a callable ``scan(data: bytes, *, filename: str) -> str | None`` that returns a reason to refuse
the file (shown to the person as "we couldn't accept this file") or None. Empty (the default): no scan.
"""

from __future__ import annotations

import io
import secrets
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.utils.module_loading import import_string

from peersnet.kernel.crypto import decrypt_bytes, encrypt_bytes

RESUME_MAX_BYTES = 5 * 1024 * 1024
VIDEO_MAX_BYTES = 200 * 1024 * 1024
CHUNK = 1024 * 1024
_LENGTH = struct.Struct(">I")


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "pdf", "docx", "mp4", "webm"
    content_type: str
    extension: str


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RESUME_KINDS = {"pdf": "application/pdf", "docx": DOCX_TYPE}
VIDEO_KINDS = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}


def private_storage():
    """The storage for applicants' files (``STORAGES["private"]``)."""
    return storages["private"]


def _read_all(upload: UploadedFile, limit: int, too_big: str) -> bytes:
    if upload.size is not None and upload.size > limit:
        raise ValidationError(too_big, code="too_big")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(too_big, code="too_big")
    if not data:
        raise ValidationError("That file is empty.", code="empty")
    return data


def sniff_resume(data: bytes) -> Sniffed | None:
    """PDF or DOCX by content and structure, else None."""
    if data[:5] == b"%PDF-" and data[5:6] in (b"1", b"2") and b"%%EOF" in data[-2048:]:
        return Sniffed("pdf", "application/pdf", "pdf")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if {"[Content_Types].xml", "word/document.xml"} <= names and "word/vbaProject.bin" not in names:
            return Sniffed("docx", DOCX_TYPE, "docx")
    return None


def sniff_video(head: bytes) -> Sniffed | None:
    """MP4/MOV or WebM by their first bytes, else None."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return Sniffed("mov", VIDEO_KINDS["mov"], "mov")
        return Sniffed("mp4", VIDEO_KINDS["mp4"], "mp4")
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return Sniffed("webm", VIDEO_KINDS["webm"], "webm")
    return None


def scan(data: bytes, *, filename: str) -> None:
    """Run the configured virus scanner, if any; ValidationError when it refuses the file."""
    path = getattr(settings, "WORKFORCE_UPLOAD_SCANNER", "")
    if not path:
        return
    reason = import_string(path)(data, filename=filename)
    if reason:
        raise ValidationError(
            "We couldn't accept this file: our virus check flagged it. Please check it and try another.",
            code="scan",
        )


def check_resume(upload: UploadedFile) -> tuple[bytes, Sniffed]:
    """The resume's bytes and kind, or ValidationError with a message for the applicant."""
    data = _read_all(upload, RESUME_MAX_BYTES, "Your resume is larger than 5 MB. Please send a smaller file.")
    sniffed = sniff_resume(data)
    if sniffed is None:
        raise ValidationError(
            "This file isn't a PDF or a Word (.docx) document. Please save your resume as one of those.",
            code="type",
        )
    scan(data, filename=upload.name or "resume")
    return data, sniffed


def check_video(upload: UploadedFile) -> tuple[UploadedFile, Sniffed]:
    """The video upload and its kind, or ValidationError. Read in chunks: it may be large."""
    if upload.size is None or upload.size > VIDEO_MAX_BYTES:
        raise ValidationError(
            "Your video is larger than 200 MB. Please share a link to it instead, or send a smaller file.",
            code="too_big",
        )
    if upload.size == 0:
        raise ValidationError("That file is empty.", code="empty")
    upload.seek(0)
    sniffed = sniff_video(upload.read(64))
    if sniffed is None:
        raise ValidationError(
            "This file isn't a video we can play (MP4, MOV or WebM). You can share a link instead.",
            code="type",
        )
    if getattr(settings, "WORKFORCE_UPLOAD_SCANNER", ""):
        upload.seek(0)
        scan(upload.read(), filename=upload.name or "video")
    return upload, sniffed


def _encrypted_chunks(source: Iterator[bytes]) -> File:
    """The encrypted file, spooled to a temporary file past 8 MB (a video never sits whole in memory)."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the caller closes it)
    for chunk in source:
        token = encrypt_bytes(chunk)
        out.write(_LENGTH.pack(len(token)))
        out.write(token)
    out.seek(0)
    return File(out)


def _chunks_of_bytes(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def _chunks_of_upload(upload: UploadedFile) -> Iterator[bytes]:
    upload.seek(0)
    while chunk := upload.read(CHUNK):
        yield chunk


def store(*, folder: str, data: bytes | None = None, upload: UploadedFile | None = None) -> str:
    """Encrypt and save a file under a random name in ``folder``; returns the storage name."""
    source = _chunks_of_bytes(data) if data is not None else _chunks_of_upload(upload)
    name = f"{folder}/{secrets.token_urlsafe(24)}.bin"
    encrypted = _encrypted_chunks(source)
    try:
        return private_storage().save(name, encrypted)
    finally:
        encrypted.close()


def open_decrypted(name: str) -> Iterator[bytes]:
    """The plaintext of a stored file, chunk by chunk (for a streaming response)."""
    with private_storage().open(name, "rb") as stored:
        while header := stored.read(_LENGTH.size):
            (length,) = _LENGTH.unpack(header)
            yield decrypt_bytes(stored.read(length))


def reencrypt(name: str) -> str:
    """A copy of the stored file ``name`` encrypted under the newest key, saved under a new name in the
    same folder (the caller points the row at it and deletes the old file after commit)."""
    folder = name.rsplit("/", 1)[0]
    encrypted = _encrypted_chunks(open_decrypted(name))
    try:
        return private_storage().save(f"{folder}/{secrets.token_urlsafe(24)}.bin", encrypted)
    finally:
        encrypted.close()


def read_decrypted(name: str) -> bytes:
    return b"".join(open_decrypted(name))


def delete(name: str) -> None:
    if name:
        private_storage().delete(name)
