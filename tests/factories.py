import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from workshop.models import OutgoingMail, Role, User

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.edu")
    full_name = factory.Faker("name")
    affiliation = "Example University"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    name = "pc"


class OutgoingMailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingMail

    recipient = factory.Sequence(lambda n: f"to{n}@example.edu")
    subject = factory.Sequence(lambda n: f"Message {n}")
    body = "Hello."
    kind = "test"


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A registered paper; `authors` is a list of (name, email) pairs."""

    class Meta:
        model = "submissions.Submission"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Poisoning attack number {n}")
    abstract = "We poison a malware detector."
    attack_model = "A gray-box attacker controls 1% of the training labels."
    security_relationship = "Backdoors let malware evade detection."
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        from submissions.models import Author
        from workshop.models import Topic

        people = extracted if extracted is not None else [(obj.created_by.full_name, obj.created_by.email)]
        for i, (name, email) in enumerate(people):
            Author.objects.create(submission=obj, position=i, name=name, email=email)
        obj.topics.add(Topic.objects.order_by("position").first())


def submissions_in_bulk(count: int, *, created_by, title="Paper {n}", topic=None) -> list:
    """`count` papers in a few queries (for list pages with more than one page),
    each with `created_by` as its one author and `topic` (the first topic by default);
    `title` may use {n}, counted from 1."""
    from submissions.models import Author, Submission
    from workshop.models import Topic

    topic = topic or Topic.objects.order_by("position").first()
    papers = Submission.objects.bulk_create(
        Submission(title=title.format(n=n), abstract="We poison a malware detector.", attack_model="a",
                   security_relationship="s", created_by=created_by) for n in range(1, count + 1))
    Author.objects.bulk_create(Author(submission=p, position=0, name=created_by.full_name, email=created_by.email)
                               for p in papers)
    Submission.topics.through.objects.bulk_create(
        Submission.topics.through(submission_id=p.pk, topic_id=topic.pk) for p in papers)
    return papers


class ConflictFactory(factory.django.DjangoModelFactory):
    """A conflict the authors declared (`source`) between a paper and a PC member."""

    class Meta:
        model = "submissions.Conflict"

    submission = factory.SubFactory(SubmissionFactory)
    user = factory.SubFactory(UserFactory)
    reason = "advisor"
    source = "author"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Assignment"

    submission = factory.SubFactory(SubmissionFactory)
    reviewer = factory.SubFactory(UserFactory)


class ReviewFactory(factory.django.DjangoModelFactory):
    """A submitted review with every required answer; `values` overrides answers."""

    class Meta:
        model = "reviews.Review"

    submission = factory.SubFactory(SubmissionFactory)
    reviewer = factory.SubFactory(UserFactory)
    status = "submitted"
    submitted_at = factory.LazyFunction(timezone.now)
    values = factory.LazyFunction(lambda: {"overall_merit": "4", "expertise": "3", "threat_model": "3",
                                           "relevance": "2", "reproducibility": "2", "summary": "A summary.",
                                           "strengths": "Strong.", "weaknesses": "Weak.",
                                           "comments_for_authors": "", "comments_for_pc": "",
                                           "questions_for_response": ""})


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Comment"

    submission = factory.SubFactory(SubmissionFactory)
    author = factory.SubFactory(UserFactory)
    body = "I lean towards accepting."


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "submissions.Tag"

    submission = factory.SubFactory(SubmissionFactory)
    name = "discuss"


class PdfVersionFactory(factory.django.DjangoModelFactory):
    """A stored submission PDF (a small made-up file; no checks ran on it)."""

    class Meta:
        model = "submissions.PdfVersion"

    submission = factory.SubFactory(SubmissionFactory)
    kind = "submission"
    original_name = "paper.pdf"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size = 1024
    page_count = 4
    uploaded_by = factory.LazyAttribute(lambda version: version.submission.created_by)
    file = factory.django.FileField(filename="paper.pdf", data=b"%PDF-1.7\n%%EOF\n")
