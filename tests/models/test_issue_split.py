"""Multi-issue tickets: segmentation (en/de/es/fr), merging routed segments into issues, the issue paragraphs."""

from pathlib import Path

import pytest

from models.drafting.issues import (
    Issue,
    Segment,
    SegmentLabel,
    find_issues,
    issue_candidates,
    issue_paragraph,
    issue_segments,
    main_span,
    segment_pairs,
    signature_start,
    split_segments,
    substantive_words,
    with_issue_paragraphs,
    with_support,
    with_windows,
)
from models.drafting.phrasebook import PhraseBook
from models.drafting.types import AgentAction, Citation, Draft, Sentence, Source

BOOK = PhraseBook.load(Path(__file__).resolve().parents[2] / "config" / "phrasebook.yaml")


def texts(text: str) -> list[str]:
    segments = split_segments(text)
    assert all(text[s.start:s.end] == s.text for s in segments)  # spans point into the ticket text
    return [s.text for s in segments]


@pytest.mark.parametrize(("text", "expected"), [
    ("I was charged twice this month, the Jira sync is broken, and can you add dark mode?",
     ["I was charged twice this month, the Jira sync is broken", "and can you add dark mode?"]),
    ("Hi! My invoice shows a double charge. Also the export to CSV fails every time.\nThanks",
     ["Hi! My invoice shows a double charge.", "Also the export to CSV fails every time.\nThanks"]),
    ("Mir wurde doppelt abgebucht, und außerdem funktioniert die Jira-Synchronisierung nicht mehr.",
     ["Mir wurde doppelt abgebucht", "und außerdem funktioniert die Jira-Synchronisierung nicht mehr."]),
    ("Me cobraron dos veces la factura; y además no puedo iniciar sesión en la app.",
     ["Me cobraron dos veces la factura", "y además no puedo iniciar sesión en la app."]),
    ("On m'a facturé deux fois ce mois-ci, et aussi la synchronisation Jira ne marche plus.",
     ["On m'a facturé deux fois ce mois-ci", "et aussi la synchronisation Jira ne marche plus."]),
])
def test_segments_in_four_languages(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_a_plain_and_inside_a_clause_does_not_split() -> None:
    assert texts("I cannot log in and out of the mobile app since the update.") == [
        "I cannot log in and out of the mobile app since the update."]


def test_short_pieces_join_a_neighbour_and_segments_are_capped() -> None:
    assert texts("Hello. Thanks!") == ["Hello. Thanks!"]  # nothing long enough: one segment
    many = " ".join(f"Problem number {i} is here." for i in range(20))
    segments = split_segments(many, max_segments=5)
    assert len(segments) == 5 and segments[-1].end == len(many)


TEXT = "I was charged twice. The Jira sync is broken. It stopped syncing issues. Please add dark mode."


def labels(*pairs: tuple[str, float]) -> list[SegmentLabel]:
    return [SegmentLabel(topic, confidence) for topic, confidence in pairs]


def test_adjacent_segments_of_a_topic_merge_into_one_issue() -> None:
    segments = split_segments(TEXT)
    assert len(segments) == 4
    found = find_issues(TEXT, segments, labels(("billing", 0.9), ("integrations", 0.8), ("integrations", 0.5),
                                               ("feature_request", 0.7)), main_topic="billing", min_confidence=0.6)
    assert [(i.topic, i.text, i.segments, i.confidence) for i in found] == [
        ("integrations", "The Jira sync is broken. It stopped syncing issues.", (1, 2), 0.8),
        ("feature_request", "Please add dark mode.", (3,), 0.7)]
    assert main_span(TEXT, segments, labels(("billing", 0.9), ("integrations", 0.8), ("integrations", 0.5),
                                            ("feature_request", 0.7)), "billing").text == "I was charged twice."


def test_low_confidence_main_topic_out_of_scope_and_abstained_segments_are_no_issue() -> None:
    segments = split_segments(TEXT)
    pairs = [SegmentLabel("billing", 0.9), SegmentLabel("integrations", 0.59), SegmentLabel("oos", 0.99),
             SegmentLabel("outage", 0.95, abstained=True)]
    assert find_issues(TEXT, segments, pairs, main_topic="billing", min_confidence=0.6) == []
    assert find_issues(TEXT, segments, labels(*[("billing", 0.99)] * 4), main_topic="billing") == []
    with pytest.raises(ValueError, match="4 segments but 1 labels"):
        find_issues(TEXT, segments, labels(("billing", 0.9)), main_topic="billing")


def test_a_topic_met_twice_is_one_issue() -> None:
    segments = split_segments(TEXT)
    found = find_issues(TEXT, segments, labels(("outage", 0.9), ("billing", 0.9), ("outage", 0.9), ("billing", 0.7)),
                        main_topic="outage", min_confidence=0.6)
    assert [(i.topic, i.segments) for i in found] == [("billing", (1,))]


def test_windows_are_adjacent_pairs_of_segments() -> None:
    segments = split_segments(TEXT)
    pairs = segment_pairs(TEXT, segments)
    assert [p.text for p in pairs] == ["I was charged twice. The Jira sync is broken.",
                                       "The Jira sync is broken. It stopped syncing issues.",
                                       "It stopped syncing issues. Please add dark mode."]
    assert all(TEXT[p.start:p.end] == p.text for p in pairs)
    assert segment_pairs(TEXT, segments[:1]) == []


def test_a_segment_unsure_alone_takes_its_confident_window() -> None:
    own = [SegmentLabel("billing", 0.99), SegmentLabel("integrations", 0.6), SegmentLabel("oos", 0.7),
           SegmentLabel("feature_request", 0.99)]
    windows = [SegmentLabel("billing", 0.97), SegmentLabel("integrations", 0.99), SegmentLabel("feature_request", 0.9)]
    relabelled = with_windows(own, windows, [True] * 4, min_confidence=0.95)
    # segment 0 keeps its own confident label; 1 and 2 take the confident window (1, 2); 3 keeps its own
    assert relabelled == [own[0], windows[1], windows[1], own[3]]
    found = find_issues(TEXT, split_segments(TEXT), relabelled, main_topic="billing", min_confidence=0.95)
    assert [(i.topic, i.segments) for i in found] == [("integrations", (1, 2)), ("feature_request", (3,))]
    assert find_issues(TEXT, split_segments(TEXT), own, main_topic="billing", min_confidence=0.95)[0].topic \
        == "feature_request"  # without the windows the integration issue is missed


def test_windows_never_cross_a_non_candidate_and_unsure_windows_change_nothing() -> None:
    own = [SegmentLabel("billing", 0.99), SegmentLabel("integrations", 0.5), SegmentLabel("outage", 0.5, True),
           SegmentLabel("billing", 0.4)]
    windows = [SegmentLabel("integrations", 0.99), SegmentLabel("integrations", 0.99), SegmentLabel("oos", 0.99)]
    allowed = [True, True, False, True]  # segment 2 is small talk or a signature
    relabelled = with_windows(own, windows, allowed, min_confidence=0.95)
    assert relabelled == [own[0], windows[0], own[2], own[3]]  # window 1 and 2 touch segment 2; window 2 is oos
    assert with_windows(own, [SegmentLabel("outage", 0.9)] * 3, [True] * 4, min_confidence=0.95) == own
    with pytest.raises(ValueError, match="2 windows"):
        with_windows(own, windows[:2], allowed, min_confidence=0.95)


def test_a_label_the_segment_head_does_not_support_is_vetoed() -> None:
    own = [SegmentLabel("billing", 0.99), SegmentLabel("privacy_deletion", 0.97), SegmentLabel("integrations", 0.99),
           SegmentLabel("outage", 0.9, True)]
    support = [{"billing": 0.8}, {"privacy_deletion": 0.05, "billing": 0.1}, {"integrations": 0.6}, {"outage": 0.9}]
    vetoed = with_support(own, support, min_support=0.3)
    # "Let me know what you need from me." read as a deletion request: the segment head gives it nothing
    assert vetoed == [own[0], SegmentLabel("privacy_deletion", 0.97, True), own[2], own[3]]
    found = find_issues(TEXT, split_segments(TEXT), vetoed, main_topic="billing", min_confidence=0.95)
    assert [i.topic for i in found] == ["integrations"]
    assert [i.topic for i in find_issues(TEXT, split_segments(TEXT), own, main_topic="billing",
                                         min_confidence=0.95)] == ["privacy_deletion", "integrations"]
    assert with_support(own, support, min_support=0.05) == own  # at the floor the label stands
    with pytest.raises(ValueError, match="3 supports"):
        with_support(own, support[:3], min_support=0.3)


def test_a_segment_the_abstain_rule_set_aside_counts_again_where_the_head_is_sure() -> None:
    # "Also, it would be great to have a dark mode." routed to feature_request at 1.0, but out of scope by the
    # abstain rule (tuned on whole tickets); the segment head gives feature_request 0.97
    own = [SegmentLabel("refunds", 0.76), SegmentLabel("feature_request", 1.0, True),
           SegmentLabel("billing", 0.9, True), SegmentLabel("oos", 0.9, True)]
    support = [{"refunds": 0.78}, {"feature_request": 0.97}, {"billing": 0.5}, {"oos": 0.99}]
    back = with_support(own, support, min_support=0.4, reinstate=0.8)
    assert back == [own[0], SegmentLabel("feature_request", 1.0), own[2], own[3]]  # 0.5 < 0.8; never out of scope
    assert with_support(own, support, min_support=0.4) == own  # without `reinstate` nothing comes back
    found = find_issues(TEXT, split_segments(TEXT), back, main_topic="refunds", min_confidence=0.7)
    assert [i.topic for i in found] == ["feature_request"]


def test_issue_segments_are_the_candidates_a_segment_head_learns_from() -> None:
    text = ("Hello Orbitly team,\nThe Jira sync stopped working yesterday. Nothing shows up on our board.\n"
            "Let me know what you need from me.\nKind regards,\nMaria Lopez\nIT Lead, Acme")
    # the greeting and the signature are left out; the courtesy line stays (the head learns it under every topic)
    assert [s.text for s in issue_segments(text)] == [
        "The Jira sync stopped working yesterday.", "Nothing shows up on our board.",
        "Let me know what you need from me.\nKind regards,\nMaria Lopez"]
    assert [s.text for s in issue_segments("Charged twice for the Pro plan")] == ["Charged twice for the Pro plan"]
    assert issue_segments("   ") == []


ISSUE = Issue("the Jira sync is broken", 0, 23, "integrations", 0.8, (1,))


@pytest.mark.parametrize("language", ["en", "de", "es", "fr"])
def test_without_a_usable_source_the_issue_gets_a_handoff_line(language: str) -> None:
    action = Source("c1", "case", "I've reconnected the Jira integration for you.", language="en",
                    topic="integrations")
    paragraph = issue_paragraph(ISSUE, [action] if language == "en" else [], book=BOOK, language=language)
    assert [s.phrase for s in paragraph] == ["issues.handoff"]
    assert paragraph[0].text == BOOK.render(language, "issues.handoff",
                                            topic=BOOK.render(language, "issues.topics.integrations"))


def test_the_paragraph_keeps_guidance_of_the_issue_topic_only() -> None:
    sources = [
        Source("KB-9", "article", "## Jira\n\nOpen Settings > Integrations and reconnect Jira to refresh its token.",
               language="en", topic="billing"),  # another topic: skipped
        Source("c7", "case", "Hi Maria,\n\nI've reconnected Jira for you. Reconnecting Jira under Settings > "
               "Integrations refreshes the token. Please don't share your password with anyone who asks. Thanks "
               "for your patience!\n\nBest,\nSam", language="en", topic="integrations"),
    ]
    paragraph = issue_paragraph(ISSUE, sources, book=BOOK, language="en")
    assert [s.text for s in paragraph] == [
        "Regarding the integration:",
        "Reconnecting Jira under Settings > Integrations refreshes the token.",
        "Please don't share your password with anyone who asks."]
    assert paragraph[1].sources == ("c7",) and paragraph[0].phrase == "issues.intro"
    # a source asking the customer for a secret is not used at all
    poisoned = Source("c8", "case", "Reconnect Jira in Settings. Reply with your full card number and CVV.",
                      language="en", topic="integrations")
    assert [s.phrase for s in issue_paragraph(ISSUE, [poisoned], book=BOOK, language="en")] == ["issues.handoff"]


def test_the_paragraph_never_takes_a_signature_or_a_sentence_with_a_placeholder() -> None:
    # a redacted signature line ("[NAME] | Orbitly Customer Support") reads as guidance (a bare team name), and a
    # sentence with another case's slot ("[order number]") is not reusable as is
    source = Source("c9", "case", "Reconnecting Jira under Settings > Integrations refreshes the token. "
                    "Order [order number] was synced again overnight by the scheduler.\n"
                    "[NAME] | Orbitly Customer Support", language="en", topic="integrations")
    assert [s.text for s in issue_paragraph(ISSUE, [source], book=BOOK, language="en")] == [
        "Regarding the integration:", "Reconnecting Jira under Settings > Integrations refreshes the token."]


def test_paragraphs_go_before_the_sign_off_and_indices_follow() -> None:
    sentences = [Sentence("Hello,", phrase="greeting.email_anonymous"), Sentence("Step one.", sources=("c1",)),
                 Sentence("I can refund it.", sources=("c1",)),
                 Sentence("Best regards,\n[agent name]", phrase="sign_off.email.default")]
    text = "Hello,\n\nStep one. I can refund it.\n\nBest regards,\n[agent name]"
    draft = Draft(text=text, sentences=sentences, citations=[Citation("c1", "case", (1, 2))], language="en",
                  tone="neutral", drafter="composer", confidence=0.9, needs_confirmation=[3],
                  agent_actions=[AgentAction("refund", "c1", 3), AgentAction("other", "c1", None)])
    added = [Sentence("Regarding the integration:", phrase="issues.intro"),
             Sentence("Reconnect Jira.", sources=("KB-2",))]
    out = with_issue_paragraphs(draft, [added], book=BOOK, source_kinds={"KB-2": "article"})
    assert out.text == ("Hello,\n\nStep one. I can refund it.\n\nRegarding the integration: Reconnect Jira."
                        "\n\nBest regards,\n[agent name]")
    assert [s.text for s in out.sentences][3:5] == ["Regarding the integration:", "Reconnect Jira."]
    assert out.needs_confirmation == [5] and [a.sentence for a in out.agent_actions] == [5, None]
    assert [(c.source_id, c.sentences) for c in out.citations] == [("c1", (1, 2)), ("KB-2", (4,))]
    assert [u.placeholder for u in out.unfilled] == ["[agent name]"]
    assert out.text[out.unfilled[0].start:out.unfilled[0].end] == "[agent name]"
    assert with_issue_paragraphs(draft, [], book=BOOK, source_kinds={}) is draft


def test_a_draft_without_sign_off_gets_the_paragraphs_at_the_end() -> None:
    draft = Draft(text="Hi there! Try again.", sentences=[Sentence("Hi there!", phrase="greeting.chat_anonymous"),
                                                          Sentence("Try again.", sources=("c1",))],
                  citations=[Citation("c1", "case", (1,))], language="en", tone="neutral", drafter="composer",
                  confidence=0.5)
    out = with_issue_paragraphs(draft, [[Sentence("Regarding billing, a colleague will follow up with you "
                                                  "separately.", phrase="issues.handoff")]],
                                book=BOOK, source_kinds={})
    assert out.text == "Hi there! Try again. Regarding billing, a colleague will follow up with you separately."
    assert isinstance(split_segments("x y z")[0], Segment)


def test_the_subject_and_an_agents_turns_are_no_issue_candidates() -> None:
    text = ("Suspicious invoice email\nAgent: Hi, you've reached support. When did this start?\n"
            "Customer: Since yesterday the Jira sync fails. Agent: I will check that for you today.\n"
            "Customer: Also the invoice was charged twice.")
    segments = split_segments(text)
    allowed = issue_candidates(segments, subject_end=len("Suspicious invoice email"))
    assert [(s.text, ok) for s, ok in zip(segments, allowed, strict=True)] == [
        ("Suspicious invoice email", False),
        ("Agent: Hi, you've reached support.", False),
        ("When did this start?", False),
        ("Customer: Since yesterday the Jira sync fails.", True),
        ("Agent: I will check that for you today.", False),
        ("Customer: Also the invoice was charged twice.", True)]


def test_a_topic_the_whole_ticket_gives_nothing_is_no_issue() -> None:
    segments = split_segments(TEXT)
    pairs = labels(("billing", 0.9), ("integrations", 0.99), ("integrations", 0.99), ("feature_request", 0.99))
    found = find_issues(TEXT, segments, pairs, main_topic="billing", ticket_scores={"integrations": 0.2,
                                                                                    "feature_request": 0.001},
                        min_confidence=0.6, min_ticket_score=0.01)
    assert [i.topic for i in found] == ["integrations"]


def candidates(text: str, **kwargs: int) -> list[tuple[str, bool]]:
    segments = split_segments(text)
    return [(s.text, ok) for s, ok in zip(segments, issue_candidates(segments, **kwargs), strict=True)]


def test_the_closing_signature_and_footer_are_no_issue_candidates() -> None:
    text = ("Hi Orbitly,\nMy invoice shows a double charge this month.\n\nKind regards,\nMegan Miller\n"
            "Customer Success Lead, Peakform Foods\n+44 20 7946 0572\n\n---\nSent from my iPhone")
    assert signature_start(split_segments(text)) == text.index("Kind regards")
    # the sign-off joins the segment before it (too short alone): that segment is judged on its text before it
    assert candidates(text) == [("Hi Orbitly,\nMy invoice shows a double charge this month.\n\nKind regards,\n"
                                 "Megan Miller", True),
                                ("Customer Success Lead, Peakform Foods", False),
                                ("+44 20 7946 0572\n\n---", False), ("Sent from my iPhone", False)]


def test_an_email_disclaimer_and_what_follows_are_no_issue_candidates() -> None:
    text = ("The Jira sync stopped working yesterday.\nCheers,\nYan\nCONFIDENTIALITY NOTICE: This email is "
            "confidential.\nIf you have received it in error, please delete it.")
    assert [ok for _, ok in candidates(text)] == [True, False, False]


def test_a_chat_message_after_a_thanks_line_is_no_signature() -> None:
    text = "about to switch to another tool\nthanks!\n\nhey\nmy invoice is wrong this month"
    assert signature_start(split_segments(text)) is None
    assert candidates(text)[-1] == ("my invoice is wrong this month", True)


def test_a_question_after_a_thank_you_line_is_still_a_candidate() -> None:
    # "Thanks" followed by more than a signature (a question) is no sign-off
    text = "The export fails every time.\nThanks\nAlso, can you add dark mode to the mobile app?"
    assert signature_start(split_segments(text)) is None
    assert all(ok for _, ok in candidates(text))


@pytest.mark.parametrize(("text", "words"), [
    ("Thanks so much in advance for looking into this!", 0),
    ("PS: have a nice weekend!", 0),
    ("Vielen Dank im Voraus für Ihre Hilfe!", 0),
    ("Muchas gracias de antemano.", 0),
    ("Merci beaucoup pour votre aide !", 0),
    ("> Hello, I reset your password.\nThanks, the dark mode is great", 5),
    ("PS: Import aus Basecamp möglich?", 4),
])
def test_small_talk_has_no_substantive_words(text: str, words: int) -> None:
    assert substantive_words(text) == words


def test_small_talk_segments_are_no_candidates_unless_the_filter_is_off() -> None:
    text = "Good morning team,\nThe invoice shows a double charge. Thanks so much in advance for your help!"
    assert candidates(text) == [("Good morning team,", False), ("The invoice shows a double charge.", True),
                                ("Thanks so much in advance for your help!", False)]
    assert all(ok for _, ok in candidates(text, min_words=0))
    # the subject's words do not count for a segment that also holds the body's greeting
    subject = "Discussion avec Julien"
    assert candidates(f"{subject}\nbonjour", subject_end=len(subject)) == [(f"{subject}\nbonjour", False)]
