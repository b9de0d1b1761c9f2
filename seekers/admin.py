from django.contrib import admin

from .models import SeekerProfile


@admin.register(SeekerProfile)
class SeekerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email", "user__first_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
