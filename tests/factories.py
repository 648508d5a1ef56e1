import factory
from allauth.account.models import EmailAddress

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
