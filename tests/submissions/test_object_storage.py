"""Uploads in an S3-compatible store: moto's standalone server on loopback, used through boto3 as any S3."""

import hashlib
import secrets
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from submissions.models import PdfVersion
from tests.smoke.stack import free_port
from tests.submissions import pdf_corpus
from tests.submissions.proceedings.conftest import volume, volume_built  # noqa: F401 - a fixture
from workshop.runs import RunState

KEYS = {"aws_access_key_id": "test", "aws_secret_access_key": "test-secret", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.1)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


def _s3_storages(settings, endpoint: str, bucket: str) -> dict:
    from botocore.config import Config

    return {**settings.STORAGES, "default": {"BACKEND": "workshop.storage.S3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": endpoint, "region_name": "us-east-1", "access_key": "test",
        "secret_key": "test-secret", "default_acl": "private", "file_overwrite": False,
        "client_config": Config(connect_timeout=1, retries={"mode": "standard", "max_attempts": 1}),
    }}}


@pytest.fixture
def bucket(settings, s3_endpoint):
    name = f"uploads-{secrets.token_hex(4)}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, **KEYS)
    client.create_bucket(Bucket=name)
    settings.STORAGES = _s3_storages(settings, s3_endpoint, name)
    return client, name


def _stored(client, name) -> dict[str, str]:
    """Every object in the bucket: key -> SHA-256 of its bytes."""
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", [])]
    return {key: hashlib.sha256(client.get_object(Bucket=name, Key=key)["Body"].read()).hexdigest() for key in keys}


def _upload(client, submission, content, filename="paper.pdf"):
    return client.post(reverse("pdf_upload", args=[submission.pk]),
                       {"pdf": SimpleUploadedFile(filename, content, "application/pdf")})


@pytest.mark.django_db
def test_every_version_and_its_reviewer_copy_are_kept_in_the_bucket(bucket, client_for, submission, author):
    s3, name = bucket
    client = client_for(author)

    _upload(client, submission, pdf_corpus.paper())
    first = _stored(s3, name)
    _upload(client, submission, pdf_corpus.paper(body_pages=4))
    both = _stored(s3, name)

    versions = list(PdfVersion.objects.filter(submission=submission).order_by("uploaded_at"))
    assert len(versions) == 2 and len(first) == 2 and len(both) == 4
    assert first.items() <= both.items(), "the first version's objects are untouched"
    for version in versions:
        assert both[version.file.name] == version.sha256
        assert both[version.reviewer_file.name] == version.reviewer_sha256


@pytest.mark.django_db
def test_reviewers_download_through_the_policy_checked_view_never_a_bucket_url(
    bucket, client_for, submission, author, pc_member, other_author,
):
    s3, name = bucket
    _upload(client_for(author), submission, pdf_corpus.paper())
    version = submission.pdf_versions.get()
    url = reverse("paper_pdf", args=[submission.pk])

    response = client_for(pc_member).get(url)
    outsider = client_for(other_author).get(url)

    assert response.status_code == 200  # streamed by us: no redirect to the store
    assert response["Content-Disposition"] == f'attachment; filename="submission-{submission.pk}.pdf"'
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == version.reviewer_sha256
    assert outsider.status_code == 404


@pytest.mark.django_db
def test_an_unreachable_store_is_a_clear_error_and_nothing_is_recorded(
    settings, client_for, submission, author,
):
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.STORAGES = _s3_storages(settings, dead, "uploads")
    version_before = type(submission).objects.get(pk=submission.pk).version

    response = _upload(client_for(author), submission, pdf_corpus.paper())

    assert response.status_code == 503
    assert "Nothing was saved" in response.content.decode()
    assert submission.pdf_versions.count() == 0
    assert type(submission).objects.get(pk=submission.pk).version == version_before


@pytest.mark.django_db
def test_health_check_reports_the_store(bucket, settings, client):
    assert client.get("/healthz").json()["storage"] == "ok"

    settings.STORAGES = _s3_storages(settings, f"http://127.0.0.1:{free_port()}", "uploads")
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["storage"] == "unavailable"


@pytest.mark.django_db
def test_the_proceedings_build_reads_final_pdfs_from_the_bucket_and_stores_the_volume_there(
    bucket, organizer, volume, django_capture_on_commit_callbacks,  # noqa: F811 - the imported fixture
):
    s3, name = bucket

    build = volume_built(organizer, django_capture_on_commit_callbacks)

    assert build.state == RunState.DONE, build.error
    assert _stored(s3, name)[build.file.name] == build.sha256


@pytest.mark.django_db
def test_a_download_while_the_store_is_down_says_so(settings, client_for, submission, author, pc_member):
    _upload(client_for(author), submission, pdf_corpus.paper())
    settings.STORAGES = _s3_storages(settings, f"http://127.0.0.1:{free_port()}", "uploads")

    response = client_for(pc_member).get(reverse("paper_pdf", args=[submission.pk]))

    assert response.status_code == 503
    assert "this file cannot be fetched right now" in response.content.decode()


@pytest.mark.django_db
def test_the_store_writes_in_one_put_skips_the_existence_check_only_for_random_names(bucket):
    from botocore.config import Config
    from django.core.files.base import ContentFile

    from submissions.models import _random_upload_path
    from workshop.storage import RANDOM_PREFIXES, S3Storage

    s3, name = bucket
    storage = S3Storage(bucket_name=name, endpoint_url=s3.meta.endpoint_url, region_name="us-east-1",
                        access_key="test", secret_key="test-secret", default_acl="private", file_overwrite=False,
                        object_parameters={"ContentDisposition": "attachment"},
                        client_config=Config(retries={"mode": "standard", "max_attempts": 1}))
    calls = []
    storage.connection.meta.client.meta.events.register("before-call.s3", lambda model, **_: calls.append(model.name))

    random_name = _random_upload_path(None, "mine.pdf")
    assert random_name.startswith(RANDOM_PREFIXES)
    assert storage.save(random_name, ContentFile(b"%PDF-1.7 one")) == random_name
    assert calls == ["PutObject"]  # no HEAD first: the name is random
    head = s3.head_object(Bucket=name, Key=random_name)
    assert head["ContentDisposition"] == "attachment" and head["ContentType"] == "application/pdf"

    first = storage.save("volumes/volume.pdf", ContentFile(b"%PDF-1.7 two"))
    second = storage.save("volumes/volume.pdf", ContentFile(b"%PDF-1.7 three"))
    assert first == "volumes/volume.pdf" and second != first, "other names are still never overwritten"
    assert s3.get_object(Bucket=name, Key=first)["Body"].read() == b"%PDF-1.7 two"


def test_the_store_shares_one_boto3_session_between_threads():
    import threading

    from workshop.storage import S3Storage

    storage = S3Storage(bucket_name="b", endpoint_url="http://127.0.0.1:9", region_name="us-east-1",
                        access_key="test", secret_key="test-secret")
    sessions = []
    threads = [threading.Thread(target=lambda: sessions.append(storage._create_session())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sessions) == 3 and len({id(session) for session in sessions}) == 1
