from celery import shared_task

from quality.services.sampling import qa_sample
from quality.services.surveys import survey_send, surveys_dispatch


@shared_task(name="quality.survey_send", soft_time_limit=50, time_limit=60)
def survey_send_task(survey_id: int) -> bool:
    return survey_send(survey_id=survey_id)


@shared_task(name="quality.surveys_dispatch", soft_time_limit=55, time_limit=60)
def surveys_dispatch_task() -> int:
    return surveys_dispatch()


@shared_task(name="quality.qa_sample", soft_time_limit=600, time_limit=660)
def qa_sample_task() -> int:
    return qa_sample()
