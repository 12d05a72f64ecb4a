"""Documents of the Nghị quyết 57 family as the offices that issue them lay them out, written here (invented
bodies, places, people and figures): a Government resolution with its action programme and a 105-task
appendix, a provincial Party committee's programme, a provincial plan whose targets and duties are prose,
and two documents that are not plans (a news article, a letter)."""
from __future__ import annotations

from pathlib import Path

MINISTRIES = ("Bộ Khoa học và Công nghệ", "Bộ Tài chính", "Bộ Công an", "Bộ Nội vụ", "Bộ Giáo dục và Đào tạo",
              "Bộ Y tế", "Bộ Xây dựng")
GROUPS = ("Hoàn thiện thể chế", "Phát triển hạ tầng số", "Phát triển nhân lực", "Dữ liệu số", "Chính phủ số")
DEADLINES = ("Quí IV-2025", "Năm 2025-2026", "Hằng năm", "Tháng 12/2025", "2026")


def government_programme(rows: int = 105) -> str:
    """A resolution issuing an action programme; the appendix table puts the lead after the deadline, with
    group rows I–V merged into one cell (a tab row with only the numeral and the title)."""
    head = [
        "CHÍNH PHỦ",
        "-------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "---------------",
        "Số: 12/NQ-CP",
        "Hà Nội, ngày 05 tháng 3 năm 2025",
        "",
        "NGHỊ QUYẾT",
        "Ban hành Chương trình hành động của Chính phủ về phát triển dữ liệu số quốc gia",
        "",
        "CHÍNH PHỦ",
        "",
        "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
        "",
        "QUYẾT NGHỊ:",
        "",
        "Điều 1. Ban hành kèm theo Nghị quyết này Chương trình hành động của Chính phủ về phát triển dữ liệu số.",
        "",
        "Điều 2. Nghị quyết này có hiệu lực từ ngày ký.",
        "",
        "TM. CHÍNH PHỦ",
        "KT. THỦ TƯỚNG",
        "PHÓ THỦ TƯỚNG",
        "",
        "Trần Quốc Khánh",
        "",
        "CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA CHÍNH PHỦ",
        "(Kèm theo Nghị quyết số 12/NQ-CP ngày 05 tháng 3 năm 2025 của Chính phủ)",
        "",
        "I. MỤC TIÊU",
        "",
        "Đến năm 2030: 100% cơ sở dữ liệu quốc gia được kết nối, chia sẻ; phấn đấu 70% dịch vụ công được cung cấp "
        "trực tuyến toàn trình.",
        "",
        "II. TỔ CHỨC THỰC HIỆN",
        "",
        "1. Bộ Khoa học và Công nghệ: chủ trì theo dõi, đôn đốc việc thực hiện Chương trình; tổng hợp, báo cáo "
        "Thủ tướng Chính phủ trước ngày 15 tháng 12 hằng năm.",
        "",
        "2. Các bộ, cơ quan ngang bộ: xây dựng kế hoạch thực hiện các nhiệm vụ được giao tại Phụ lục.",
        "",
        "PHỤ LỤC",
        "DANH MỤC NHIỆM VỤ",
        "",
        "STT\tTên nhiệm vụ\tThời hạn hoàn thành\tCơ quan chủ trì\tCơ quan phối hợp\tSản phẩm",
    ]
    table = []
    per_group = -(-rows // len(GROUPS))
    n = 0
    for g, group in enumerate(GROUPS):
        table.append(f"{'I II III IV V'.split()[g]}\t{group}\t\t\t\t")
        for k in range(per_group):
            if n >= rows:
                break
            n += 1
            lead = MINISTRIES[n % len(MINISTRIES)]
            partner = MINISTRIES[(n + 3) % len(MINISTRIES)]
            table.append(f"{n}\tXây dựng nền tảng dữ liệu số chuyên ngành số {n} thuộc nhóm {group.lower()}\t"
                         f"{DEADLINES[n % len(DEADLINES)]}\t{lead}\t{partner}\tNền tảng số {n}")
    return "\n".join(head + table) + "\n"


def party_programme() -> str:
    """A provincial Party committee's programme in markdown: bold letterhead, "Số" without a colon, duties of
    Party bodies as lettered headings with bullet lists, no table."""
    return "\n".join([
        "## ĐẢNG CỘNG SẢN VIỆT NAM",
        "",
        "**ĐẢNG BỘ TỈNH BÌNH MINH**",
        "**TỈNH ỦY BÌNH MINH**",
        "",
        "Số 05-CTr/TU",
        "",
        "Bình Minh, ngày 20 tháng 02 năm 2025",
        "",
        "**CHƯƠNG TRÌNH HÀNH ĐỘNG**",
        "",
        "**thực hiện Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ**",
        "",
        "---",
        "",
        "**I. MỤC ĐÍCH, YÊU CẦU**",
        "",
        "*   Quán triệt sâu sắc quan điểm, mục tiêu của Nghị quyết trong toàn Đảng bộ tỉnh.",
        "",
        "**II. NHIỆM VỤ CỤ THỂ**",
        "",
        "**a) Ban Tuyên giáo và Dân vận Tỉnh ủy**",
        "",
        "*   Chủ trì tổ chức quán triệt Nghị quyết đến cán bộ, đảng viên; biên soạn tài liệu tuyên truyền về "
        "kinh tế số, xã hội số.",
        "*   Theo dõi, định hướng thông tin trên báo chí về đổi mới sáng tạo.",
        "",
        "**b) Lãnh đạo Ban Nội chính Tỉnh ủy**",
        "",
        "*   Chủ trì kiểm tra, giám sát việc thực hiện chính sách về khoa học, công nghệ; kiến nghị sửa đổi các "
        "quy định: Quy chế quản lý đề tài, Quy chế quỹ phát triển khoa học.",
        "",
        "**III. TỔ CHỨC THỰC HIỆN**",
        "",
        "Văn phòng Tỉnh ủy theo dõi, tổng hợp, báo cáo Ban Thường vụ Tỉnh ủy trước ngày 30/11 hằng năm.",
        "",
        "**T/M BAN THƯỜNG VỤ**",
        "",
        "**BÍ THƯ**",
        "",
        "Lê Văn Tâm",
    ]) + "\n"


def provincial_plan() -> str:
    """A provincial plan with upper-case title, targets as prose and duties of units in prose, no appendix."""
    return "\n".join([
        "ỦY BAN NHÂN DÂN",
        "TỈNH BÌNH MINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 88/KH-UBND",
        "Bình Minh, ngày 10 tháng 4 năm 2025",
        "KẾ HOẠCH",
        "PHÁT TRIỂN KINH TẾ SỐ TRÊN ĐỊA BÀN TỈNH BÌNH MINH GIAI ĐOẠN 2025 - 2030",
        "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;",
        "UBND tỉnh Bình Minh ban hành Kế hoạch phát triển kinh tế số như sau:",
        "",
        "<!-- bản chép từ cổng thông tin, trang 1 -->",
        "I. MỤC TIÊU",
        "1. Mục tiêu cụ thể",
        "- Đến năm 2030: kinh tế số chiếm 35% GRDP của tỉnh; phấn đấu 90% doanh nghiệp nhỏ và vừa sử dụng hóa đơn "
        "điện tử.",
        "- Hình thành ít nhất 15 mô hình hợp tác xã ứng dụng thương mại điện tử.",
        "",
        "- 2 -",
        "",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Sở Công Thương",
        "- Chủ trì hỗ trợ doanh nghiệp đưa sản phẩm lên sàn thương mại điện tử.",
        "2. Các doanh nghiệp viễn thông: bảo đảm hạ tầng mạng đến các khu công nghiệp.",
        "",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Đỗ Minh Hải",
    ]) + "\n"


def news_article() -> str:
    return ("Bình Minh đẩy mạnh kinh tế số\n\nNgày 12/4, UBND tỉnh Bình Minh ban hành Kế hoạch phát triển kinh tế "
            "số. Theo đó, Sở Công Thương chủ trì hỗ trợ doanh nghiệp bán hàng trực tuyến.\n\nPhóng viên Minh An\n")


def letter() -> str:
    return "\n".join([
        "ỦY BAN NHÂN DÂN",
        "TỈNH BÌNH MINH",
        "Số: 301/UBND-VX",
        "Bình Minh, ngày 02 tháng 5 năm 2025",
        "Kính gửi: Sở Thông tin và Truyền thông",
        "Ủy ban nhân dân tỉnh nhận được văn bản số 45 của Quý cơ quan về việc tổ chức hội nghị.",
        "Ủy ban nhân dân tỉnh trân trọng cảm ơn và sẽ cử đại diện tham dự.",
        "Nơi nhận:",
        "- Như trên;",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "Phan Thu Hà",
    ]) + "\n"


def write_all(folder: Path) -> dict[str, Path]:
    files = {"government": ("chinh-phu-12-nq-cp.txt", government_programme()),
             "party": ("tinh-uy-binh-minh-05.md", party_programme()),
             "province": ("binh-minh-88-kh-ubnd.txt", provincial_plan()),
             "news": ("bao-binh-minh.txt", news_article()),
             "letter": ("cong-van-301.txt", letter())}
    out = {}
    for key, (name, text) in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        out[key] = path
    return out
