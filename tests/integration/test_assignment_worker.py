import pytest
from django.db import transaction

from reviews.assignments import runs
from reviews.models import AssignmentRun
from tests.factories import RoleFactory, SubmissionFactory, UserFactory
from tests.integration.conftest import wait_for
from workshop.runs import RunState

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_real_worker_computes_an_assignment_proposal(start_worker, workshop):
    chair = UserFactory()
    RoleFactory(user=chair, name="chair")
    for n in range(3):
        RoleFactory(user=UserFactory(email=f"pc{n}@pc{n}.example"), name="pc")
    SubmissionFactory.create_batch(4)
    start_worker()

    with transaction.atomic():
        run = runs.run_create(by=chair, params={**runs.default_params(workshop), "k": 2})

    assert wait_for(lambda: AssignmentRun.objects.get(pk=run.pk).state == RunState.DONE, timeout=60)
    done = AssignmentRun.objects.get(pk=run.pk)
    assert (done.done, len(done.result["pairs"])) == (100, 8)
