from __future__ import annotations

from celery import shared_task

from knowledge.services.articles import articles_review_due_remind


@shared_task(name="knowledge.articles_review_due_remind", soft_time_limit=110, time_limit=120)
def articles_review_due_remind_task() -> int:
    return articles_review_due_remind()
