from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm

from workshop.models import OutgoingMail, Role, Topic, User, VocabularyTerm, Workshop


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "affiliation", "is_active", "is_staff"]
    search_fields = ["email", "full_name", "affiliation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "affiliation", "email_domains", "orcid"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "usable_password", "password1", "password2"]})]


admin.site.register(Workshop)
admin.site.register(Topic)
admin.site.register(VocabularyTerm)
admin.site.register(Role)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "kind", "status", "attempts"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
