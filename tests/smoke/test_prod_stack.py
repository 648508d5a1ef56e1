"""The production commands (docker-compose.yml) on loopback, used as people would."""

import http.client
import json
import os
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.smoke.stack import compose_commands
from tests.submissions import pdf_corpus

PASSPHRASE = "smoke test passphrase"


def _sign_in(page, url, email):
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _wait_for_mail(stack, address, page):
    """Keep the page as the person would (on "Verify your email") until the mail arrives."""
    for _ in range(600):
        if stack.sink.to(address):
            return stack.sink.to(address)[-1]
        page.wait_for_timeout(100)  # the mail comes from the worker, not from this page
    raise AssertionError(f"no mail reached {address}; worker log:\n{stack.log('worker')[-3000:]}")


def test_the_running_processes_are_the_compose_commands(stack):
    for name, argv in compose_commands().items():
        cmdline = open(f"/proc/{stack.pids()[name]}/cmdline", "rb").read().split(b"\0")[:-1]
        assert [part.decode() for part in cmdline][-(len(argv) - 1):] == argv[1:], name


def test_author_signs_up_through_the_mailed_link_and_uploads_to_the_object_store(stack, browser, tmp_path):
    author = browser.new_context().new_page()
    author.goto(stack.url + "/")
    author.get_by_role("link", name="Sign up").click()
    author.get_by_label("Full name").fill("Ada Author")
    author.get_by_label("Email").fill("ada@lakeside.example")
    author.get_by_label(re.compile(r"^Password \*$")).fill(PASSPHRASE)
    author.get_by_label(re.compile(r"^Password \(again\)")).fill(PASSPHRASE)
    author.get_by_role("button", name="Sign up").click()
    expect(author.get_by_role("heading", name="Verify your email address")).to_be_visible()

    mail = _wait_for_mail(stack, "ada@lakeside.example", author)
    body = mail.get_payload(decode=True).decode() if not mail.is_multipart() else \
        mail.get_payload(0).get_payload(decode=True).decode()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)
    assert link.startswith(stack.url + "/"), link
    author.goto(link)
    author.get_by_role("button", name="Confirm").click()
    expect(author.get_by_role("button", name="Sign out")).to_be_visible()

    author.get_by_role("link", name="Your submissions").click()
    author.get_by_role("link", name="Register a new paper").click()
    author.get_by_label("Title").fill("Poisoning Malware Detectors at Scale")
    author.get_by_label("Abstract").fill("We poison a small fraction of labels of a malware classifier.")
    author.get_by_label("Training time attacks (e.g., data poisoning)").check()
    author.get_by_label("Training-time poisoning / backdoor").check()
    author.get_by_label("Attack model").fill("A gray-box attacker flips labels.")
    author.get_by_label("Relationship to security").fill("Backdoored detectors let malware through.")
    author.get_by_role("button", name="Register paper").click()
    expect(author.get_by_text("is registered. Upload its PDF")).to_be_visible()
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(pdf_corpus.paper())
    author.get_by_label("Upload the PDF").set_input_files(str(pdf))
    author.get_by_role("button", name="Upload", exact=True).click()
    expect(author.get_by_text("PDF uploaded: 4 pages")).to_be_visible()

    stored = stack.s3().list_objects_v2(Bucket=stack.bucket).get("Contents", [])
    assert len(stored) == 2, "the upload and the reviewers' copy are in the bucket"


def _web_workers_peak_kib(stack) -> dict[int, int]:
    """VmHWM (peak resident memory) of each gunicorn worker: the children of the web process group."""
    peaks = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != stack.pids()["web"]:
            try:
                status = open(f"/proc/{entry}/status").read()
                if os.getpgid(int(entry)) == stack.pids()["web"] and "gunicorn" in open(
                        f"/proc/{entry}/cmdline").read():
                    peaks[int(entry)] = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
            except (OSError, AttributeError):
                continue
    return peaks


def test_a_200_mb_upload_is_refused_before_a_web_worker_reads_it(stack, browser):
    author = browser.new_context()
    _sign_in(author.new_page(), stack.url, "ada@lakeside.example")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in author.cookies())
    before = _web_workers_peak_kib(stack)
    size, sent = 200 * 1024 * 1024, 0

    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=60)
    connection.putrequest("POST", "/submissions/1/pdf/", skip_host=True)
    for header, value in (("Host", "127.0.0.1"), ("Cookie", cookies), ("Content-Length", str(size)),
                          ("Content-Type", "multipart/form-data; boundary=smoke")):
        connection.putheader(header, value)
    connection.endheaders()
    chunk = b"0" * (1024 * 1024)
    try:
        while sent < size:
            connection.send(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed without reading the rest, as it should
    response = connection.getresponse()
    page = response.read().decode()
    after = _web_workers_peak_kib(stack)

    assert response.status == 413
    assert "larger than the 20 MB limit" in page
    growth = max(after[pid] - before.get(pid, after[pid]) for pid in after)
    assert growth < 20 * 1024, f"a web worker grew by {growth} KiB"


def test_chair_runs_the_automatic_assignment_on_the_worker_and_a_member_opens_the_review_form(stack, browser):
    chair = browser.new_context().new_page()
    _sign_in(chair, stack.url, "chair@smoke.example")
    chair.goto(stack.url + "/chair/assignments/")
    chair.get_by_role("link", name="Automatic assignment").click()
    chair.get_by_label("Reviews per paper (k)").fill("2")
    chair.get_by_label("Maximum papers per PC member").fill("1")
    chair.get_by_role("button", name="Compute a proposal").click()
    expect(chair.get_by_role("heading", name="Per paper")).to_be_visible(timeout=60_000)
    chair.get_by_role("button", name="Apply this assignment").click()
    expect(chair.get_by_text("Assignment applied:")).to_be_visible()

    reviewer, number = stack.shell(
        "from reviews.models import Assignment; from workshop.models import Workshop; "
        "Workshop.objects.update(phase_override='reviewing'); a = Assignment.objects.order_by('pk').first(); "
        "print(a.reviewer.email, a.submission_id)").split()
    member = browser.new_context().new_page()
    _sign_in(member, stack.url, reviewer)
    member.goto(stack.url + "/pc/")
    member.get_by_role("link", name="Not started — write it").click()
    expect(member.get_by_label("Paper summary")).to_be_visible()

    download = member.evaluate("""async (url) => {
        const response = await fetch(url);
        const head = new Uint8Array(await response.arrayBuffer()).slice(0, 5);
        return [response.status, response.headers.get("content-disposition"), String.fromCharCode(...head)];
    }""", f"/submissions/{number}/paper.pdf")
    assert download == [200, f'attachment; filename="submission-{number}.pdf"', "%PDF-"]


def test_health_and_logs(stack):
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.port}/healthz", timeout=10) as response:  # noqa: S310
        assert (response.status, json.load(response)) == (200, {"database": "ok", "redis": "ok", "storage": "ok"})

    web = [json.loads(line) for line in stack.log("web").splitlines() if line.startswith("{")]
    access = [line for line in web if line.get("logger") == "workshop.access"]
    assert access and all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in access)
    worker = [json.loads(line) for line in stack.log("worker").splitlines() if line.startswith("{")]
    assert any(line.get("task_id", "-") != "-" for line in worker), "the worker logs which task it runs"
    requests = {line["request_id"] for line in access}
    assert any(line.get("request_id") in requests for line in worker), "a task sent by a request logs its id"


def test_stopping_ends_every_process_it_started(stack):
    pids = stack.pids()
    stack.stop()
    stack.processes.clear()  # the fixture's own stop then has nothing left to do

    for pid in pids.values():
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)  # no process is left in the group it started: not the leader, not a child
