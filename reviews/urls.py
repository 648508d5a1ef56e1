from django.urls import path

from reviews import auto_views, decision_views, discussion_views, views

urlpatterns = [
    path("pc/", views.pc_home, name="pc_home"),
    path("pc/profile/", views.pc_profile, name="pc_profile"),
    path("pc/bids/", views.bidding, name="bidding"),
    path("pc/bids/<int:number>/", views.bid_save, name="bid_save"),
    path("pc/invitation/<str:token>/", views.invitation, name="pc_invitation"),
    path("submissions/<int:number>/review/", views.review_edit, name="review_edit"),
    path("submissions/<int:number>/review/preview/", views.review_preview, name="review_preview"),
    path("submissions/<int:number>/review/offline.txt", views.review_offline_download, name="review_offline"),
    path("submissions/<int:number>/review/upload/", views.review_offline_upload, name="review_upload"),
    path("submissions/<int:number>/comments/", views.comment_add, name="comment_add"),
    path("chair/pc/", views.chair_pc, name="chair_pc"),
    path("chair/pc/<int:pk>/resend/", views.chair_pc_resend, name="chair_pc_resend"),
    path("chair/conflicts/", views.chair_conflicts, name="chair_conflicts"),
    path("chair/assignments/", views.chair_assignments, name="chair_assignments"),
    path("chair/review-form/", views.chair_review_form, name="chair_review_form"),
]

urlpatterns += [
    path("chair/assignments/auto/", auto_views.auto_start, name="auto_start"),
    path("chair/assignments/auto/<int:pk>/", auto_views.auto_run, name="auto_run"),
    path("chair/assignments/auto/<int:pk>/apply/", auto_views.auto_apply, name="auto_apply"),
    path("chair/assignments/auto/<int:pk>/discard/", auto_views.auto_discard, name="auto_discard"),
    path("chair/assignments/auto/<int:pk>/proposal.csv", auto_views.auto_run_csv, name="auto_run_csv"),
    path("chair/assignments.csv", auto_views.assignments_csv, name="assignments_csv"),
]

urlpatterns += [
    path("chair/", decision_views.chair_dashboard, name="chair_dashboard"),
    path("chair/papers/", decision_views.paper_table, name="paper_table"),
    path("chair/papers/bulk/", decision_views.paper_table_bulk, name="paper_table_bulk"),
    path("chair/submissions/", decision_views.chair_submissions, name="chair_submissions"),
    path("chair/submissions.csv", decision_views.chair_submissions_csv, name="chair_submissions_csv"),
    path("chair/decisions/release/", decision_views.release, name="release"),
    path("chair/decisions/release/letters/", decision_views.release_letters, name="release_letters"),
    path("chair/mail/compose/", decision_views.compose, name="compose"),
    path("chair/mail/<uuid:public_id>/", decision_views.mail_batch, name="mail_batch"),
    path("chair/reminders/", decision_views.reminders, name="reminders"),
    path("chair/mail-texts/", decision_views.mail_templates, name="mail_templates"),
]

urlpatterns += [
    path("submissions/<int:number>/lead/", discussion_views.lead_set, name="lead_set"),
    path("submissions/<int:number>/meta-review/", discussion_views.meta_review, name="meta_review"),
    path("submissions/<int:number>/response/", discussion_views.author_response, name="author_response"),
]
