"""The review cycle: when a trial page is next due to be checked against its protocol."""

import datetime

from django.conf import settings

# "Due soon": the window in which staff are warned before a review falls due.
DUE_SOON_DAYS = 30


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    first_of_next = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (first_of_next - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def review_interval_months() -> int:
    return settings.TRIALPORTAL_REVIEW_INTERVAL_MONTHS


def latest_review_due_by(day: datetime.date) -> datetime.date:
    """The latest review date whose next review falls due on `day` or earlier.

    Not simply `day` minus the interval: months have different lengths, so reviews on
    August 29, 30 and 31 are all due on February 28. Filters use this so they agree with
    Trial.next_review_due to the day.
    """
    interval = review_interval_months()
    latest = add_months(day, -interval)
    while add_months(latest + datetime.timedelta(days=1), interval) <= day:
        latest += datetime.timedelta(days=1)
    return latest
