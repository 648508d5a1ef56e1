import pytest
from django.urls import reverse

from reviews import auto, services
from reviews.models import Assignment, AssignmentRun, Review, RunStatus
from submissions.models import Conflict
from tests.factories import RoleFactory, SubmissionFactory, UserFactory, submissions_in_bulk
from tests.reviews.conftest import submitted_review
from workshop import policy
from workshop.models import OutgoingMail, Topic


def _params(**changes):
    params = {"mode": "fresh", "k": 1, "min_load": 0, "max_load": 2, "fair": False,
              "weights": {"text": 1.0, "topic": 0.5, "threat": 0.25, "bid": 0.3}}
    params.update(changes)
    return params


@pytest.fixture
def experts(workshop):
    topics = list(Topic.objects.order_by("position"))
    people = {}
    for key, statement, topic in [
        ("poison", "Data poisoning and backdoor attacks on training pipelines; label flipping.", topics[2]),
        ("verify", "Formal verification of neural networks with SMT solvers and abstract interpretation.",
         topics[6]),
    ]:
        person = UserFactory(email=f"{key}@{key}.example", full_name=f"{key.title()} Expert")
        RoleFactory(user=person, name="pc")
        services.pc_profile_save(user=person, research_statement=statement, recent_papers="", collaborators="",
                                 threat_terms=[], topic_levels={topic: 3})
        people[key] = person
    poisoning = SubmissionFactory(title="Backdoors by label flipping",
                                  abstract="A data poisoning attack that flips training labels.")
    poisoning.topics.set([topics[2]])
    verification = SubmissionFactory(title="Verifying robustness with SMT",
                                     abstract="Formal verification of neural networks by abstract interpretation.")
    verification.topics.set([topics[6]])
    return people, poisoning, verification


def _run(chair, **changes):
    run = auto.run_create(by=chair, params=_params(**changes))
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_run_matches_each_paper_with_its_expert_and_explains_why(experts, chair, django_capture_on_commit_callbacks):
    people, poisoning, verification = experts

    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params())
    run.refresh_from_db()

    pairs = {(p["paper"], p["reviewer"]) for p in auto.stored_pairs(run.result)}
    assert run.status == RunStatus.DONE
    assert {(poisoning.pk, people["poison"].pk), (verification.pk, people["verify"].pk)} <= pairs
    poison_pair = next(p for p in auto.stored_pairs(run.result) if p["paper"] == poisoning.pk)
    assert poison_pair["topic"] == 1.0 and poison_pair["text"] > 0


@pytest.mark.django_db
def test_run_never_assigns_a_conflict(experts, chair, django_capture_on_commit_callbacks):
    people, poisoning, _ = experts
    Conflict.objects.create(submission=poisoning, user=people["poison"], reason="advisor", source="author")

    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params(k=2, max_load=3))
    run.refresh_from_db()

    pairs = {(p["paper"], p["reviewer"]) for p in auto.stored_pairs(run.result)}
    assert (poisoning.pk, people["poison"].pk) not in pairs


@pytest.mark.django_db
def test_run_that_cannot_be_satisfied_names_the_papers(experts, chair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params(k=4, max_load=5))
    run.refresh_from_db()

    assert run.status == RunStatus.FAILED
    assert "#" in run.message and "Traceback" not in run.message


@pytest.mark.django_db
def test_apply_adds_the_new_pairs_mails_them_and_keeps_started_reviews(experts, chair,
                                                                        django_capture_on_commit_callbacks):
    people, poisoning, verification = experts
    started = Assignment.objects.create(submission=verification, reviewer=people["poison"])
    submitted_review(verification, people["poison"])
    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params(k=2, max_load=2))
    run.refresh_from_db()

    added, removed, skipped = auto.run_apply(run=run, by=chair)

    assert Assignment.objects.filter(pk=started.pk).exists()
    assert (added, removed, skipped) == (3, 0, [])
    assert OutgoingMail.objects.filter(kind="pc:assignment").count() == 3
    with pytest.raises(services.Refused):
        auto.run_apply(run=AssignmentRun.objects.get(pk=run.pk), by=chair)


@pytest.mark.django_db
def test_conflicted_chair_runs_leave_out_their_conflicts(experts, chair, django_capture_on_commit_callbacks):
    _, poisoning, verification = experts
    Conflict.objects.create(submission=poisoning, user=chair, reason="advisor", source="author")

    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params())
    run.refresh_from_db()

    assert {p["paper"] for p in auto.stored_pairs(run.result)} == {verification.pk}


@pytest.mark.django_db
def test_auto_pages_are_for_chairs_only(client_for, pc_member, chair):
    assert client_for(pc_member).get(reverse("auto_start")).status_code == 404
    assert client_for(chair).get(reverse("auto_start")).status_code == 200


@pytest.mark.django_db
def test_auto_page_flow_preview_then_apply(client_for, experts, chair, django_capture_on_commit_callbacks):
    client = client_for(chair)
    form = {"mode": "fresh", "k": 1, "min_load": 0, "max_load": 2, "w_text": 1, "w_topic": 0.5,
            "w_threat": 0.25, "w_bid": 0.3}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("auto_start"), form)
    preview = client.get(response.url).content.decode()
    client.post(reverse("auto_apply", args=[AssignmentRun.objects.get().pk]))

    assert "2 new assignments would be made" in preview
    assert "<svg" in preview and "Scores of the assigned pairs" in preview
    assert Assignment.objects.count() == 2


@pytest.mark.django_db
def test_auto_form_explains_bad_loads(client_for, chair):
    form = {"mode": "fresh", "k": 1, "min_load": 5, "max_load": 2, "w_text": 1, "w_topic": 0.5,
            "w_threat": 0.25, "w_bid": 0.3}

    response = client_for(chair).post(reverse("auto_start"), form)

    assert "The minimum load cannot be above the maximum." in response.content.decode()


@pytest.mark.django_db
def test_progress_polling_shows_the_bar_then_asks_for_a_refresh(client_for, chair):
    run = AssignmentRun.objects.create(created_by=chair, params=_params(), progress=30, stage="Scoring",
                                       status=RunStatus.RUNNING)
    client = client_for(chair)

    running = client.get(reverse("auto_run", args=[run.pk]), HTTP_HX_REQUEST="true")
    AssignmentRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, message="x")
    finished = client.get(reverse("auto_run", args=[run.pk]), HTTP_HX_REQUEST="true")

    assert '<progress id="run-bar" max="100" value="30">' in running.content.decode()
    assert finished["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_another_chairs_run_is_not_found(client_for, chair):
    other = UserFactory()
    RoleFactory(user=other, name="chair")
    run = AssignmentRun.objects.create(created_by=other, params=_params())

    assert client_for(chair).get(reverse("auto_run", args=[run.pk])).status_code == 404


@pytest.mark.django_db
def test_assignment_csv_exports_what_bulk_import_reads(client_for, experts, chair):
    people, poisoning, _ = experts
    Assignment.objects.create(submission=poisoning, reviewer=people["poison"])

    text = client_for(chair).get(reverse("assignments_csv")).content.decode()
    preview = services.assignments_preview(text, by=chair)

    assert text.splitlines()[0] == "paper,email,action"
    assert [(r.paper, r.email, r.error) for r in preview] == [
        (str(poisoning.pk), people["poison"].email, "")]


@pytest.mark.django_db
def test_saved_run_is_filtered_by_conflicts_declared_after_it(client_for, experts, chair,
                                                              django_capture_on_commit_callbacks):
    """Issue 9, item 5: the preview, CSV and apply follow today's conflicts, not the run's."""
    people, poisoning, verification = experts
    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params(k=1, max_load=2))
    run.refresh_from_db()
    verifier = next(p["reviewer"] for p in auto.stored_pairs(run.result) if p["paper"] == verification.pk)
    Conflict.objects.create(submission=poisoning, user=chair, reason="advisor", source="chair")
    Conflict.objects.create(submission=verification, user_id=verifier, reason="advisor", source="pc")
    client = client_for(chair)

    preview = client.get(reverse("auto_run", args=[run.pk])).content.decode()
    csv_text = client.get(reverse("auto_run_csv", args=[run.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(reverse("auto_apply", args=[run.pk]), follow=True).content.decode()

    assert poisoning.title not in preview
    assert "are left out" in preview and "Will not be applied" in preview
    assert csv_text.splitlines() == ["paper,email,action"]
    assert Assignment.objects.count() == 0
    assert "Not applied, because of conflicts declared since" in applied


def _pc(n: int) -> list:
    people = [UserFactory(email=f"member{i}@pc{i}.example", full_name=f"Member {i:02d}") for i in range(n)]
    for person in people:
        RoleFactory(user=person, name="pc")
    return people


@pytest.mark.django_db
@pytest.mark.parametrize(("count", "members"), [(1, 2), (130, 6)])
def test_preview_queries_do_not_grow_with_papers(client_for, chair, count, members, django_assert_num_queries,
                                                 django_capture_on_commit_callbacks):
    _pc(members)
    submissions_in_bulk(count, created_by=UserFactory(), title="Paper {n}:")
    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params(k=1, max_load=count))
    client = client_for(chair)
    client.get(reverse("auto_start"))  # the session and the workshop are read once per client

    with django_assert_num_queries(12):
        response = client.get(reverse("auto_run", args=[run.pk]))

    assert response.status_code == 200


@pytest.mark.django_db
def test_preview_pages_the_papers_and_counts_them_all(client_for, chair, django_capture_on_commit_callbacks):
    _pc(3)
    papers = submissions_in_bulk(130, created_by=UserFactory(), title="Paper {n}:")
    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params(k=1, max_load=130))
    client = client_for(chair)

    first = client.get(reverse("auto_run", args=[run.pk])).content.decode()
    second = client.get(reverse("auto_run", args=[run.pk]), {"page": 2}).content.decode()

    assert "Papers 1–100 of 130." in first and "Paper 100:" in first and "Paper 101:" not in first
    assert "Papers 101–130 of 130." in second and "Paper 101:" in second and "Paper 100:" not in second
    assert "130 new assignments would be made" in first and "130 new assignments would be made" in second
    assert f"#{papers[-1].pk}" in second


@pytest.mark.django_db
def test_run_conflicts_are_the_policys_for_every_pair(chair):
    """The run asks the policy only about creators, authors and recorded conflicts:
    the same pairs as asking it about every paper and PC member."""
    creator, by_email, declared, waived, free = _pc(5)
    papers = [
        SubmissionFactory(created_by=creator),
        SubmissionFactory(authors=[("Someone", "someone@else.example"), ("B", by_email.email.upper())]),
        SubmissionFactory(),
        SubmissionFactory(),
        SubmissionFactory(),
    ]
    Conflict.objects.create(submission=papers[2], user=declared, reason="advisor", source="pc")
    Conflict.objects.create(submission=papers[3], user=waived, reason="advisor", source="author", waived_by=chair)
    Conflict.objects.create(submission=papers[4], user=chair, reason="advisor", source="author")

    inputs = auto._inputs(chair)

    brute = [(i, j) for i, p in enumerate(inputs.papers) for j, u in enumerate(inputs.reviewers)
             if policy.is_conflicted(u, p)]
    assert [p.pk for p in inputs.papers] == [p.pk for p in papers[:4]]  # the chair's conflict is left out
    assert inputs.conflicts == brute
    assert {(inputs.papers[i].pk, inputs.reviewers[j].pk) for i, j in brute} == {
        (papers[0].pk, creator.pk), (papers[1].pk, by_email.pk), (papers[2].pk, declared.pk)}
    assert free not in {inputs.reviewers[j] for _, j in brute}


@pytest.mark.django_db
def test_run_stores_one_short_row_per_pair_and_old_runs_still_read(experts, chair,
                                                                   django_capture_on_commit_callbacks):
    people, poisoning, _ = experts
    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params())
    run.refresh_from_db()
    old = {"pairs": [{"paper": poisoning.pk, "reviewer": people["poison"].pk, "score": 0.9, "text": 0.2,
                      "topic": 1.0, "threat": 0.0, "bid": 0.0, "kept": False}]}

    assert run.result["fields"] == list(auto.PAIR_FIELDS)
    assert all(isinstance(row, list) and len(row) == len(auto.PAIR_FIELDS) for row in run.result["pairs"])
    assert auto.stored_pairs(old) == old["pairs"]
    assert auto.stored_pairs({}) == []


def _shown(run) -> list[tuple]:
    return sorted((p["paper"], p["reviewer"], p["kept"]) for p in auto.stored_pairs(run.result))


@pytest.mark.django_db
def test_a_draft_changes_nothing_in_a_run_and_an_applied_run_keeps_it_for_its_writer_only(
    client_for, experts, chair, django_capture_on_commit_callbacks,
):
    """Issue 17, item 14: any review row used to lock its pair ("kept"), so starting and
    discarding runs told a chair who had started which review."""
    people, poisoning, verification = experts
    Assignment.objects.create(submission=verification, reviewer=people["poison"])  # a poor match
    with django_capture_on_commit_callbacks(execute=True):
        without_draft = auto.run_create(by=chair, params=_params())
    draft = Review.objects.create(submission=verification, reviewer=people["poison"],
                                  draft_values={"summary": "Half-written doubts."})
    with django_capture_on_commit_callbacks(execute=True):
        with_draft = auto.run_create(by=chair, params=_params())
    without_draft.refresh_from_db()
    with_draft.refresh_from_db()

    added, removed, _ = auto.run_apply(run=with_draft, by=chair)

    assert _shown(with_draft) == _shown(without_draft)
    assert (verification.pk, people["poison"].pk, False) not in _shown(with_draft)
    assert (added, removed) == (2, 1)
    assert Review.objects.get(pk=draft.pk).draft_values == {"summary": "Half-written doubts."}
    form_url = reverse("review_edit", args=[verification.pk])
    assert client_for(people["poison"]).get(form_url).status_code == 404
    assert "Half-written doubts." not in client_for(people["verify"]).get(form_url).content.decode()
    assert "Half-written doubts." not in client_for(chair).get(
        reverse("submission_detail", args=[verification.pk])).content.decode()


@pytest.mark.django_db
def test_a_submitted_review_keeps_its_pair_in_a_fresh_run(experts, chair, django_capture_on_commit_callbacks):
    people, _, verification = experts
    Assignment.objects.create(submission=verification, reviewer=people["poison"])
    submitted_review(verification, people["poison"])

    with django_capture_on_commit_callbacks(execute=True):
        run = auto.run_create(by=chair, params=_params())
    run.refresh_from_db()

    assert (verification.pk, people["poison"].pk, True) in _shown(run)
