"""The pipeline applies the abstain rule of the ticket's language, given in the request or detected."""

from __future__ import annotations

import copy
from pathlib import Path

from models.classifier import AbstainRule
from models.embedding.hashing import HashingEmbedder
from models.fairness import LanguageAbstain
from models.routing_policy import RoutingPolicy
from service.pipeline import Engine, TicketInput
from service.settings import REPO_ROOT

GERMAN = "Meine Kreditkarte wurde für die Rechnung diesen Monat zweimal belastet, bitte prüfen Sie das"


def test_the_ticket_language_picks_the_abstain_rule(trained_model_dir: Path) -> None:
    policy = RoutingPolicy.from_yaml(REPO_ROOT / "config" / "routing.yaml")
    engine = Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir, policy=policy)
    model = copy.deepcopy(engine.model)
    model.abstain = AbstainRule(min_confidence=1.01)  # the global rule rejects everything
    model.abstain_by_language = LanguageAbstain(rules={"de": AbstainRule()})  # German's accepts everything
    engine = engine.with_model(model, trained_model_dir)
    given, detected, english, other = engine.route([
        TicketInput(subject="", body="invoice charged twice", language="de"),
        TicketInput(subject="", body=GERMAN),
        TicketInput(subject="", body="my credit card invoice was charged twice this month"),
        TicketInput(subject="", body=GERMAN, language="it"),  # the request's language wins over detection
    ], desk="generic")
    assert (given.needs_human_triage, given.language.code, given.language_source) == (False, "de", "request")
    assert (detected.needs_human_triage, detected.language.code, detected.language_source) == (False, "de",
                                                                                               "detected")
    assert (english.needs_human_triage, english.reason) == (True, "low_confidence")
    assert (other.needs_human_triage, other.language.code) == (True, "it")
