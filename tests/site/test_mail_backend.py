"""The embedded email backend (`make run`): readable lines on the console, the full message on disk."""

from django.core.mail import EmailMultiAlternatives

from peersnet.mail import ConsoleAndFileEmailBackend


def test_console_backend_prints_a_summary_not_mime_and_keeps_the_message(tmp_path, capsys):
    message = EmailMultiAlternatives(
        "Your session is confirmed",
        "Join here: https://example.test/join\nCall or text 988.",
        to=["maya@x.test"],
    )
    message.attach_alternative("<p>Join</p>", "text/html")
    message.attach("invite.ics", "BEGIN:VCALENDAR", "text/calendar")

    assert ConsoleAndFileEmailBackend(file_path=str(tmp_path)).send_messages([message]) == 1

    out = capsys.readouterr().out
    assert "--- email to maya@x.test: Your session is confirmed" in out
    assert "Join here: https://example.test/join" in out
    assert "(attached: invite.ics)" in out
    assert "Content-Type" not in out and "MIME-Version" not in out
    (kept,) = tmp_path.iterdir()
    assert "MIME-Version" in kept.read_text() and str(kept) in out
