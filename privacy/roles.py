"""Staff roles: who may see what. The groups and their permissions are kept here, in code.

- operations: bookings, payments, refunds, gifts, supporters' listings (never deletes a money record),
  applications to become a supporter (the hiring board), onboarding and credentials, pay, the duty rota
- supervisor: supervision of supporters, seekers' intake (read, every read logged), the access log, the
  supervisor queue's records (crisis flags, mandatory reports, backup requests; read in the admin, worked
  on the site), safety plans (read, logged), practice-hours review
- trainer: supporters (read); applications (the hiring board); training cohorts, enrolment, attendance,
  hours, completion; onboarding and credentials (read)
Superusers (the few who run the system) have every permission and hold every role.

``ROLE_PERMISSIONS`` is the whole truth. A data migration creates the groups, and after every
``migrate`` (and every test-database flush) ``sync_role_groups`` makes each group's permissions equal
to this table, so a permission added by hand in the admin is taken away again and a model added later
joins its role as soon as it is listed here. A later issue that adds a model for a role adds a line
here, nothing else. docs/privacy.md ("Staff roles") has the same table in words.

privacy sits below the domain apps, so the models are named by label ("app.model"), never imported.
"""

from __future__ import annotations

OPERATIONS = "operations"
SUPERVISOR = "supervisor"
TRAINER = "trainer"
ROLES = (OPERATIONS, SUPERVISOR, TRAINER)

VIEW = ("view",)
VIEW_CHANGE = ("view", "change")
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")

# role -> {"app_label.model_name": actions}. Money records (payments, refunds, gifts, credits) are never
# deleted by anyone: their admins refuse it too. "add" on refunds is the staff refund flow.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    OPERATIONS: {
        "bookings.booking": VIEW_CHANGE,  # change: the cancel and no-show actions
        "bookings.bookingevent": VIEW,
        "payments.payable": VIEW,
        "payments.payment": VIEW,
        "payments.refund": EDIT,  # add: refund a payment; change: send a failed refund again
        "payments.stripecustomer": VIEW,
        "payments.webhookevent": VIEW,
        "giftcards.gift": VIEW_CHANGE,  # change: resend, correct the recipient, refund in full
        "giftcards.giftprice": EDIT,
        "giftcards.sessioncredit": VIEW,
        "giftcards.sessioncreditevent": VIEW,
        "supporters.supporterprofile": VIEW_CHANGE,  # the listing: status, texts, tags, hours
        "supporters.availabilityrule": ALL,
        "supporters.timeoff": ALL,
        "supporters.leaveofabsence": ALL,
        "supporters.tag": EDIT,
        "supporters.operatinghours": ALL,
        "supporters.slot": VIEW,
        "seekers.seekerprofile": VIEW,  # who the seeker is; never the intake
        "notifications.notification": VIEW,  # what was sent and what failed; resend
        "health.heartbeat": VIEW,  # the system health report
        "matching.teamrequest": VIEW_CHANGE,  # requests to our team: answered by operations
        "matching.teamsuggestion": EDIT,
        "supporters.supporterconflict": VIEW,
        "waitlist.waitlistentry": VIEW,  # who waits for whom, and the times offered
        "waitlist.waitlistoffer": VIEW,
        "sitefeedback.sitefeedback": VIEW_CHANGE,  # tag, mark handled, export
        "sitefeedback.feedbacktag": EDIT,
        "workforce.onboarding": VIEW_CHANGE,  # change: mark orientation, activate
        "workforce.credential": ALL,  # record renewals; delete one entered by mistake
        "workforce.listingevent": VIEW,
        "workforce.ethicsacknowledgement": VIEW,
        "workforce.cohort": VIEW,  # the training schedule
        # Pay (workforce): rates and adjustments are added (never edited); statements are locked, and
        # "change" is only the mark-paid action; the pay pages (/staff/pay/) need this role too.
        "workforce.payrate": EDIT,
        "workforce.paidactivity": EDIT,
        "workforce.payadjustment": EDIT,
        "workforce.paystatement": VIEW_CHANGE,
        "workforce.paystatementline": VIEW,
        "safety.dutyshift": ALL,  # the backup rota: who is on duty when
        "workforce.application": VIEW_CHANGE,  # the hiring board: steps and bulk actions (services)
        "workforce.applicationevent": VIEW,
        "workforce.backgroundcheckconsent": VIEW,
    },
    SUPERVISOR: {
        "supporters.supporterprofile": VIEW,
        "supporters.availabilityrule": VIEW,
        "supporters.timeoff": VIEW,
        "supporters.leaveofabsence": VIEW,
        "bookings.booking": VIEW,  # a supporter's sessions
        "bookings.bookingevent": VIEW,
        "bookings.sessionfeedback": VIEW,  # ratings, comments, claims: supervisors only (coaching)
        "seekers.seekerprofile": VIEW,
        "seekers.intake": VIEW,  # every read writes an access-log row
        "privacy.accesslog": VIEW,
        "safety.crisisflag": VIEW,  # the queue's crisis flags (read-only in the admin, every read logged)
        "workforce.cohort": VIEW,
        "workforce.enrolment": VIEW,  # a trainee's totals
        "workforce.practicelog": VIEW_CHANGE,  # change: approve or return practice hours (reads logged)
        # Supervision (workforce): scheduled and recorded on /supervisor/supervision/; the admin is a
        # read-only list without the notes.
        "workforce.supervisionsession": VIEW,
        "workforce.supervisionattendance": VIEW,
        # Mandatory reports: read-only in the admin for everyone (append-only; reviewed on the site).
        "safety.mandatoryreport": VIEW,
        "safety.reportaddendum": VIEW,
        "safety.reportreview": VIEW,
        "safety.backuprequest": VIEW,
        "safety.dutyshift": VIEW,
        "safety.safetyplan": VIEW,  # read-only: that a plan exists and how many versions
        "safety.safetyplanversion": VIEW,  # the contents; every read writes an access-log row
    },
    TRAINER: {
        "supporters.supporterprofile": VIEW,
        "supporters.tag": VIEW,
        "workforce.onboarding": VIEW,
        "workforce.credential": VIEW,
        "workforce.ethicsacknowledgement": VIEW,
        "workforce.cohort": ALL,  # the quarterly schedule and places
        "workforce.livesession": ALL,
        "workforce.enrolment": EDIT,  # add: enrol an applicant at the training step
        "workforce.attendance": EDIT,  # the register of a live session
        "workforce.courseworkhours": EDIT,
        "workforce.certificate": EDIT,  # add: complete a trainee (issues the certificate)
        "workforce.paidactivity": EDIT,  # orientation and continuing-education time, paid on statements
        "workforce.application": VIEW_CHANGE,  # the hiring board: steps and bulk actions (services)
        "workforce.applicationevent": VIEW,
        "workforce.backgroundcheckconsent": VIEW,
    },
}


def role_permission_codenames(role: str) -> set[tuple[str, str]]:
    """{(app_label, codename)} of ``role``, e.g. ("bookings", "view_booking")."""
    pairs = set()
    for label, actions in ROLE_PERMISSIONS[role].items():
        app_label, model_name = label.split(".")
        pairs.update((app_label, f"{action}_{model_name}") for action in actions)
    return pairs


def sync_role_groups(*, group_model, permission_model, using: str = "default") -> dict[str, int]:
    """Create the role groups if missing and set each one's permissions to exactly the table's, as far as
    those permissions exist (a model not migrated yet joins on a later sync). Takes the Group and
    Permission models as arguments so a migration can pass its historical ones. Returns
    {role: number of permissions}."""
    wanted = {role: role_permission_codenames(role) for role in ROLES}
    labels = {app_label for pairs in wanted.values() for app_label, _codename in pairs}
    existing = {
        (app_label, codename): pk
        for pk, app_label, codename in permission_model.objects.using(using)
        .filter(content_type__app_label__in=labels)
        .values_list("pk", "content_type__app_label", "codename")
    }
    counts = {}
    for role in ROLES:
        group, _created = group_model.objects.using(using).get_or_create(name=role)
        ids = sorted(existing[pair] for pair in wanted[role] if pair in existing)
        current = sorted(group.permissions.values_list("pk", flat=True))
        if current != ids:
            group.permissions.set(ids)
        counts[role] = len(ids)
    return counts


def has_role(user, role: str) -> bool:
    """Is ``user`` active staff holding ``role`` (superusers hold every role)? Cached on the user object."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_peersnet_roles", None)
    if cache is None:
        cache = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._peersnet_roles = cache
    return role in cache


def is_supervisor(user) -> bool:
    return has_role(user, SUPERVISOR)


def supervisor_users():
    """Every person who holds the supervisor role (``is_supervisor``): active staff in the supervisor
    group, and active staff superusers. A queryset of users, by id; for emails to all supervisors."""
    from django.contrib.auth import get_user_model  # privacy names models by label; the user model too
    from django.db.models import Q

    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name=SUPERVISOR))
        .distinct()
        .order_by("pk")
    )
