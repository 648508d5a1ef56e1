from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reviews import selectors, services
from reviews.forms import (
    BidForm,
    CommentForm,
    ConflictAddForm,
    ConflictWaiveForm,
    CsvForm,
    InviteForm,
    PcProfileForm,
    ReviewFieldFormSet,
    ReviewForm,
)
from reviews.models import Invitation, PcProfile, ReviewField, TopicExpertise
from reviews.offline import OfflineField, OfflineParseError, parse_offline_form, render_offline_form
from submissions.models import Conflict
from submissions.selectors import submission_visible_or_404
from workshop import policy
from workshop.adapters import PENDING_INVITATION
from workshop.http import as_download, int_or_none, require
from workshop.markdown import render_markdown
from workshop.models import User, VocabularyTerm
from workshop.phases import dated_html, upcoming_deadlines
from workshop.selectors import pc_members, topics_ordered, workshop_current

BID_PAGE_ROWS = 50  # a card with its abstract each
BID_TABLE_ROWS = 200  # a compact row each: a whole committee's list on one page
BID_TABLE_FROM = 20  # more papers than this: the table, unless the PC member chose cards
BID_MODES = ("cards", "table")
BID_MODE_KEY = "bidding_view"
ASSIGNMENT_PAGE_ROWS = 50  # each row offers every PC member

# --- PC member pages ----------------------------------------------------------------


@require(policy.is_pc_member)
def pc_home(request):
    workshop = workshop_current()
    pc_dates = {"bidding_closes", "review_deadline", "response_opens", "response_closes", "notification_date"}
    return render(request, "reviews/pc_home.html", {
        "rows": selectors.assignments_of(user=request.user),
        "deadlines": [row for row in upcoming_deadlines(workshop) if row["field"] in pc_dates],
    })


@require(policy.is_pc_member)
def pc_profile(request):
    profile = PcProfile.objects.filter(user=request.user).first()  # saving creates it, opening does not
    initial = {"research_statement": profile.research_statement, "recent_papers": profile.recent_papers,
               "collaborators": profile.collaborators} if profile else {}
    for expertise in TopicExpertise.objects.filter(user=request.user):
        initial[f"topic_{expertise.topic_id}"] = expertise.level
    for term in profile.threat_expertise.all() if profile else ():
        initial.setdefault(f"terms_{term.kind}", []).append(term.pk)
    form = PcProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.pc_profile_save(
            user=request.user, research_statement=form.cleaned_data["research_statement"],
            recent_papers=form.cleaned_data["recent_papers"], collaborators=form.cleaned_data["collaborators"],
            threat_terms=list(VocabularyTerm.objects.filter(pk__in=form.term_ids())),
            topic_levels=form.topic_levels(),
        )
        messages.success(request, "Your PC profile is saved.")
        return redirect("pc_profile")
    return render(request, "reviews/pc_profile.html", {"form": form})



@require(policy.is_pc_member)
def bidding(request):
    """Paged in the database; each bid saves on its own (htmx, or its row's
    Save button without JavaScript), so a page never posts the others' bids.
    Cards show each abstract; the compact table shows a row per paper, for a
    long list. The mode asked for is remembered in the session."""
    workshop = workshop_current()
    closed = policy.bidding_closed(workshop, now=timezone.now())
    papers = selectors.bidding_papers(user=request.user, workshop=workshop,
                                      topic=int_or_none(request.GET.get("topic")),
                                      term=int_or_none(request.GET.get("term")))
    paginator = Paginator(papers, BID_PAGE_ROWS)
    mode = _bidding_mode(request, papers=paginator.count)
    if mode == "table":
        total, paginator = paginator.count, Paginator(papers, BID_TABLE_ROWS)
        paginator.count = total  # a cached property: one COUNT whatever the mode
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "reviews/bidding.html", {
        "preferences": BidForm.base_fields["preference"].choices,
        "levels": BidForm.base_fields["expertise"].choices,
        "rows": selectors.bidding_rows(user=request.user, papers=page.object_list), "page": page,
        "topics": topics_ordered(), "terms": VocabularyTerm.objects.order_by("kind", "position"),
        "filters": {k: request.GET.get(k, "") for k in ("topic", "term")}, "closed": closed, "mode": mode,
    })


def _bidding_mode(request, *, papers: int) -> str:
    """"cards" or "table": as asked (and then remembered), else as last asked,
    else the table once the list is long."""
    asked = request.GET.get("view")
    if asked in BID_MODES:
        request.session[BID_MODE_KEY] = asked
        return asked
    remembered = request.session.get(BID_MODE_KEY)
    if remembered in BID_MODES:
        return remembered
    return "table" if papers > BID_TABLE_FROM else "cards"


@require_POST
@require(policy.is_pc_member)
def bid_save(request, number):
    workshop = workshop_current()
    submission = submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    form = BidForm(request.POST, prefix=f"p{number}")
    status = "error"
    message = "That is not a valid bid."
    if form.is_valid():
        try:
            services.bid_set(user=request.user, submission=submission, preference=form.cleaned_data["preference"],
                             expertise=form.cleaned_data["expertise"], workshop=workshop)
            status, message = "ok", "Saved"
            if form.cleaned_data["preference"] == "conflict":
                message = "Conflict recorded: this paper leaves your list."
        except services.Refused as refused:
            message = refused.message
    if request.htmx:
        return render(request, "reviews/partials/bid_status.html", {"status": status, "message": message})
    (messages.success if status == "ok" else messages.error)(request, dated_html(message))
    back = request.POST.get("next", "")  # the page and filters the bid was made on
    return redirect(back if back.startswith("/pc/bids/?") else "bidding")


def invitation(request, token):
    """The link from the invitation mail. Signed out, it says what the
    invitation is and keeps it through sign-in or sign-up, landing back here."""
    invite = Invitation.objects.filter(token=token).first()
    if invite is None or not policy.invitation_usable(invite, now=timezone.now()):
        return render(request, "reviews/invitation.html", {"invalid": True}, status=404)
    if not request.user.is_authenticated:
        request.session[PENDING_INVITATION] = request.path
        return render(request, "reviews/invitation.html", {"invite": invite, "signed_out": True})
    if request.method == "POST":
        request.session.pop(PENDING_INVITATION, None)
        try:
            services.invitation_respond(token=token, user=request.user, accept="accept" in request.POST)
        except services.Refused as refused:
            messages.error(request, refused.message)
            return redirect("cfp")
        if "accept" in request.POST:
            messages.success(request, "Welcome to the program committee! Please fill in your PC profile.")
            return redirect("pc_profile")
        messages.info(request, "You declined the invitation. Thank you for letting us know.")
        return redirect("cfp")
    return render(request, "reviews/invitation.html", {"invite": invite})


# --- Reviews ------------------------------------------------------------------------


def _reviewable(request, number):
    workshop = workshop_current()
    submission = submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    if not policy.can_review(request.user, submission):
        raise Http404("No such review")
    return workshop, submission


def _offline_fields(fields: list[ReviewField]) -> list[OfflineField]:
    return [OfflineField(key=f.key, label=f.label, kind=f.kind, required=f.required,
                         options=tuple((v, label) for v, label in f.options), help=f.help,
                         visibility=f.visibility) for f in fields]


@login_required
def review_edit(request, number):
    workshop, submission = _reviewable(request, number)
    fields = selectors.review_fields()
    review = selectors.own_review_or_new(submission=submission, user=request.user)
    form = ReviewForm(request.POST or None, fields=fields, initial=review.working_values)
    if request.method == "POST" and form.is_valid():
        autosave = request.POST.get("autosave") == "1"
        version = int_or_none(request.POST.get("version")) or 0
        try:
            if "discard" in request.POST:
                review = services.review_discard_changes(submission=submission, by=request.user,
                                                         expected_version=version, workshop=workshop)
                messages.info(request, "Your changes are discarded; the submitted review is unchanged.")
                return redirect("review_edit", number=submission.pk)
            submit, was_submitted = "submit" in request.POST, review.is_submitted
            review = services.review_save(
                submission=submission, by=request.user, values=form.cleaned_data, expected_version=version,
                submit=submit, workshop=workshop, fields=fields,
            )
        except services.Refused as refused:
            if autosave:
                return render(request, "reviews/partials/autosave.html", {"error": refused.message})
            messages.error(request, dated_html(refused.message))
            if "submit" in request.POST:
                for field in fields:
                    if field.label in services.review_missing_fields(form.cleaned_data, fields):
                        form.add_error(field.key, "Please answer this to submit the review.")
        else:
            if autosave:
                return render(request, "reviews/partials/autosave.html", {"review": review})
            if submit:
                messages.success(request, "Review updated." if was_submitted else "Review submitted.")
            elif review.is_submitted:
                messages.info(request, "Changes saved privately. Others still see your submitted review until you "
                                       "click “Update review”.")
            else:
                messages.success(request, "Draft saved.")
            return redirect("review_edit", number=submission.pk)
    return render(request, "reviews/review_form.html", {
        "submission": submission, "review": review, "form": form,
        "refusal": policy.review_edit_refusal(request.user, submission, workshop),
        "late": policy.review_late_notice(review, workshop, now=timezone.now()),
        "others": selectors.reviews_visible_to(user=request.user, submission=submission, workshop=workshop)
        if review.is_submitted else [],
    })


@require_POST
@login_required
def review_preview(request, number):
    _reviewable(request, number)
    fields = [f for f in selectors.review_fields() if f.kind == "text"]
    rendered = [(f.label, render_markdown(request.POST.get(f.key, ""))) for f in fields
                if request.POST.get(f.key, "").strip()]
    return render(request, "reviews/partials/preview.html", {"rendered": rendered})


@login_required
def review_offline_download(request, number):
    workshop, submission = _reviewable(request, number)
    review = selectors.own_review_or_new(submission=submission, user=request.user)
    try:
        text = render_offline_form(fields=_offline_fields(selectors.review_fields()), number=submission.pk,
                                   title=submission.title, values=review.working_values, workshop=str(workshop))
    except ValueError:
        messages.error(request, "Your review has a line starting with ==+== or ==-==, which the offline form "
                                "cannot hold. Edit it here, or change that line first.")
        return redirect("review_edit", number=submission.pk)
    return as_download(HttpResponse(text, content_type="text/plain; charset=utf-8"),
                       filename=f"review-{submission.pk}.txt")


@require_POST
@login_required
def review_offline_upload(request, number):
    workshop, submission = _reviewable(request, number)
    upload = request.FILES.get("review_file")
    if upload is None:
        messages.error(request, "Choose the filled-in review file to upload.")
        return redirect("review_edit", number=submission.pk)
    if upload.size > 400_000:
        messages.error(request, "That file is too large to be a review form.")
        return redirect("review_edit", number=submission.pk)
    fields = selectors.review_fields()
    review = selectors.own_review_or_new(submission=submission, user=request.user)
    try:
        values = parse_offline_form(upload.read().decode("utf-8", errors="replace"),
                                    fields=_offline_fields(fields), number=submission.pk)
        services.review_save(submission=submission, by=request.user, values=values,
                             expected_version=review.version, submit="submit" in request.POST,
                             workshop=workshop, fields=fields)
    except OfflineParseError as error:
        messages.error(request, f"Nothing was saved. {error}")
    except services.Refused as refused:
        messages.error(request, dated_html(refused.message))
    else:
        messages.success(request, "The uploaded review is saved.")
    return redirect("review_edit", number=submission.pk)


@require_POST
@login_required
def comment_add(request, number):
    workshop = workshop_current()
    submission = submission_visible_or_404(user=request.user, number=number, workshop=workshop)
    if not policy.can_view_discussion(request.user, submission, workshop=workshop):
        raise Http404("No such discussion")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(submission=submission, by=request.user, body=form.cleaned_data["body"],
                                 chairs_only=form.cleaned_data["chairs_only"], workshop=workshop)
            messages.success(request, "Comment posted.")
        except services.Refused as refused:
            messages.error(request, refused.message)
    else:
        messages.error(request, "The comment is empty or too long (at most 20,000 characters).")
    return redirect(f"/submissions/{submission.pk}/#discussion")


# --- Chair pages --------------------------------------------------------------------


@require(policy.can_invite_pc)
def chair_pc(request):
    invite_form = InviteForm(request.POST if "invite" in request.POST else None)
    csv_form = CsvForm(request.POST if "csv_preview" in request.POST or "csv_apply" in request.POST else None,
                       request.FILES or None)
    preview = None
    if "invite" in request.POST and invite_form.is_valid():
        data = invite_form.cleaned_data
        services.invitation_create(email=data["email"], name=data["name"], affiliation=data["affiliation"],
                                   roles=data["roles"], by=request.user)
        messages.success(request, f"Invitation sent to {data['email']}.")
        return redirect("chair_pc")
    if csv_form.is_bound and csv_form.is_valid():
        text = csv_form.cleaned_data["csv_text"]
        try:
            preview = services.invitations_preview(text)
            if "csv_apply" in request.POST:
                count = services.invitations_apply(text=text, by=request.user)
                messages.success(request, f"{count} invitations sent.")
                return redirect("chair_pc")
        except services.Refused as refused:
            csv_form.add_error("csv_text", refused.message)
    return render(request, "reviews/chair_pc.html", {
        "invite_form": invite_form, "csv_form": csv_form, "preview": preview,
        "csv_text": csv_form.cleaned_data.get("csv_text", "") if csv_form.is_bound and csv_form.is_valid() else "",
        "invitations": selectors.invitations_list(), "members": pc_members(),
    })


@require_POST
@require(policy.can_invite_pc)
def chair_pc_resend(request, pk):
    invite = get_object_or_404(Invitation, pk=pk)
    try:
        services.invitation_resend(invitation=invite)
        messages.success(request, f"Invitation sent again to {invite.email}.")
    except services.Refused as refused:
        messages.error(request, refused.message)
    return redirect("chair_pc")


@require(policy.is_chair)
def chair_conflicts(request):
    workshop = workshop_current()
    waiving = request.method == "POST" and "waive" in request.POST
    add_form = ConflictAddForm(request.POST if request.method == "POST" and not waiving else None)
    waive_form = ConflictWaiveForm(request.POST if waiving else None)
    form = waive_form if waiving else add_form
    if form.is_bound and form.is_valid():
        submission = submission_visible_or_404(user=request.user, number=form.cleaned_data["paper"],
                                               workshop=workshop)
        try:
            if waiving:
                conflict = get_object_or_404(Conflict, pk=form.cleaned_data["conflict"], submission=submission)
                services.conflict_waive(conflict=conflict, by=request.user)
                messages.success(request, "Conflict waived.")
            else:
                person = form.cleaned_data["user"]
                services.conflict_set(submission=submission, user=person, reason=form.cleaned_data["reason"],
                                      by=request.user)
                messages.success(request, f"Conflict recorded for #{submission.pk} and {person.full_name}.")
            return redirect("chair_conflicts")
        except services.Refused as refused:
            form.add_error(None, refused.message)
    visible = selectors.conflicts_list()
    managed = {s.pk for s in selectors.chair_assignment_rows(user=request.user) if not s.viewer_conflicted}
    return render(request, "reviews/chair_conflicts.html", {
        "conflicts": [c for c in visible if c.submission_id in managed],
        "suggestions": [s for s in services.conflict_suggestions() if s["submission"].pk in managed
                        and not s["automatic"]],
        "add_form": add_form, "waive_errors": waive_form.errors if waive_form.is_bound else {},
    }, status=400 if form.is_bound else 200)


@require(policy.is_chair)
def chair_assignments(request):
    workshop = workshop_current()
    if request.method == "POST" and "paper" in request.POST:
        submission = submission_visible_or_404(user=request.user, number=int_or_none(request.POST.get("paper")) or 0,
                                               workshop=workshop)
        person = get_object_or_404(User, pk=int_or_none(request.POST.get("reviewer")) or 0)
        try:
            if "unassign" in request.POST:
                services.assignment_remove(submission=submission, reviewer=person, by=request.user)
                messages.success(request, f"{person.full_name} no longer reviews #{submission.pk}.")
            else:
                services.assignment_add(submission=submission, reviewer=person, by=request.user)
                messages.success(request, f"{person.full_name} now reviews #{submission.pk}.")
        except services.Refused as refused:
            messages.error(request, refused.message)
        return redirect(f"{request.get_full_path()}#paper-{submission.pk}")  # the same page, the same filter
    csv_form = CsvForm(request.POST if "csv_preview" in request.POST or "csv_apply" in request.POST else None,
                       request.FILES or None)
    preview = None
    if csv_form.is_bound and csv_form.is_valid():
        text = csv_form.cleaned_data["csv_text"]
        try:
            preview = services.assignments_preview(text, by=request.user)
            if "csv_apply" in request.POST:
                with transaction.atomic():
                    count = services.assignments_apply(text=text, by=request.user)
                messages.success(request, f"{count} changes applied.")
                return redirect("chair_assignments")
        except services.Refused as refused:
            csv_form.add_error("csv_text", refused.message)
    members = selectors.pc_loads(user=request.user)
    reviewer = next((m for m in members if m.pk == int_or_none(request.GET.get("reviewer"))), None)
    papers = selectors.chair_assignment_papers(user=request.user, reviewer=reviewer.pk if reviewer else None)
    page = Paginator(papers, ASSIGNMENT_PAGE_ROWS).get_page(request.GET.get("page"))
    return render(request, "reviews/chair_assignments.html", {
        "rows": selectors.chair_assignment_rows(user=request.user, papers=page.object_list), "page": page,
        "members": members, "reviewer": reviewer, "csv_form": csv_form, "preview": preview,
        "csv_text": csv_form.cleaned_data.get("csv_text", "") if csv_form.is_bound and csv_form.is_valid() else "",
        "target": workshop.reviews_per_paper,
    })


@require(policy.can_manage_workshop)
def chair_review_form(request):
    formset = ReviewFieldFormSet(request.POST or None, queryset=ReviewField.objects.order_by("position", "id"))
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, "Review form saved.")
        for label, count in selectors.submitted_reviews_missing_required().items():
            messages.warning(request, f"{count} submitted review{'s do' if count > 1 else ' does'} not answer the "
                             f"required question “{label}”. They stay submitted; their reviewers must answer it "
                             "the next time they update them.")
        return redirect("chair_review_form")
    return render(request, "reviews/chair_review_form.html", {"formset": formset})
