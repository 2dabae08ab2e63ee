import pytest

from models.routing_policy import RoutingPolicy
from models.urgency import UrgencySignals
from service.settings import REPO_ROOT


@pytest.fixture(scope="module")
def signals() -> UrgencySignals:
    return UrgencySignals(RoutingPolicy.from_yaml(REPO_ROOT / "config" / "routing.yaml"))


def names(result: object) -> set[str]:
    return {s.name for s in result.signals}  # type: ignore[attr-defined]


def test_calm_question_fires_nothing(signals: UrgencySignals) -> None:
    result = signals.apply("How do I change the billing email on my invoices?", model_label="low", channel="email",
                           tier="pro")
    assert result.label == "low" and result.signals == []


def test_outage_wording_raises_to_urgent(signals: UrgencySignals) -> None:
    result = signals.apply("The dashboard is down for all of our users since 9am", model_label="normal")
    assert result.label == "urgent"
    assert "outage" in names(result)


def test_german_outage_and_security_wording(signals: UrgencySignals) -> None:
    assert signals.apply("Seit heute Morgen Ausfall bei allen Kollegen", model_label="low").label == "urgent"
    assert "security" in names(signals.apply("Mi cuenta fue hackeado anoche", model_label="normal"))


def test_legal_threat_sets_floor_high(signals: UrgencySignals) -> None:
    result = signals.apply("If this is not fixed I will talk to my lawyer.", model_label="low")
    assert result.label == "high" and "legal" in names(result)


def test_cancellation_threat_bumps_one_level(signals: UrgencySignals) -> None:
    result = signals.apply("Fix the export or we will cancel our subscription.", model_label="normal")
    assert result.label == "high" and "cancellation_threat" in names(result)


def test_strongly_negative_sentiment_bumps(signals: UrgencySignals) -> None:
    text = "This is absolutely terrible, useless and infuriating. Worst support ever, I hate it!!!"
    result = signals.apply(text, model_label="normal")
    assert result.sentiment <= -0.6
    assert result.label == "high" and "negative_sentiment" in names(result)


def test_channel_and_tier_floors(signals: UrgencySignals) -> None:
    result = signals.apply("question about invoices", model_label="low", channel="phone", tier="enterprise")
    assert result.label == "normal"
    assert names(result) == {"channel:phone", "tier:enterprise"}


def test_signals_never_lower_urgency(signals: UrgencySignals) -> None:
    result = signals.apply("quick question", model_label="urgent", channel="phone")
    assert result.label == "urgent"


@pytest.mark.parametrize(("text", "language"), [
    ("The dashboard is down for all of our users since 9am", "en"),
    ("This is absolutely unacceptable, I am furious, fix it now", "en"),
    ("Seit heute Morgen Ausfall bei allen Kollegen", "de"),
    ("How do I change the billing email on my invoices?", None),
])
def test_cues_read_apart_give_the_same_result(signals: UrgencySignals, text: str, language: str | None) -> None:
    cues = signals.cues(text, language)
    for label in ("low", "normal", "high"):
        inline = signals.apply(text, model_label=label, channel="chat", tier="enterprise", language=language)
        apart = signals.apply(text, model_label=label, channel="chat", tier="enterprise", language=language, cues=cues)
        assert apart == inline
    assert len(cues.wording) == len(signals.policy.spec.urgency_signals.wording)


def test_cues_hold_what_fired(signals: UrgencySignals) -> None:
    cues = signals.cues("The dashboard is down for all of our users since 9am", "en")
    assert any(found is not None for found in cues.wording)
    assert signals.cues("Thanks, all good now", "en").wording == (None,) * len(cues.wording)
