from django.urls import path

from submissions import views
from submissions.camera_ready import views as camera_views
from submissions.outbox import views as outbox_views
from submissions.proceedings import views as proceedings_views

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
    path("submissions/<int:number>/camera-ready/", camera_views.camera_ready, name="camera_ready"),
    path("submissions/<int:number>/camera-ready/upload/", camera_views.camera_ready_upload, name="camera_ready_upload"),
    path("submissions/<int:number>/camera-ready/extension/", camera_views.camera_ready_extension,
         name="camera_ready_extension"),
    path("submissions/<int:number>/camera-ready/<int:version_id>.pdf", camera_views.camera_ready_pdf,
         name="camera_ready_pdf"),
    path("proceedings/", proceedings_views.proceedings, name="proceedings"),
    path("proceedings/reminders/", proceedings_views.camera_reminders, name="camera_reminders"),
    path("proceedings/order/", proceedings_views.volume_order, name="volume_order"),
    path("proceedings/builds/", proceedings_views.build_start, name="build_start"),
    path("proceedings/builds/<int:pk>/", proceedings_views.build_detail, name="build_detail"),
    path("proceedings/builds/<int:pk>/volume.pdf", proceedings_views.build_download, name="build_download"),
    path("proceedings/builds/<int:pk>/publish/", proceedings_views.build_publish, name="build_publish"),
    path("proceedings/export/<str:kind>", proceedings_views.export, name="proceedings_export"),
    path("proceedings/statistics/", proceedings_views.statistics, name="proceedings_statistics"),
    path("program/", proceedings_views.program, name="program"),
    path("program/volume.pdf", proceedings_views.program_volume_pdf, name="program_volume_pdf"),
    path("program/<int:number>.pdf", proceedings_views.program_paper_pdf, name="program_paper_pdf"),
    path("chair/outbox/", outbox_views.outbox, name="outbox"),
    path("chair/outbox/<uuid:public_id>/", outbox_views.outbox_detail, name="outbox_detail"),
    path("chair/outbox/<uuid:public_id>/retry/", outbox_views.outbox_retry, name="outbox_retry"),
]
