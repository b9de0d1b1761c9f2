"""What messaging holds about a person, for their data export (to be registered with privacy's export
registry once it exists: ``register("messaging", export_for_user)``)."""

from django.db.models import Q

from .models import Message, MessageReport, MessagingPreference


def export_for_user(user) -> dict:
    """Every message in the person's conversations (both sides: it is their conversation), the reports
    they made and their email choice. Decrypted, as the person sees them on the site."""
    messages = (
        Message.objects.filter(Q(conversation__seeker__user=user) | Q(conversation__supporter__user=user))
        .select_related("conversation__seeker__user", "conversation__supporter")
        .order_by("conversation_id", "pk")
    )
    return {
        "messages": [
            {
                "conversation": m.conversation_id,
                "from": "you" if m.sender_id == user.pk else m.side,
                "sent_at": m.sent_at.isoformat(),
                "text": m.body,
            }
            for m in messages
        ],
        "reports": [
            {"message": r.message_id, "reason": r.reason, "at": r.created_at.isoformat()}
            for r in MessageReport.objects.filter(reporter=user)
        ],
        "message_emails": not MessagingPreference.objects.filter(user=user, message_emails=False).exists(),
    }
