import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from seekers.models import SeekerProfile

PASSWORD = "a-Long-and-calm-password-7"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    time_zone = "America/Los_Angeles"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class SeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeekerProfile

    user = factory.SubFactory(
        UserFactory,
        date_of_birth=datetime.date(2001, 4, 27),
        terms_accepted_at=factory.LazyFunction(timezone.now),
    )


class StaffFactory(UserFactory):
    is_staff = True
