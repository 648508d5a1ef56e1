from django.urls import path

from submissions import outbox_views, views

urlpatterns = [
    path("submissions/", views.dashboard, name="submissions_dashboard"),
    path("submissions/new/", views.submission_new, name="submission_new"),
    path("submissions/<int:number>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:number>/edit/", views.submission_edit, name="submission_edit"),
    path("submissions/<int:number>/pdf/", views.pdf_upload, name="pdf_upload"),
    path("submissions/<int:number>/paper.pdf", views.paper_pdf, name="paper_pdf"),
    path("submissions/<int:number>/pdf/<int:version_id>/", views.pdf_version_download, name="pdf_version"),
    path("submissions/<int:number>/withdraw/", views.submission_withdraw, name="submission_withdraw"),
    path("submissions/<int:number>/revive/", views.submission_revive, name="submission_revive"),
    path("submissions/<int:number>/extension/", views.extension_set, name="submission_extension"),
    path("submissions/<int:number>/decision/", views.decision_set, name="decision_set"),
    path("chair/outbox/", outbox_views.outbox, name="outbox"),
    path("chair/outbox/<uuid:public_id>/", outbox_views.outbox_detail, name="outbox_detail"),
    path("chair/outbox/<uuid:public_id>/retry/", outbox_views.outbox_retry, name="outbox_retry"),
]
