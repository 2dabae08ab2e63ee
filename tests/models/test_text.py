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


def test_customer_turns_keep_only_what_the_customer_said() -> None:
    from models.text import customer_turns

    call = ("Agent: Orbitly support, how can I help? Customer: Third time I'm calling, I am furious. "
            "Agent: I understand, sorry. Customer: Refund me today.")
    assert customer_turns(call) == "Third time I'm calling, I am furious. Refund me today."
    assert customer_turns("Kunde: Alles kaputt!\nAgentin: Das tut mir leid.") == "Alles kaputt!"
    plain = "Note: the export fails. Error: 502 since Monday."  # labels, but no agent/customer dialogue
    assert customer_turns(plain) == plain


def test_an_angry_caller_scores_negative_despite_a_polite_agent() -> None:
    from models.sentiment import SentimentScorer

    call = ("Agent: Orbitly support, how can I help? Customer: This is the THIRD time I'm calling about being "
            "charged twice. I am absolutely furious, I want my money back today or I'm cancelling. Agent: I "
            "understand.")
    assert SentimentScorer().compound(call) <= -0.6
