"""answers.when: the periods people say, relative to a reference day passed in (never the clock)."""
from __future__ import annotations

from datetime import date

import pytest

from answers.when import read_window

TODAY = date(2026, 5, 12)       # quý II/2026


@pytest.mark.parametrize("folded, start, end, status", [
    ("viec nao het han quy truoc", date(2026, 1, 1), date(2026, 3, 31), "overdue"),
    ("viec nao den han trong quy toi", date(2026, 7, 1), date(2026, 9, 30), None),
    ("thang truoc co nhiem vu nao den han", date(2026, 4, 1), date(2026, 4, 30), None),
    ("nhiem vu nao phai xong trong thang 11", date(2026, 11, 1), date(2026, 11, 30), None),
    ("han cua viec nao roi vao thang 8/2027", date(2027, 8, 1), date(2027, 8, 31), None),
    ("viec nao phai hoan thanh truoc ngay 15/6", None, date(2026, 6, 14), None),
    ("co viec nao den han sau thang 9 khong", date(2026, 10, 1), None, None),
    ("tu thang 2 den thang 4 co viec nao den han", date(2026, 2, 1), date(2026, 4, 30), None),
    ("viec nao den han trong nua cuoi nam", date(2026, 7, 1), date(2026, 12, 31), None),
    ("nam sau co nhung viec nao den han", date(2027, 1, 1), date(2027, 12, 31), None),
    # from a day (after a mark) to the end of the year or to another day
    ("sau moc 30/9 con viec nao phai xong truoc khi het nam", date(2026, 10, 1), date(2026, 12, 31), None),
    ("tu ngay 1/7 den 20/8 co viec nao den han", date(2026, 7, 1), date(2026, 8, 20), None),
    ("sau ngay 15/6 co viec nao den han", date(2026, 6, 16), None, None),
    ("quy vua roi co nhung viec nao toi han", date(2026, 1, 1), date(2026, 3, 31), None),
    ("thang vua roi co viec nao den han", date(2026, 4, 1), date(2026, 4, 30), None),
    # the quarter said in other words: just closed, the running one, its three months, the first and last of the year
    ("quy vua ket thuc phong kinh te co viec nao den han", date(2026, 1, 1), date(2026, 3, 31), None),
    ("quy dang chay co viec nao phai nop san pham", date(2026, 4, 1), date(2026, 6, 30), None),
    ("trong 3 thang nay cong an xa co viec nao den han", date(2026, 4, 1), date(2026, 6, 30), None),
    ("viec nao phai xong trong quy dau nam", date(2026, 1, 1), date(2026, 3, 31), None),
    ("quy cuoi nam co viec nao den han", date(2026, 10, 1), date(2026, 12, 31), None),
    # a range of months said without "từ" (in brackets, after the period it spells out)
    ("ra soat nua nam (thang 1 den thang 6) co viec nao den han", date(2026, 1, 1), date(2026, 6, 30), None),
    # a period beside a yes/no on the state: the state is still asked
    ("han chot ky ke hoach cho nam nay la gi, gio con kip khong", date(2026, 1, 1), date(2026, 12, 31), "ask"),
])
def test_periods(folded, start, end, status):
    window, _ = read_window(folded, TODAY)
    assert (window.start, window.end, window.status) == (start, end, status)


def test_a_compound_ask_keeps_both_halves():
    """Which tasks fall in a year, and are they overdue: the list of the year, each with its state."""
    window, _ = read_window("nhung viec nao den han nam 2026, da qua han chua", TODAY, 2026)
    assert (window.start, window.end, window.status) == (date(2026, 1, 1), date(2026, 12, 31), "ask")
    # the state asked narrows nothing: what is overdue and what is not yet due both stay in the list
    assert window.holds(date(2026, 3, 31), TODAY) and window.holds(date(2026, 12, 31), TODAY)
    only_overdue, _ = read_window("nhung viec nao nam 2026 da qua han", TODAY, 2026)
    assert only_overdue.status == "overdue"


def test_a_month_or_year_alone_is_not_a_period_asked():
    """'tháng 9' quoted in a question about something else, or 'trong năm nào', set no period."""
    assert read_window("chi tieu thang 9 la bao nhieu", TODAY)[0] is None
    assert read_window("nhiem vu x can hoan thanh trong nam nao", TODAY)[0] is None


def test_is_it_done_asks_the_deadline_against_today():
    window, _ = read_window("nhiem vu x thoi gian thuc hien nam nao, da xong chua", TODAY)
    assert window is not None and window.status == "ask"


@pytest.mark.parametrize("folded", ["han nop con lai may ngay", "den han con bao nhieu ngay nua",
                                    "tinh tu hom nay bao nhieu ngay nua thi het han", "dot nay chot ngay nao, con may hom"])
def test_days_left_in_other_words(folded):
    _, remaining = read_window(folded, TODAY)
    assert remaining


@pytest.mark.parametrize("folded", ["tu gio den han con duoc khoang may hom", "so voi moc thi da tre bao nhieu ngay roi",
                                    "han do troi qua bao lau roi", "nop cham may tuan so voi moc xa dat",
                                    "den moc ay con du bao nhieu ngay"])
def test_time_left_or_late_with_words_between(folded):
    """An amount of time asked after "còn", "trễ", "chậm", "trôi qua" with words between, or before "rồi": the
    deadline against today (the status says which side of it), not a figure."""
    _, remaining = read_window(folded, TODAY)
    assert remaining


def test_an_amount_of_days_in_a_target_is_no_time_left():
    assert not read_window("ty le ho so giai quyet dung han la bao nhieu", TODAY)[1]
    assert not read_window("tap huan bao nhieu lop moi nam", TODAY)[1]


@pytest.mark.parametrize("folded", ["viec do co bi tre han ko", "toi nay da lo moc lam xong chua",
                                    "den nay tre chua", "da qua moc do chua", "toi nay con kip ko",
                                    "gio tre roi ha", "bao cao do da lo chua",
                                    "gio tre r ha", "moc cuoi va tinh trang hien nay",
                                    "viec ra soat den nay co tre khong", "den gio co lo khong",
                                    "giai doan nay co bi cham tien do khong", "viec nay den gio da cham chua",
                                    "so co dang cham de an ban sao so khong", "moc ghi gi, co tinh la cham khong",
                                    "toi bua nay lap xong moi la dung han"])
def test_is_it_late_in_other_words(folded):
    """A yes/no question on one item's state: its deadline against today."""
    window, _ = read_window(folded, TODAY)
    assert window is not None and window.status == "ask"


@pytest.mark.parametrize("folded", ["nhung viec nao da qua han", "viec nao bi tre", "cac nhiem vu cham tien do"])
def test_what_is_late_lists_the_overdue(folded):
    window, _ = read_window(folded, TODAY)
    assert window is not None and window.status == "overdue"


def test_a_monthly_duty_is_due_next_on_its_day_and_not_yet_late():
    """"… trước ngày 20 hằng tháng": the next 20th, said not yet due (a recurring duty is never overdue)."""
    from types import SimpleNamespace
    from answers.deadlines import status
    duty = SimpleNamespace(kind="duty", obj=SimpleNamespace(text="Báo cáo UBND xã trước ngày 20 hằng tháng."))
    said = status(duty, date(2026, 8, 19))
    assert "20/8/2026" in said and "chưa đến hạn" in said and "còn 1 ngày" in said
    assert "20/9/2026" in status(duty, date(2026, 8, 21))


@pytest.fixture(scope="module")
def section_assistant_factory(tmp_path_factory):
    from tests.test_trust import SECTION_PLAN, one_plan_assistant
    return one_plan_assistant(tmp_path_factory.mktemp("report"), SECTION_PLAN)


def test_a_monthly_day_already_past_this_month_is_said_late_with_the_next_one():
    """On the 22nd, "trước ngày 20 hằng tháng" has passed for this month: that is said (late by 2 days, if it was not
    sent), with the next date; before the 20th only the coming date, not yet late."""
    from types import SimpleNamespace
    from answers.deadlines import status
    duty = SimpleNamespace(kind="duty", obj=SimpleNamespace(text="Gửi báo cáo về Văn phòng trước ngày 20 hằng tháng."))
    late = status(duty, date(2026, 8, 22))
    assert "20/8/2026" in late and "đã quá hạn 2 ngày" in late and "20/9/2026" in late, late
    early = status(duty, date(2026, 8, 12))
    assert "20/8/2026" in early and "chưa đến hạn" in early and "quá hạn" not in early, early


def test_a_report_asked_late_or_not_gets_this_months_state(section_assistant_factory):
    a = section_assistant_factory
    late = a.ask("Báo cáo tháng này của Văn phòng HĐND và UBND xã Tân Hòa gửi UBND xã, giờ nộp thì trễ chưa?",
                 today=date(2026, 8, 22))
    assert "20/8/2026" in late.text and "đã quá hạn" in late.text and "20/9/2026" in late.text, late.text
    early = a.ask("Báo cáo tháng này của Văn phòng HĐND và UBND xã Tân Hòa gửi UBND xã, giờ nộp thì trễ chưa?",
                  today=date(2026, 8, 10))
    assert "20/8/2026" in early.text and "chưa đến hạn" in early.text, early.text


def test_a_month_holds_a_quarter_closing_in_it_but_not_a_year():
    """"phải xong trong tháng 6": "Quý II/2026" (1/4–30/6) falls due at the end of June; "Năm 2026" does not fall
    due in December alone; a quarter's window still holds only what lies wholly in it."""
    june, _ = read_window("nhiem vu nao phai xong trong thang 6", TODAY)
    assert june.holds(date(2026, 6, 30), TODAY, date(2026, 4, 1))
    assert not june.holds(date(2026, 9, 30), TODAY, date(2026, 7, 1))
    december, _ = read_window("nhiem vu nao phai xong trong thang 12", TODAY)
    assert not december.holds(date(2026, 12, 31), TODAY, date(2026, 1, 1))
    assert december.holds(date(2026, 12, 31), TODAY, date(2026, 10, 1))
    fourth, _ = read_window("viec nao den han trong quy 4", TODAY)
    assert not fourth.holds(date(2026, 12, 31), TODAY, date(2026, 1, 1))


@pytest.mark.parametrize("folded", ["han chot ngay nao, cach bua nay bao lau", "cach hom nay con bao nhieu ngay",
                                    "tinh ra cach bay gio may ngay", "so nao soan, moc cuoi, dem nguoc the nao",
                                    "han chot va so ngay con lai"])
def test_time_left_counted_from_today_in_other_words(folded):
    assert read_window(folded, TODAY)[1]


def test_a_deadline_closing_in_a_window_it_spans_at_most_three_times_falls_due_in_it():
    """Six months hold "Năm 2026" (due 31/12), a month holds "Quý II" (due 30/6); a quarter does not hold a year's
    work, nor a month a half-year's."""
    second_half, _ = read_window("6 thang cuoi nam nay con nhung nhiem vu nao phai hoan thanh", date(2026, 6, 17))
    assert second_half.holds(date(2026, 12, 31), date(2026, 6, 17), date(2026, 1, 1))
    fourth, _ = read_window("quy iv nam nay phai xong nhung viec nao", date(2026, 6, 17))
    assert not fourth.holds(date(2026, 12, 31), date(2026, 6, 17), date(2026, 1, 1))
    december, _ = read_window("thang 12 nam nay phai xong nhung viec nao", date(2026, 6, 17))
    assert not december.holds(date(2026, 12, 31), date(2026, 6, 17), date(2026, 7, 1))


def test_running_out_in_a_period_to_come_is_falling_due_not_overdue():
    """"Sang tháng sau là hết hạn việc gì?": what falls due next month, not what is overdue today; "mốc đã trôi
    qua" is overdue."""
    window, _ = read_window("sang thang sau la het han viec gi cua phong x", date(2026, 5, 29))
    assert window.status is None and window.start == date(2026, 6, 1)
    assert read_window("nhung viec nao cua phong x moc da troi qua", date(2026, 5, 29))[0].status == "overdue"


def test_two_quarters_or_from_now_to_a_month_make_one_window():
    """"hạn quý III hoặc quý IV": from the first quarter's start to the last's end; "từ nay đến hết tháng 6":
    from today to the end of June."""
    both, _ = read_window("nhung viec nao han quy iii hoac quy iv", date(2026, 6, 20))
    assert (both.start, both.end) == (date(2026, 7, 1), date(2026, 12, 31))
    until, _ = read_window("tu nay den het thang 6 co viec nao phai xong", date(2026, 4, 20))
    assert (until.start, until.end) == (date(2026, 4, 20), date(2026, 6, 30))


def test_before_tet_ends_the_day_before_the_next_lunar_new_year():
    window, _ = read_window("nhung viec nao phai xong truoc tet", date(2026, 1, 6))
    assert window.end == date(2026, 2, 16) and window.start is None
    assert read_window("nhung viec nao phai xong truoc tet", date(2026, 3, 1))[0].end == date(2027, 2, 5)


@pytest.mark.parametrize("text, due", [
    ("Rà soát, điều chỉnh các chương trình còn hiệu lực, hoàn thành trong năm 2025; tập trung hoàn thiện thể chế.",
     date(2025, 12, 31)),
    ("Các phòng xây dựng kế hoạch chi tiết, hoàn thành trước quý II/2026.", date(2026, 6, 30)),
    ("Xây dựng kế hoạch chi tiết, hoàn thành trước ngày 31/3/2026.", date(2026, 3, 31)),
    ("Đến năm 2030, tỷ lệ hồ sơ trực tuyến đạt 95%.", None),       # a year a figure is set for, no deadline
])
def test_prose_says_when_its_work_is_done(text, due):
    """A duty's prose gives its deadline where it says when the work is done, a year or a quarter too."""
    from types import SimpleNamespace
    from answers.deadlines import due_date
    assert due_date(SimpleNamespace(kind="duty", obj=SimpleNamespace(text=text))) == due


def test_a_deadline_asked_with_its_state_gets_the_state(tmp_path):
    """"… mốc là gì, giờ đã trễ chưa?" answered by a duty whose prose sets the year: the state against today."""
    from tests.plan_fixtures import commune_plan
    from tests.test_trust import one_plan_assistant
    a = one_plan_assistant(tmp_path, commune_plan(61, """I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Các cơ quan, đơn vị rà soát các quy chế nội bộ còn hiệu lực để sửa đổi cho thống nhất với Kế hoạch này, hoàn thành trong năm 2025.

2. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.
"""))
    ans = a.ask("Tân Hòa: việc rà soát quy chế nội bộ còn hiệu lực có mốc là gì, giờ đã trễ chưa?",
                today=date(2026, 3, 9))
    assert "năm 2025" in ans.text and "đã quá hạn" in ans.text, ans.text


def test_a_window_from_today_holds_every_deadline_closing_in_it():
    """"Từ giờ tới hết tháng 12 phải xong việc gì?" asks what must be done by then: a year's work closing on 31/12
    is in it; "trong tháng 12" alone does not hold a year's work."""
    today = date(2026, 11, 6)
    by_then, _ = read_window("tu gio toi het thang 12 phai xong viec gi", today)
    assert by_then.holds(date(2026, 12, 31), today, date(2026, 1, 1))
    in_month, _ = read_window("viec nao phai xong trong thang 12", today)
    assert not in_month.holds(date(2026, 12, 31), today, date(2026, 1, 1))
