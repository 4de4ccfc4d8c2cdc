"""The one exception hierarchy of intelbench.

Every exception derives from :class:`IntelbenchError` and also from the built-in type a
caller would naturally catch, so ``except ValueError`` keeps working. Messages name the
parameter or field, the allowed values and the value received, and never quote sensitive
record content.
"""

from __future__ import annotations

__all__ = [
    "AuditIntegrityError",
    "CRSError",
    "DisseminationRefused",
    "DisseminationWriteError",
    "DocumentNotFoundError",
    "GradingError",
    "IntelbenchError",
    "IntelbenchWarning",
    "NetworkInputError",
    "ParameterError",
    "PlanError",
    "ProfileError",
    "RetentionError",
    "RoleError",
    "SanitisationError",
    "SchemaError",
    "StoreError",
    "WorkspaceLockedError",
]


class IntelbenchError(Exception):
    """Root of every error raised by intelbench."""


class IntelbenchWarning(UserWarning):
    """Root of every warning issued by intelbench."""


class GradingError(IntelbenchError, ValueError):
    """A grade does not fit its scheme or breaks the grading policy."""


class PlanError(IntelbenchError, ValueError):
    """A collection plan or one of its questions breaks a rule."""


class SchemaError(IntelbenchError, ValueError):
    """Input data does not have the expected structure (file, row, column, expectation)."""


class ParameterError(IntelbenchError, ValueError):
    """A parameter is outside its sensible range."""


class CRSError(IntelbenchError, ValueError):
    """Geometries have no CRS or a CRS that cannot be used."""


class NetworkInputError(IntelbenchError, ValueError):
    """Network input (links, nodes) cannot be used."""


class ProfileError(IntelbenchError, ValueError):
    """A profile is incomplete or breaks a product rule."""


class StoreError(IntelbenchError, RuntimeError):
    """The workspace store cannot do what was asked."""


class DocumentNotFoundError(StoreError, KeyError):
    """No document (or no such revision) for a kind and key; both a StoreError and a KeyError."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class AuditIntegrityError(IntelbenchError, RuntimeError):
    """The audit log's hash chain does not verify."""


class RoleError(IntelbenchError, PermissionError):
    """The analyst's role may not do this; the message says how to get the role and what to do."""


class SanitisationError(IntelbenchError, RuntimeError):
    """Sanitisation could not vouch for a value."""


class DisseminationRefused(IntelbenchError, PermissionError):  # noqa: N818 - the name is the API
    """The dissemination gate refused a request; nothing was written."""


class WorkspaceLockedError(IntelbenchError, PermissionError):
    """Writes refused after an audit integrity failure, until a supervisor acknowledges it."""


class RetentionError(IntelbenchError, ValueError):
    """A retention review, decision or period table breaks a MoPI rule."""


class DisseminationWriteError(IntelbenchError, OSError):
    """Writing a disseminated product failed (full disk, permissions); nothing was kept."""
