"""The directory's filter form: shareable GET parameters, read leniently.

Anything a URL can carry is accepted: unknown tags, unknown "when" values, repeated or overlong
parameters are dropped or trimmed, never an error. The form is then bound to the cleaned values only,
so it always validates and shows exactly the filters that were applied.
"""

import unicodedata

from django import forms
from django.http import QueryDict

from .models import Tag
from .selectors import FILTER_TAG_KINDS, DirectoryFilters, When

MAX_QUERY_LENGTH = 100
MAX_TAGS_PER_KIND = 30

TAG_FIELD_LABELS = {
    Tag.Kind.TOPIC: "Lived experience and topics",
    Tag.Kind.IDENTITY: "Identity",
    Tag.Kind.LANGUAGE: "Language",
}


def clean_search_text(value: str) -> str:
    """Free text as a seeker means it: control characters (NUL included) removed, spaces collapsed,
    at most 100 characters."""
    printable = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in value)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label="Search by name or words in their intro",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )
    topic = forms.MultipleChoiceField(
        label=TAG_FIELD_LABELS[Tag.Kind.TOPIC], required=False, widget=forms.CheckboxSelectMultiple
    )
    identity = forms.MultipleChoiceField(
        label=TAG_FIELD_LABELS[Tag.Kind.IDENTITY], required=False, widget=forms.CheckboxSelectMultiple
    )
    language = forms.MultipleChoiceField(
        label=TAG_FIELD_LABELS[Tag.Kind.LANGUAGE], required=False, widget=forms.CheckboxSelectMultiple
    )
    when = forms.ChoiceField(
        label="When",
        required=False,
        choices=[("", "Any time"), *When.choices],
        help_text="Only supporters with an open time that fits. Times are in your time zone.",
    )

    def __init__(self, *args, tags: list[Tag], **kwargs):
        super().__init__(*args, **kwargs)
        self.tags = tags  # the tags offered (the view's cache key of the rendered form)
        for kind in FILTER_TAG_KINDS:
            self.fields[kind].choices = [(tag.slug, tag.name) for tag in tags if tag.kind == kind]

    @classmethod
    def from_query(cls, query: QueryDict, *, tags: list[Tag]) -> "DirectoryFilterForm":
        """A form bound to the usable part of ``query`` (see the module docstring). Always valid."""
        known = {
            kind: {tag.slug.lower(): tag.slug for tag in tags if tag.kind == kind}
            for kind in FILTER_TAG_KINDS
        }
        data = QueryDict(mutable=True)
        for kind in FILTER_TAG_KINDS:
            slugs = []
            for value in query.getlist(kind)[:200]:
                slug = known[kind].get(value.strip().lower())
                if slug and slug not in slugs:
                    slugs.append(slug)
            data.setlist(kind, slugs[:MAX_TAGS_PER_KIND])
        when = query.get("when", "").strip()
        data["when"] = when if when in When.values else ""
        data["q"] = clean_search_text(query.get("q", "")[: MAX_QUERY_LENGTH * 10])
        return cls(data, tags=tags)

    def to_filters(self) -> DirectoryFilters:
        if not self.is_valid():  # cannot happen for from_query forms; be safe for hand-built ones
            return DirectoryFilters()
        data = self.cleaned_data
        ids = {(tag.kind, tag.slug): tag.pk for tag in self.tags}
        return DirectoryFilters(
            topic=tuple(data["topic"]),
            identity=tuple(data["identity"]),
            language=tuple(data["language"]),
            when=data["when"],
            q=data["q"],
            tag_ids=tuple(
                (kind, tuple(ids[kind, slug] for slug in data[kind]))
                for kind in FILTER_TAG_KINDS
                if data[kind]
            ),
        )

    def chosen_labels(self) -> list[str]:
        """Names of the applied filters, for a short summary ("Anxiety, Spanish, Mornings")."""
        if not self.is_valid():
            return []
        labels = []
        for kind in FILTER_TAG_KINDS:
            names = dict(self.fields[kind].choices)
            labels += [names[slug] for slug in self.cleaned_data[kind]]
        if self.cleaned_data["when"]:
            labels.append(str(When(self.cleaned_data["when"]).label))
        if self.cleaned_data["q"]:
            labels.append(f"“{self.cleaned_data['q']}”")
        return labels
