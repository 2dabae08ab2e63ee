"""Domain errors raised by models/ and index/; the HTTP layer maps them to responses in one place."""

from __future__ import annotations


class DeskmateError(Exception):
    """Base class for every error Deskmate raises on purpose."""

    code = "deskmate_error"


class InvalidInputError(DeskmateError, ValueError):
    """Input that can never be processed (empty text, unknown label, bad file)."""

    code = "invalid_input"


class EmptyTextError(InvalidInputError):
    """A ticket or case whose subject and body hold no text (after removing HTML)."""

    code = "empty_text"


class ArtifactError(DeskmateError):
    """A model or index directory is missing, incomplete or was built for something else."""

    code = "artifact_error"


class ArtifactMismatchError(ArtifactError):
    """An artifact was built with another embedder (id or dimension) than the one loaded."""

    code = "artifact_mismatch"
