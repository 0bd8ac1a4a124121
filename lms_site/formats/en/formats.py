"""The site's date and time display, everywhere Django formats a date for us (the admin's lists,
detail pages and history, `{{ value }}` of a date in a template): the same as the {% when %} tag
(accounts/templatetags/when.py), with the zone named. Only display formats are here: what forms
accept (the *_INPUT_FORMATS, e.g. the admin's "2026-12-03" and "14:00") stays Django's English
default, which is looked up next."""

DATETIME_FORMAT = "j M Y, H:i T"
DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i T"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
