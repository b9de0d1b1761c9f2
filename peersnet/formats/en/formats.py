"""English formats for dates and times rendered without an explicit format (the admin above all): the
12-hour clock of the rest of the site, and every date-time with its zone abbreviation. Anything not set
here comes from Django's own English formats."""

DATETIME_FORMAT = "D j M Y, g:i A T"
SHORT_DATETIME_FORMAT = "j M Y, g:i A T"
TIME_FORMAT = "g:i A"
