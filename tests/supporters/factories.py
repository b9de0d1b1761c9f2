"""Factories for supporters: profiles, tags, weekly rules, time off, leave and slots."""

import datetime as dt

import factory
from django.utils import timezone
from django.utils.text import slugify

from supporters.models import AvailabilityRule, LeaveOfAbsence, Slot, SupporterProfile, Tag, TimeOff
from tests.factories import UserFactory


class SupporterFactory(factory.django.DjangoModelFactory):
    """An active supporter in Pacific time with a verified user account."""

    class Meta:
        model = SupporterProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name")
    time_zone = "America/Los_Angeles"
    status = SupporterProfile.Status.ACTIVE

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("kind", "slug")

    kind = Tag.Kind.TOPIC
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class RuleFactory(factory.django.DjangoModelFactory):
    """A weekly window, Mondays 09:00–12:00 in the supporter's zone unless told otherwise."""

    class Meta:
        model = AvailabilityRule

    supporter = factory.SubFactory(SupporterFactory)
    weekday = AvailabilityRule.Weekday.MONDAY
    start_time = dt.time(9)
    end_time = dt.time(12)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    supporter = factory.SubFactory(SupporterFactory)
    start_date = factory.LazyFunction(lambda: timezone.now().date() + dt.timedelta(days=7))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=2))


class LeaveFactory(factory.django.DjangoModelFactory):
    """An open-ended leave starting today (in the supporter's zone) unless told otherwise."""

    class Meta:
        model = LeaveOfAbsence

    supporter = factory.SubFactory(SupporterFactory)
    start_date = factory.LazyAttribute(lambda o: timezone.localdate(timezone=o.supporter.tzinfo))
    end_date = None


class SlotFactory(factory.django.DjangoModelFactory):
    """An open 50-minute slot starting on the hour, a day from now unless told otherwise."""

    class Meta:
        model = Slot

    supporter = factory.SubFactory(SupporterFactory)
    start = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    )
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=50))
    status = Slot.Status.OPEN
