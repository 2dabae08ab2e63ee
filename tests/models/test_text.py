from models.text import looks_like_html, strip_html, ticket_text


def test_strip_html_keeps_paragraphs_and_decodes_entities() -> None:
    html = "<html><head><style>p{color:red}</style></head><body><p>Hi&nbsp;team,</p><p>It&#39;s <b>down</b> &amp; " \
           "slow<br>since 9am</p><script>alert(1)</script></body></html>"
    assert strip_html(html) == "Hi team,\n\nIt's down & slow\nsince 9am"


def test_plain_text_passes_through() -> None:
    text = "I can't log in.\n\n\nPlease   help"
    assert not looks_like_html(text)
    assert strip_html(text) == "I can't log in.\n\nPlease help"


def test_comparison_signs_are_not_mistaken_for_tags() -> None:
    assert strip_html("latency went from <5 ms to > 900 ms") == "latency went from <5 ms to > 900 ms"


def test_ticket_text_joins_subject_and_body_and_drops_empty_parts() -> None:
    assert ticket_text("Refund", "<p>Charged twice</p>") == "Refund\nCharged twice"
    assert ticket_text("", "<div> </div>") == ""
    assert ticket_text(None, "only body") == "only body"
