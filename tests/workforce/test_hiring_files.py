"""Resumes and video uploads: judged by their bytes, size-limited, scanned when a scanner is set, stored
encrypted in the private storage."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tests.workforce.hiring_helpers import docx_bytes, mp4_bytes, pdf_bytes, upload
from workforce import files

# The first bytes of a Windows program ("MZ"), whatever it is called.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 2000


def test_a_real_pdf_and_docx_are_accepted_whatever_their_name_and_type():
    data, kind = files.check_resume(upload("cv.bin", pdf_bytes(), "text/plain"))
    assert kind.kind == "pdf" and data.startswith(b"%PDF-")
    _data, kind = files.check_resume(upload("resume", docx_bytes(), "application/octet-stream"))
    assert kind.kind == "docx"


@pytest.mark.parametrize(
    "name, data",
    [
        ("resume.pdf", EXE),  # a program renamed
        ("resume.pdf", b"Just some text, called a PDF.\n" * 20),  # a text file renamed
        ("resume.pdf", b"%PDF-1.7\nbut cut off before its end"),  # a PDF header without a PDF's end
        ("resume.docx", b"PK\x03\x04 not really a zip"),  # a broken zip
        ("resume.docx", None),  # a zip that isn't a Word document
        ("resume.docm", "macro"),  # a Word document with macros
    ],
)
def test_files_that_are_not_a_pdf_or_docx_are_refused(name, data):
    if data is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "hi")
        data = out.getvalue()
    elif data == "macro":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source, zipfile.ZipFile(out, "w") as archive:
            for item in source.namelist():
                archive.writestr(item, source.read(item))
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
        data = out.getvalue()
    with pytest.raises(ValidationError) as caught:
        files.check_resume(upload(name, data, "application/pdf"))
    assert caught.value.code == "type"


def test_a_resume_over_5_mb_is_refused_and_one_at_5_mb_is_not():
    at_limit = pdf_bytes()
    padding = files.RESUME_MAX_BYTES - len(at_limit)
    # Padding inside the PDF (before its end marker) keeps it a PDF.
    body = at_limit[:-6] + b"%" + b"x" * (padding - 1) + at_limit[-6:]
    assert len(body) == files.RESUME_MAX_BYTES
    files.check_resume(upload("cv.pdf", body))
    with pytest.raises(ValidationError) as caught:
        files.check_resume(upload("cv.pdf", body + b"x"))
    assert caught.value.code == "too_big"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        files.check_resume(upload("cv.pdf", b""))


def flag_everything(data, *, filename):
    return "EICAR test signature"


def test_the_virus_scan_hook_refuses_what_it_flags(settings):
    settings.WORKFORCE_UPLOAD_SCANNER = "tests.workforce.test_hiring_files.flag_everything"
    with pytest.raises(ValidationError) as caught:
        files.check_resume(upload("cv.pdf", pdf_bytes()))
    assert caught.value.code == "scan"
    settings.WORKFORCE_UPLOAD_SCANNER = ""
    files.check_resume(upload("cv.pdf", pdf_bytes()))


def test_videos_are_sniffed_too():
    files.check_video(upload("talk.mp4", mp4_bytes()))
    with pytest.raises(ValidationError):
        files.check_video(upload("talk.mp4", EXE, "video/mp4"))


def test_stored_files_are_encrypted_and_read_back(_private_storage):
    data = pdf_bytes("Only for the hiring team") * 1  # small
    big = b"%PDF-1.4\n" + b"y" * (files.CHUNK * 2 + 17)  # several chunks
    for content in (data, big):
        name = files.store(folder="resumes", data=content)
        stored = (_private_storage / name).read_bytes()
        assert b"Only for the hiring team" not in stored and b"%PDF" not in stored
        assert files.read_decrypted(name) == content
        files.delete(name)
        assert not (_private_storage / name).exists()


@pytest.mark.django_db
def test_rotating_the_key_re_encrypts_the_files_so_the_old_key_can_go(
    settings, _private_storage, django_capture_on_commit_callbacks
):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from tests.workforce.hiring_helpers import application_at
    from workforce.stages import Stage

    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    application = application_at(Stage.SUBMITTED)
    before = application.resume_file
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_private_files", stdout=io.StringIO())
    application.refresh_from_db()
    assert application.resume_file != before and not (_private_storage / before).exists()
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert files.read_decrypted(application.resume_file) == pdf_bytes()
