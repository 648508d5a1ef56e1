from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from workshop import views

# The admin signs in through allauth, so its login is rate-limited too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "MLSec workshop administration"

urlpatterns = [
    path("", views.cfp, name="cfp"),
    path("accounts/", include("allauth.urls")),
    path("profile/", views.profile, name="profile"),
    path("chair/settings/", views.settings_workshop, name="settings_workshop"),
    path("chair/settings/topics/", views.settings_topics, name="settings_topics"),
    path("chair/settings/vocabulary/<str:kind>/", views.settings_vocabulary,
         name="settings_vocabulary"),
    path("chair/people/", views.settings_people, name="settings_people"),
    path("jobs/<uuid:public_id>/", views.job_detail, name="job_detail"),
    path("", include("submissions.urls")),
    path("", include("reviews.urls")),
    path("admin/", admin.site.urls),
]
