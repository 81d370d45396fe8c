"""Without EMAIL_HOST (make run), emails land in var/mail/ where a person can read them."""

from django.core.mail import EmailMultiAlternatives


def test_development_emails_are_kept_readable(settings, tmp_path, capsys):
    settings.EMAIL_BACKEND = "doorstep.notifications.dev_mail.ConsoleAndFolderBackend"
    settings.EMAIL_FOLDER = tmp_path
    message = EmailMultiAlternatives(
        "Your sign-in link", "Open https://x.test/l/abc", to=["pat@example.test"]
    )
    message.attach_alternative("<p>Open it</p>", "text/html")
    assert message.send() == 1
    [txt] = tmp_path.glob("*.txt")
    assert "Open https://x.test/l/abc" in txt.read_text()
    assert len(list(tmp_path.glob("*.eml"))) == 1 and len(list(tmp_path.glob("*.html"))) == 1
    printed = capsys.readouterr().out
    assert "pat@example.test: Your sign-in link" in printed and str(txt) in printed
