"""Interactive terminal chat: history, /ke_hoach to set the default plan, /nguon for the last source."""
from __future__ import annotations

import sys

from answers.types import Answer
from corpus.text import fold

HELP = ("Gõ câu hỏi rồi Enter; có thể hỏi tiếp (“Hạn khi nào?”, “Còn Phước An thì sao?”). Lệnh: /ke_hoach [tên] "
        "chọn kế hoạch mặc định (để trống: tất cả), /nguon xem nguồn đầy đủ của câu trả lời trước, /moi bắt đầu "
        "câu chuyện mới, /giup trợ giúp, /thoat hoặc Ctrl-D để thoát.")


# typed without the slash, a goodbye ends the chat too (it is no question about the plans)
_GOODBYE = frozenset({"thoat", "exit", "quit", "tam biet", "bye"})

def choose_plans(plans, arg: str) -> list:
    """Plans a /ke_hoach argument (folded) names: its code exactly, else every plan whose code, name (with
    its number, "179/KH-UBND") or place holds the words."""
    exact = [p for p in plans if arg == p.slug]
    if exact:
        return exact
    return [p for p in plans if arg in p.slug or (p.locality and arg in fold(p.locality)) or arg in fold(p.name)]


def run_chat(assistant, stdin=None, stdout=None, today=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    try:
        import readline  # noqa: F401  (history and line editing where available)
    except ImportError:
        pass
    plans = assistant.plans()
    print("Trợ lý Kế hoạch 57. Kế hoạch đã nạp: " + ", ".join(p.name for p in plans), file=stdout)
    print(HELP, file=stdout)
    default_plan = None
    last: Answer | None = None
    context = None
    interactive = stdin.isatty()
    while True:
        if interactive:
            try:
                line = input("\nHỏi> ")
            except EOFError:
                print("\nTạm biệt!", file=stdout)
                return 0
        else:
            line = stdin.readline()
            if not line:
                return 0
        line = line.strip()
        if not line:
            continue
        if line in ("/giup", "/help", "/start"):
            print(HELP, file=stdout)
            continue
        if line.startswith("/ke_hoach"):
            arg = fold(line[len("/ke_hoach"):].strip())
            if not arg:
                default_plan = None
                print("Đang hỏi trên tất cả kế hoạch: " + ", ".join(f"{p.name} [{p.slug}]" for p in plans), file=stdout)
                continue
            match = choose_plans(plans, arg)
            if len(match) == 1:
                default_plan = match[0].slug
                print(f"Kế hoạch mặc định: {match[0].name}", file=stdout)
            elif match:    # a place with several plans: say which, by name and code
                print("Có nhiều kế hoạch khớp, hãy gõ /ke_hoach kèm số hiệu hoặc mã: "
                      + "; ".join(f"{p.name} [{p.slug}]" for p in match), file=stdout)
            else:
                print("Không rõ kế hoạch nào. Có: " + "; ".join(f"{p.name} [{p.slug}]" for p in plans), file=stdout)
            continue
        if line in ("/moi", "/new"):
            context = None
            print("Đã bắt đầu câu chuyện mới: câu hỏi sau không dựa vào câu trước.", file=stdout)
            continue
        if line in ("/thoat", "/exit", "/quit") or fold(line).strip(" .!") in _GOODBYE:
            print("Tạm biệt!", file=stdout)
            return 0
        if line == "/nguon":
            if not last or not last.sources:
                print("Chưa có nguồn nào để xem.", file=stdout)
            for s in (last.sources if last else ())[:5]:
                print(f"— {s.citation()}\n{assistant.cited_lines(s)}", file=stdout)
            continue
        if line.startswith("/"):
            print(f"Lệnh “{line.split()[0][:30]}” không có. Gõ /giup để xem các lệnh.", file=stdout)
            continue
        last = assistant.ask(line, default_plan, today=today, context=context)
        context = last.context
        print(last.text, file=stdout)
