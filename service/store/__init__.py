"""Persistence for the feedback loop: tickets (redacted), routing decisions, suggestions, feedback, resolutions."""
