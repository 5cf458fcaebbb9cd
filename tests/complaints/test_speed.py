"""The fast paths of import and the monthly computation give what the general paths give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.excel import parse_received_at
from complaints.importing import _received_at
from complaints.matching import Matcher
from complaints.models import MonthlyRun
from complaints.monthly import compute_month

from .test_monthly import add_complaints


@pytest.mark.parametrize(
    "text",
    [
        "2024-07-03 09:12",
        "2024/07/03 09:12:05",
        "2024-07-03 09:12:00",
        "2024-13-03 09:12",  # no such month
        "2024-02-30 09:12:00",  # no such day
        "2024-07-03 24:00",  # no such hour
        "２０２４-07-03 09:12",  # full-width digits
        "2024-07-03T09:12",
        "2024.07.03 09:12",
        "2024-07/03 09:12",
        "2024-07-03 09:12+08",
        "2024-7-3 9:12:00",
        "2024/7/3 9:12",
        "2024/7/3 9:5",
        "2024/12/31 23:59:59",
        "2024/7/123 9:12",  # a three-digit day
        "2024/7/3 9:12:5",
        "2024/7/3  9:12",
        "2024/7/3 9:12 ",
        "2024/7/3 9",
        "2024/7/3 :12",
        "2024/7/3/1 9:12",
        "+024-07-03 09:12",
    ],
)
def test_the_fast_date_path_reads_every_shape_as_the_general_parser_does(text):
    assert _received_at(text) == parse_received_at(text)


def _projects():
    return [
        (1, 10, "阳光花园", "建设路18号", []),
        (3, 10, "翠湖一期", "", []),
        (4, 10, "翠湖二期", "", []),
        (6, 10, "金色港湾", "", []),
        (7, 20, "金色港湾", "", []),
    ]


def test_a_remembered_match_is_what_a_fresh_matcher_finds_whatever_address_comes_with_the_name():
    remembering = Matcher(_projects())
    calls = [
        ("翠湖", "建设路18号3号楼"),  # the address settles it
        ("翠湖", ""),  # the same name without it goes to review
        ("金色港弯", "幸福路1号"),  # a typo: fuzzy
        ("金色港弯", ""),
        ("金色港湾", "建设路18号"),  # exact name wins over the address
    ]
    for township, (name, address) in [(10, c) for c in calls] + [(20, c) for c in calls]:
        assert remembering.match(township, name, address) == Matcher(_projects()).match(
            township, name, address
        )


def test_months_of_history_are_counted_in_a_fixed_number_of_queries(campaign, project_a):
    for month in range(1, 13):
        add_complaints(project_a, f"2024-{month:02d}", month)
    with CaptureQueriesContext(connection) as queries:
        compute_month(campaign, "2024-12")
    counting = [q["sql"] for q in queries.captured_queries if 'FROM "complaints_complaint"' in q["sql"]]
    assert MonthlyRun.objects.filter(campaign=campaign).count() == 12
    assert len(counting) <= 3
    run = MonthlyRun.objects.get(campaign=campaign, month="2024-12")
    assert (run.total_complaints, run.ytd_count, run.ytd_last_year) == (12, 78, 0)
