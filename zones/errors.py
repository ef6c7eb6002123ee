"""The one typed error hierarchy of Xuequ.

Domain code raises these; the web layer maps each class to an HTTP status once
(`webapp/errors.py`). Messages are Chinese templates marked for translation with `N_`
so that the web layer can translate them; `params` fill the template afterwards.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for the translation catalogue without translating it here."""
    return message


class XuequError(Exception):
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None,
                 **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.hint = hint
        self.params = params


class InvalidParameter(XuequError):
    code = "invalid_parameter"


class SwappedCoordinates(InvalidParameter):
    code = "swapped_coordinates"


class NotFound(XuequError):
    code = "not_found"


class Conflict(XuequError):
    code = "conflict"


class InvalidData(XuequError):
    """A file or dataset that cannot be used as it is."""

    code = "invalid_data"


class ServiceUnavailable(XuequError):
    """The database or the zone index cannot answer right now."""

    code = "service_unavailable"
