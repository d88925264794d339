from notify.domain.notice_email import SUBJECT, compose_notice_email, notice_link


def test_link_points_at_the_notice_in_the_portal():
    assert notice_link("https://cars.example/", "c-1") == "https://cars.example/api/correspondence/c-1/pdf"


def test_both_parts_name_the_notice_and_carry_the_link():
    email = compose_notice_email(username="jdoe", title="Annual Fee Notice 2026", number="C-1", link="https://x/y")
    assert email.subject == SUBJECT == "A new notice is in your CARS account"
    for body in (email.text_body, email.html_body):
        assert "Annual Fee Notice 2026" in body
        assert "C-1" in body
        assert "https://x/y" in body


def test_html_part_escapes_what_it_did_not_write():
    email = compose_notice_email(username="<b>", title="Fines & <script>", number="C-1", link="https://x/?a=1&b=2")
    assert "<script>" not in email.html_body
    assert "Fines &amp; &lt;script&gt;" in email.html_body
    assert 'href="https://x/?a=1&amp;b=2"' in email.html_body
