from config.privacy import Policy

POLICIES = {
    "crm.Organization": Policy(not_personal=("name",)),
    "crm.Customer": Policy(
        personal=("name",),
        not_personal=("preferred_language", "time_zone", "tags"),
        no_cards=("tags",),
        customer="",
    ),
    "crm.CustomerPhone": Policy(personal=("number", "label"), customer="customer", on_erase="delete"),
    "crm.CustomerEmail": Policy(personal=("address",), customer="customer", on_erase="delete", no_cards=("address",)),
    "crm.Note": Policy(free_text=("body",), not_personal=("flag",), customer="customer"),
    "crm.CannedText": Policy(free_text=("body",), not_personal=("kind", "title")),
    "crm.CustomerAccess": Policy(not_personal=("via",), customer="customer"),
    # The recording is the customer's voice: erasure drops the link (the audio itself is telephony's to delete).
    "crm.Call": Policy(
        personal=("phone_number", "recording_url"),
        free_text=("notes", "notes_draft"),
        not_personal=("external_id", "direction", "dialed_number", "disposition", "state"),
        no_cards=("external_id", "recording_url"),
        customer="customer",
    ),
    # A call's events carry no personal data of their own; they go with the call.
    "crm.CallEvent": Policy(not_personal=("event",)),
    "crm.WrapUpCode": Policy(not_personal=("code", "label")),
    "crm.RetentionPolicy": Policy(not_personal=("target", "action")),
    "crm.DataRequest": Policy(free_text=("reason",), not_personal=("kind", "status", "export"), customer="customer"),
    # The consent ledger is the proof the law asks for: erasure keeps what was given, how, when and by whom, and
    # blanks only the note (the record then points at the anonymised customer).
    "crm.ConsentRecord": Policy(
        free_text=("note",),
        not_personal=("purpose", "channel", "source", "recorded_by_label"),
        customer="customer",
    ),
    # A number on a do-not-call list must stay there after its owner is erased (or it would be called again):
    # the entries are not linked to customers.
    "crm.DoNotCallEntry": Policy(personal=("number",), not_personal=("source",), no_cards=("number",)),
    "crm.CallingHours": Policy(not_personal=("windows",)),
}
