from pathlib import Path

import pytest
import yaml

from models.errors import ArtifactError, InvalidInputError
from models.routing_policy import RoutingPolicy
from service.settings import REPO_ROOT

RULES = REPO_ROOT / "config" / "routing.yaml"


@pytest.fixture(scope="module")
def policy() -> RoutingPolicy:
    return RoutingPolicy.from_yaml(RULES)


def test_topic_maps_to_queue_and_urgency_to_sla(policy: RoutingPolicy) -> None:
    decision = policy.decide(topic="refunds", urgency="normal", desk="zendesk", tier="pro")
    assert (decision.queue, decision.urgency, decision.priority, decision.sla_minutes) == ("billing", "normal",
                                                                                            "normal", 480)
    assert decision.applied_rules == []


def test_unknown_topic_goes_to_default_queue_and_abstention_to_triage(policy: RoutingPolicy) -> None:
    assert policy.decide(topic="something_new", urgency="low", desk="generic").queue == "general-support"
    assert policy.decide(topic=None, urgency="low", desk="generic").queue == "triage"


def test_freshdesk_vocabulary_uses_numbers(policy: RoutingPolicy) -> None:
    assert policy.decide(topic="billing", urgency="urgent", desk="freshdesk").priority == 4
    assert policy.decide(topic="billing", urgency="low", desk="freshdesk").priority == 1


def test_security_topic_is_always_urgent(policy: RoutingPolicy) -> None:
    decision = policy.decide(topic="security_incident", urgency="low", desk="zendesk")
    assert decision.urgency == "urgent"
    assert decision.sla_minutes == 30
    assert "security-always-urgent" in decision.applied_rules


def test_enterprise_gets_half_sla_and_urgent_goes_to_vip_queue(policy: RoutingPolicy) -> None:
    normal = policy.decide(topic="billing", urgency="normal", desk="generic", tier="enterprise")
    assert normal.sla_minutes == 240 and normal.queue == "billing"
    urgent = policy.decide(topic="billing", urgency="urgent", desk="generic", tier="enterprise")
    assert urgent.queue == "vip-escalations"
    assert urgent.applied_rules == ["enterprise-faster-sla", "enterprise-urgent-to-escalations"]


def test_unknown_desk_or_urgency_is_refused(policy: RoutingPolicy) -> None:
    with pytest.raises(InvalidInputError, match="unknown desk"):
        policy.decide(topic="billing", urgency="normal", desk="jira")
    with pytest.raises(InvalidInputError, match="unknown urgency"):
        policy.decide(topic="billing", urgency="critical", desk="generic")


def test_invalid_policy_files_are_refused(tmp_path: Path) -> None:
    raw = yaml.safe_load(RULES.read_text())
    raw["desks"]["freshdesk"].pop("urgent")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(ArtifactError, match="freshdesk"):
        RoutingPolicy.from_yaml(bad)
    raw = yaml.safe_load(RULES.read_text())
    raw["overrides"][0]["set"]["min_urgency"] = "critical"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(ArtifactError, match="critical"):
        RoutingPolicy.from_yaml(bad)
    bad.write_text("queues: [unclosed")
    with pytest.raises(ArtifactError, match="not valid YAML"):
        RoutingPolicy.from_yaml(bad)
