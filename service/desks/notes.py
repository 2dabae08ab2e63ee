"""The private note a desk ticket gets: routing, the draft, its sources and every warning, as plain text.

Plain text only (the clients escape it for desks that take HTML): ticket text is data, never markup. The note is
for the agent; nothing in it is ever sent to the customer by Deskmate.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from service.pipeline import Suggestion

HEADER = "Deskmate suggestion (private note: review and edit before sending; nothing was sent to the customer)"


def routing_line(suggestion: Suggestion, priority: str | int | None) -> str:
    route = suggestion.route
    parts = [f"topic {route.topic.label} ({route.topic.confidence:.2f})", f"urgency {route.decision.urgency}",
             f"queue {route.decision.queue}"]
    if priority is not None:
        parts.append(f"priority {priority}")
    return "Routing: " + ", ".join(parts)


def sources_lines(suggestion: Suggestion) -> list[str]:
    lines = []
    for source in (*suggestion.request.articles, *suggestion.request.cases):
        if source.kind == "article":
            title = f": {source.title}" if source.title else ""
            url = f" ({source.url})" if source.url else ""
            lines.append(f"- article {source.id}{title}{url}")
        else:
            lines.append(f"- {source.kind} {source.id}")
    return lines


def review_link(review_url: str, suggestion_id: str) -> str:
    """The compact review view of one suggestion under this Deskmate's public address (`desks.review_url`)."""
    return f"{review_url.rstrip('/')}/app/compact?suggestion={quote(suggestion_id, safe='')}"


def note_text(suggestion: Suggestion, *, priority: str | int | None, warnings: Sequence[str],
              stale: Sequence[str] = (), review_url: str | None = None) -> str:
    """The note for one suggestion; `warnings` are the write-back's own (e.g. an unmapped queue) and come first.
    With `review_url` (Deskmate's public address), the note ends with the link to the suggestion's compact view."""
    route = suggestion.route
    lines = [HEADER, "", routing_line(suggestion, priority)]
    if route.needs_human_triage:
        lines.append(f"Needs human triage: {route.reason or 'yes'}")
    if stale:
        lines.append(f"Replaces the earlier suggestion(s) {', '.join(stale)}, now stale (the customer replied).")
    lines.extend(f"Warning: {w}" for w in warnings)
    draft = suggestion.draft
    lines.append("")
    if draft is None:
        lines.append(f"No draft: {suggestion.draft_error or 'drafting is off'}")
    else:
        todo = []
        if draft.unfilled:
            todo.append(f"fill {len(draft.unfilled)} placeholder(s)")
        if draft.needs_confirmation:
            todo.append(f"confirm {len(draft.needs_confirmation)} marked sentence(s)")
        state = "yes" if draft.ready_to_send else "no: " + ", ".join(todo or ["review it"])
        lines += [f"Draft ({draft.language}, ready to send: {state}):", draft.text]
    sources = sources_lines(suggestion)
    if sources:
        lines += ["", "Sources:", *sources]
    others = [w for w in suggestion.warnings if w not in warnings]
    if others:
        lines += ["", "Warnings:", *(f"- {w}" for w in others)]
    lines += ["", f"Suggestion id: {suggestion.suggestion_id}"]
    if review_url:
        lines.append(f"Review it in Deskmate: {review_link(review_url, suggestion.suggestion_id)}")
    return "\n".join(lines)
