"""Models of the crm app, one module per topic; import them from ``crm.models``."""

from crm.models.calls import (
    FINAL_STATES,
    LIVE_STATES,
    Call,
    CallDirection,
    CallEvent,
    CallEventKind,
    CallState,
    Disposition,
    WrapUpCode,
)
from crm.models.canned import PLACEHOLDERS, CannedText
from crm.models.compliance import (
    CallingHours,
    ConsentChannel,
    ConsentPurpose,
    ConsentRecord,
    DoNotCallEntry,
    DoNotCallSource,
)
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
    "FINAL_STATES",
    "LIVE_STATES",
    "PLACEHOLDERS",
    "Call",
    "CallDirection",
    "CallEvent",
    "CallEventKind",
    "CallState",
    "CallingHours",
    "CannedText",
    "ConsentChannel",
    "ConsentPurpose",
    "ConsentRecord",
    "Customer",
    "CustomerAccess",
    "CustomerEmail",
    "CustomerPhone",
    "DataRequest",
    "Disposition",
    "DoNotCallEntry",
    "DoNotCallSource",
    "Note",
    "NoteFlag",
    "Organization",
    "RetentionPolicy",
    "WrapUpCode",
]
