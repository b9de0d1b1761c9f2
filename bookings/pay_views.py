"""Paying an accepted session whose automatic charge failed: the seeker's saved card, on-session, with
3-D Secure in the browser when the bank asks. Amounts never come from the browser."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from payments import gateway
from payments import services as payments
from payments.models import Payment
from payments.pages import stripe_context, stripe_page
from payments.services import PaymentError
from peersnet.kernel.ids import parse_id
from seekers.decorators import seeker_required

from . import services
from .models import Booking


@require_http_methods(["GET", "POST"])
@seeker_required
def pay_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Pay an accepted session whose automatic charge failed. POST tries the saved card on-session; if the
    bank wants 3-D Secure, the page hands the intent to Stripe.js and then posts to check_view."""
    booking = get_object_or_404(
        Booking.objects.for_seeker(request.user).select_related("supporter"), pk=booking_id
    )
    card = payments.seeker_card(seeker=request.seeker)
    context = {"title": "Pay for your session", "booking": booking, "card": card, **stripe_context()}
    if request.method == "POST" and booking.status == Booking.Status.PAYMENT_PENDING:
        try:
            payment, intent = services.booking_pay(booking_id=booking.pk, seeker=request.seeker)
        except PaymentError as exc:
            messages.error(request, exc.message)
            return redirect("bookings:pay", booking.pk)
        except gateway.GatewayUnavailable:
            messages.error(
                request, "We couldn't reach our payment provider. Nothing was charged; please try again."
            )
            return redirect("bookings:pay", booking.pk)
        if payment.status == Payment.Status.SUCCEEDED:
            messages.success(request, "Paid. Your session is confirmed.")
            return redirect("bookings:detail", booking.pk)
        if payment.status == Payment.Status.REQUIRES_ACTION and intent.client_secret:
            context.update({"action_secret": intent.client_secret, "payment": payment})
            return stripe_page(render(request, "bookings/pay.html", context))
        messages.error(request, payment.failure_message or "Your card was declined. Please use another card.")
        return redirect("bookings:pay", booking.pk)
    return stripe_page(render(request, "bookings/pay.html", context))


@require_POST
@seeker_required
def check_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """After Stripe.js finished 3-D Secure: ask Stripe (never the browser) whether it was paid."""
    booking = get_object_or_404(Booking.objects.for_seeker(request.user), pk=booking_id)
    payment_id = request.POST.get("payment", "")
    try:
        payment = services.booking_pay_check(
            booking_id=booking.pk,
            seeker=request.seeker,
            payment_id=parse_id(payment_id) or 0,
        )
    except gateway.GatewayUnavailable:
        messages.info(request, "We're still confirming your payment. Refresh in a minute.")
        return redirect("bookings:detail", booking.pk)
    if payment is None:
        raise Http404
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, "Paid. Your session is confirmed.")
        return redirect("bookings:detail", booking.pk)
    messages.error(request, "The payment wasn't completed. Please try again or use another card.")
    return redirect("bookings:pay", booking.pk)
