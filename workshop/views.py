from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from workshop import policy
from workshop.forms import ProfileForm, RolesForm, TopicFormSet, VocabularyFormSet, WorkshopForm
from workshop.http import require
from workshop.jobs import job_progress, job_visible_or_404
from workshop.models import VocabularyKind, VocabularyTerm
from workshop.phases import phase_at, upcoming_deadlines
from workshop.selectors import people_with_roles, topics_ordered, workshop_current
from workshop.services import roles_set, settings_list_save


def cfp(request):
    workshop = workshop_current()
    return render(request, "workshop/cfp.html", {
        "topics": topics_ordered(),
        "deadlines": upcoming_deadlines(workshop),
        "phase": phase_at(workshop),
        "submissions_open": policy.registration_closed(workshop, now=timezone.now()) is None,
    })


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(request, "workshop/profile.html", {"form": form})


@require(policy.can_manage_workshop)
def settings_workshop(request):
    workshop = workshop_current()
    # Dates are typed and shown in the workshop's own zone (AoE by default).
    with timezone.override(workshop.timezone):
        form = WorkshopForm(request.POST or None, instance=workshop)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "Workshop settings saved.")
            return redirect("settings_workshop")
        return render(request, "workshop/settings_workshop.html", {"form": form})


@require(policy.can_manage_workshop)
def settings_topics(request):
    formset = TopicFormSet(request.POST or None, queryset=topics_ordered())
    if request.method == "POST" and formset.is_valid():
        settings_list_save(formset=formset)
        messages.success(request, "Topics saved.")
        return redirect("settings_topics")
    return render(request, "workshop/settings_list.html", {
        "formset": formset, "title": "Topics",
        "help": "The call-for-papers topics authors pick from, in this order.",
    })


@require(policy.can_manage_workshop)
def settings_vocabulary(request, kind):
    if kind not in VocabularyKind.values:
        raise Http404("No such vocabulary")
    terms = VocabularyTerm.objects.filter(kind=kind).order_by("position", "id")
    formset = VocabularyFormSet(request.POST or None, queryset=terms, prefix=kind)
    if request.method == "POST" and formset.is_valid():
        settings_list_save(formset=formset, kind=kind)
        messages.success(request, "Vocabulary saved.")
        return redirect("settings_vocabulary", kind=kind)
    return render(request, "workshop/settings_list.html", {
        "formset": formset, "title": f"Threat model: {VocabularyKind(kind).label}",
        "help": "Terms authors pick from to describe their threat model.",
        "kinds": VocabularyKind.choices, "current_kind": kind,
    })


@require(policy.can_manage_roles)
def settings_people(request):
    form = RolesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        roles_set(user=form.user, roles=set(form.cleaned_data["roles"]), by=request.user)
        messages.success(request, f"Roles of {form.user.email} saved.")
        return redirect("settings_people")
    return render(request, "workshop/settings_people.html", {
        "form": form, "people": people_with_roles(),
    })


@login_required
def job_detail(request, public_id):
    """A mass action's page: its progress while a worker does it, then what it did."""
    job = job_visible_or_404(user=request.user, public_id=public_id)
    counts = policy.can_view_job_counts(request.user, job)
    progress = job_progress(job, counts=counts)
    if request.htmx and progress.finished:
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # the poll saw it end: the whole page shows what it did
        return response
    context = {"job": job, "progress": progress, "counts": counts,
               "layout": "workshop/chair_base.html" if policy.is_chair(request.user) else "base.html"}
    return render(request, "workshop/partials/job_progress.html" if request.htmx else "workshop/job.html", context)
