from django.urls import path

from reviews.assignments import views as assignments
from reviews.committee import views as committee
from reviews.decisions import mail_views as decision_mail
from reviews.decisions import table_views as decision_tables
from reviews.decisions import views as decisions
from reviews.discussion import views as discussion
from reviews.reviewing import views as reviewing

urlpatterns = [
    path("pc/", committee.pc_home, name="pc_home"),
    path("pc/profile/", committee.pc_profile, name="pc_profile"),
    path("pc/bids/", committee.bidding, name="bidding"),
    path("pc/bids/<int:number>/", committee.bid_save, name="bid_save"),
    path("pc/invitation/<str:token>/", committee.invitation, name="pc_invitation"),
    path("chair/pc/", committee.chair_pc, name="chair_pc"),
    path("chair/pc/<int:pk>/resend/", committee.chair_pc_resend, name="chair_pc_resend"),
    path("chair/conflicts/", committee.chair_conflicts, name="chair_conflicts"),
]

urlpatterns += [
    path("submissions/<int:number>/review/", reviewing.review_edit, name="review_edit"),
    path("submissions/<int:number>/review/preview/", reviewing.review_preview, name="review_preview"),
    path("submissions/<int:number>/review/offline.txt", reviewing.review_offline_download, name="review_offline"),
    path("submissions/<int:number>/review/upload/", reviewing.review_offline_upload, name="review_upload"),
    path("submissions/<int:number>/comments/", reviewing.comment_add, name="comment_add"),
    path("chair/review-form/", reviewing.chair_review_form, name="chair_review_form"),
]

urlpatterns += [
    path("chair/assignments/", assignments.chair_assignments, name="chair_assignments"),
    path("chair/assignments/auto/", assignments.auto_start, name="auto_start"),
    path("chair/assignments/auto/<int:pk>/", assignments.auto_run, name="auto_run"),
    path("chair/assignments/auto/<int:pk>/apply/", assignments.auto_apply, name="auto_apply"),
    path("chair/assignments/auto/<int:pk>/discard/", assignments.auto_discard, name="auto_discard"),
    path("chair/assignments/auto/<int:pk>/proposal.csv", assignments.auto_run_csv, name="auto_run_csv"),
    path("chair/assignments.csv", assignments.assignments_csv, name="assignments_csv"),
]

urlpatterns += [
    path("submissions/<int:number>/lead/", discussion.lead_set, name="lead_set"),
    path("submissions/<int:number>/meta-review/", discussion.meta_review, name="meta_review"),
    path("submissions/<int:number>/response/", discussion.author_response, name="author_response"),
]

urlpatterns += [
    path("chair/", decision_tables.chair_dashboard, name="chair_dashboard"),
    path("chair/papers/", decision_tables.paper_table, name="paper_table"),
    path("chair/submissions/", decision_tables.chair_submissions, name="chair_submissions"),
    path("chair/submissions.csv", decision_tables.chair_submissions_csv, name="chair_submissions_csv"),
    path("submissions/<int:number>/decision/", decisions.decision_set, name="decision_set"),
    path("chair/papers/bulk/", decisions.paper_table_bulk, name="paper_table_bulk"),
    path("chair/decisions/release/", decisions.release, name="release"),
    path("chair/decisions/release/letters/", decisions.release_letters, name="release_letters"),
    path("chair/mail/compose/", decision_mail.compose, name="compose"),
    path("chair/mail/<uuid:public_id>/", decision_mail.mail_batch, name="mail_batch"),
    path("chair/reminders/", decision_mail.reminders, name="reminders"),
    path("chair/mail-texts/", decision_mail.mail_templates, name="mail_templates"),
]
