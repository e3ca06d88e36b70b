from config.privacy import Policy

POLICIES = {
    "quality.SurveyPolicy": Policy(not_personal=("channel", "default_language")),
    "quality.SurveyText": Policy(not_personal=("language", "subject", "question", "comment_label", "thanks")),
    # The survey row keeps the facts the metrics need (who was rated, when, by which channel); erasure
    # cuts the customer link (the survey's page then says the survey is gone) and blanks the last error,
    # which may quote the customer's address.
    "quality.Survey": Policy(
        free_text=("reason",),
        not_personal=("channel", "language", "status", "nonce"),
        customer="customer",
    ),
    # An answer's score stays (CSAT is a fact about the agent's work); the comment is the customer's words.
    "quality.SurveyResponse": Policy(free_text=("comment",), not_personal=("channel",), customer="survey__customer"),
    "quality.SurveyOptOut": Policy(not_personal=("source",), customer="customer", on_erase="delete"),
    # Quality reviews are about the agent's work, not the customer's data: scores stay and they are not in the
    # customer's export; the reviewers' and the agent's words may quote the caller, so erasure blanks them.
    "quality.Scorecard": Policy(not_personal=("name",)),
    "quality.ScorecardVersion": Policy(not_personal=("note",)),
    "quality.Criterion": Policy(not_personal=("section", "label", "guidance", "answer_type", "auto_rule")),
    "quality.SamplingPolicy": Policy(),
    "quality.CalibrationSession": Policy(not_personal=("name", "status")),
    "quality.Review": Policy(
        free_text=("comment", "dispute_reason", "decision_note"),
        not_personal=("status", "sampled_because", "decision"),
        customer="call__customer",
        exported=False,
    ),
    "quality.ReviewAnswer": Policy(free_text=("comment",), customer="review__call__customer", exported=False),
}
