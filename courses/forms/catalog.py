"""Forms of the catalog pages."""

from django import forms


class CatalogSearchForm(forms.Form):
    q = forms.CharField(label="Search courses", required=False, max_length=100)


class CourseContentSearchForm(forms.Form):
    q = forms.CharField(label="Search this course", required=False, max_length=100)
