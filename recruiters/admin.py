from django.contrib import admin

from recruiters.models import Firm, FollowUp, Interaction, Profile, Recruiter, Role


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Recruiter)
class RecruiterAdmin(admin.ModelAdmin):
    list_display = ["name", "firm", "kind", "tier", "owner"]
    list_filter = ["kind", "tier"]
    search_fields = ["name", "email", "firm__name"]
    list_select_related = ["firm", "owner"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["title", "employer", "recruiter", "stage", "owner"]
    list_filter = ["stage"]
    search_fields = ["title", "employer__name"]
    list_select_related = ["employer", "recruiter", "owner"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "recruiter", "direction", "kind", "value", "owner"]
    list_filter = ["direction", "kind", "channel", "value"]
    date_hierarchy = "occurred_at"
    list_select_related = ["recruiter", "owner"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["title", "owed_by", "due_at", "state", "recruiter", "owner"]
    list_filter = ["state", "owed_by"]
    list_select_related = ["recruiter", "owner"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "digest_frequency", "digest_hour"]
