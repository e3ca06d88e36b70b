"""Models of the crm app, one module per topic; import them from ``crm.models``."""

from crm.models.calls import Call, CallDirection, Disposition
from crm.models.customers import (
    Customer,
    CustomerAccess,
    CustomerEmail,
    CustomerPhone,
    Note,
    NoteFlag,
    Organization,
)
from crm.models.privacy import DataRequest, RetentionPolicy

__all__ = [
    "Call",
    "CallDirection",
    "Customer",
    "CustomerAccess",
    "CustomerEmail",
    "CustomerPhone",
    "DataRequest",
    "Disposition",
    "Note",
    "NoteFlag",
    "Organization",
    "RetentionPolicy",
]
