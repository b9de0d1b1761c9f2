"""The supporter's own pages: profile, availability, time off, leave. (Being built.)"""

from django.http import HttpResponse


def _todo(request, *args, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


manage_profile_view = manage_profile_preview_view = manage_availability_view = _todo
manage_rule_delete_view = manage_time_off_view = manage_time_off_delete_view = _todo
manage_leave_view = manage_leave_end_view = _todo
