"""The program committee's pages: the PC home, the PC profile, bidding, the
invitation link, and the chairs' pages for invitations and conflicts."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reviews.committee import selectors, services
from reviews.committee.forms import BidForm, ConflictAddForm, ConflictWaiveForm, CsvForm, InviteForm, PcProfileForm
from reviews.models import Invitation
from submissions.models import Conflict
from submissions.selectors import submission_visible_or_404
from workshop import policy
from workshop.adapters import PENDING_INVITATION
from workshop.errors import Refused
from workshop.http import int_or_none, require
from workshop.models import VocabularyTerm
from workshop.phases import dated_html, upcoming_deadlines
from workshop.selectors import pc_members, topics_ordered, workshop_current

PC_HOME_ROWS = 100  # a reviewer's papers, a line each
BID_PAGE_ROWS = 50  # a card with its abstract each
BID_TABLE_ROWS = 200  # a compact row each: a whole committee's list on one page
BID_TABLE_FROM = 20  # more papers than this: the table, unless the PC member chose cards
BID_MODES = ("cards", "table")
BID_MODE_KEY = "bidding_view"

# --- PC member pages ----------------------------------------------------------------


@require(policy.is_pc_member)
def pc_home(request):
    workshop = workshop_current()
    pc_dates = {"bidding_closes", "review_deadline", "response_opens", "response_closes", "notification_date"}
    page = Paginator(selectors.assignments_of(user=request.user), PC_HOME_ROWS).get_page(request.GET.get("page"))
    return render(request, "reviews/pc_home.html", {
        "rows": selectors.assignment_rows(user=request.user, papers=page.object_list), "page": page,
        "deadlines": [row for row in upcoming_deadlines(workshop) if row["field"] in pc_dates],
    })


@require(policy.is_pc_member)
def pc_profile(request):
    form = PcProfileForm(request.POST or None, initial=selectors.pc_profile_initial(user=request.user))
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
        except Refused as refused:
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
        except Refused as refused:
            messages.error(request, refused.message)
            return redirect("cfp")
        if "accept" in request.POST:
            messages.success(request, "Welcome to the program committee! Please fill in your PC profile.")
            return redirect("pc_profile")
        messages.info(request, "You declined the invitation. Thank you for letting us know.")
        return redirect("cfp")
    return render(request, "reviews/invitation.html", {"invite": invite})


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
                job, started = services.invitations_apply(text=text, by=request.user)
                if not started:
                    messages.info(request, "Your previous invitations are still being sent; here is their "
                                           "progress. Send this file when they are done.")
                return redirect("job_detail", public_id=job.public_id)
        except Refused as refused:
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
    except Refused as refused:
        messages.error(request, refused.message)
    return redirect("chair_pc")


@require(policy.can_manage_conflicts)
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
        except Refused as refused:
            form.add_error(None, refused.message)
    conflicts, suggestions = selectors.conflicts_managed_by(user=request.user)
    return render(request, "reviews/chair_conflicts.html", {
        "conflicts": conflicts, "suggestions": suggestions,
        "add_form": add_form, "waive_errors": waive_form.errors if waive_form.is_bound else {},
    }, status=400 if form.is_bound else 200)
