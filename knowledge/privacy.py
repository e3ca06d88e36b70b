from config.privacy import Policy

# Our own content, written by staff about products and procedures, redacted on write all the same.
ARTICLE_TEXT = ("title", "summary", "body", "steps")
POLICIES = {
    "knowledge.Article": Policy(
        free_text=ARTICLE_TEXT,
        not_personal=("slug", "kind", "topic", "tags", "language", "audience", "status"),
        no_cards=("tags", "topic"),
    ),
    "knowledge.ArticleDraft": Policy(
        free_text=(*ARTICLE_TEXT, "change_note", "review_comment"), not_personal=("state",)
    ),
    "knowledge.ArticleVersion": Policy(free_text=(*ARTICLE_TEXT, "change_note")),
    "knowledge.ScriptRun": Policy(not_personal=("ticked",), customer="call__customer"),
    "knowledge.Feedback": Policy(free_text=("comment",)),
    "knowledge.ArticleUse": Policy(),
    "knowledge.SearchLog": Policy(free_text=("query",)),
}
