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


def test_markup_that_is_not_text_strips_to_nothing() -> None:
    assert strip_html("<!-- refund me -->") == ""
    assert strip_html("<!-- an unclosed comment") == ""
    assert strip_html("<![CDATA[charged twice]]>") == ""
    assert strip_html("<!DOCTYPE html><html><head><title>Re: refund</title></head><body></body></html>") == ""
    assert strip_html("<script>alert('x')</script><style>p{}</style><noscript>js</noscript>") == ""
    assert strip_html("<?xml version='1.0'?><p>&nbsp;</p>") == ""
    assert ticket_text("", "<p>a<!-- hidden -->b</p>") == "ab"


def test_entities_nesting_and_broken_markup() -> None:
    assert strip_html("<p>1 &lt; 2 &amp;&amp; 3 &gt; 2 &#x41;&eacute;&#128512;</p>") == "1 < 2 && 3 > 2 Aé\U0001f600"
    assert strip_html("<div><p>Nested <span><b><i>deep</i></b> text</span></p></div>") == "Nested deep text"
    assert strip_html("<a title='x>y'>link</a> after") == "link after"
    assert strip_html("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>") == "a b\n\nc"
    # An unclosed <head> does not swallow the body; a declared charset cannot re-decode the text.
    assert strip_html("<html><head><title>t</title><body>Hello") == "Hello"
    assert strip_html('<?xml version="1.0" encoding="latin-1"?><p>café</p>') == "café"
    assert strip_html("a\x00b<b>\x07c\ud800</b>") == "abc"


def test_html_nested_past_the_parser_limit_is_refused_not_cut_silently() -> None:
    import pytest

    from models.errors import InvalidInputError

    assert strip_html("<div>" * 2000 + "deep") == "deep"
    with pytest.raises(InvalidInputError, match="nested too deeply"):
        strip_html("<div>" * 3000 + "deep")


def test_strip_html_is_linear_on_pathological_input() -> None:
    import time

    # html.parser (the previous stripper) took 17 s for 100 KB of "<a b='"; 2 MB of each now takes milliseconds.
    for unit in ("<a b='", "<div x=1 ", "<!--", "<a", "</a ", "<![CDATA[", "&#", '<a b="', "<p><b><i>"[:3]):
        text = "<p>x</p>" + unit * (2_000_000 // len(unit))
        started = time.perf_counter()
        strip_html(text)
        assert time.perf_counter() - started < 3, unit


def test_plain_ticket_cuts_the_body_at_a_word_and_keeps_the_subject() -> None:
    from models.text import plain_ticket

    log = " ".join(f"line{i}" for i in range(200))
    cut = plain_ticket("Export fails", f"<p>See log:</p><pre>{log}</pre>", max_chars=100)
    assert cut.truncated and cut.chars == len("Export fails\nSee log:\n\n" + log)
    assert cut.subject == "Export fails" and len(cut.text) <= 100
    assert cut.body.startswith("See log:\n\nline0 line1") and cut.body.split()[-1] in log.split()
    whole = plain_ticket("Refund", "<b>charged twice</b>", max_chars=100)
    assert not whole.truncated and whole.text == "Refund\ncharged twice" and whole.chars == len(whole.text)
    long_subject = plain_ticket("s" * 150, "body", max_chars=100)
    assert long_subject.subject == "s" * 100 and long_subject.body == "" and long_subject.truncated
