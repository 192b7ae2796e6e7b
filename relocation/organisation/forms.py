from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.organisation.models import Person


class LiaisonForm(forms.Form):
    person = forms.ModelChoiceField(label=_("新联络员"), queryset=Person.objects.none())
    starts_on = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = unit.people.all()


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "title", "phone", "email"]
