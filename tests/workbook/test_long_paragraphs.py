"""A very long paragraph costs time and memory in proportion to its length (#19 item 9).

Every finding quotes the sentence it is about; a paragraph without a sentence end used to be quoted
whole by each of its findings — a 100,000-character paragraph of ``较上年增加12.5万元`` took 22 s and
ran out of 3 GB. A quote now reaches at most :data:`QUOTE_REACH` characters beyond what it quotes."""

from __future__ import annotations

import time

from xlplugin.api import check
from xlplugin.engine.arithmetic import read_claims
from xlplugin.workbook.narrative import QUOTE_REACH, Paragraph, read_narrative_file
from xlplugin.workbook.narrative_files import join_broken_lines

CLAIM = "较上年增加12.5万元"


def test_quotes_of_a_paragraph_without_sentence_ends_are_bounded():
    paragraph = Paragraph("情况说明", "A1", (CLAIM * 10_000)[:100_000])
    started = time.perf_counter()
    quotes = [paragraph.sentence(start, end) for start, end, _ in paragraph.quantities]
    elapsed = time.perf_counter() - started
    assert len(quotes) == 9_091  # every 12.5万元 of the paragraph, the cut last one too
    assert max(map(len, quotes)) <= 2 * QUOTE_REACH + len("12.5万元") + 2
    assert quotes[5000].startswith("…") and quotes[5000].endswith("…") and "12.5万元" in quotes[5000]
    assert elapsed < 5, elapsed  # a few hundred milliseconds; whole-paragraph quotes took minutes


def test_a_sentence_is_still_quoted_whole_and_without_marks():
    text = "一、收入支出决算总体情况。2021年度收入总计11772.45万元，较上年决算数减少1863.3万元。其他。"
    paragraph = Paragraph("情况说明", "A1", text)
    start = paragraph.norm.index("1863.3")
    assert paragraph.sentence(start, start + 6) == "2021年度收入总计11772.45万元，较上年决算数减少1863.3万元。"
    assert paragraph.sentence(0, 2) == "一、收入支出决算总体情况。"


def test_a_long_sentence_is_cut_at_the_reach_on_both_sides():
    text = "甲" * 1000 + "增加5.00万元" + "乙" * 1000 + "。"
    paragraph = Paragraph("情况说明", "A1", text)
    start = paragraph.norm.index("5.00")
    quote = paragraph.sentence(start, start + len("5.00万元"))
    assert quote == "…" + "甲" * (QUOTE_REACH - 2) + "增加5.00万元" + "乙" * QUOTE_REACH + "…"


def test_a_long_text_file_is_read_in_linear_time(tmp_path):
    # 20,000 lines that never end a sentence join into one paragraph; a line of Chinese numerals
    # must not make the heading test scan the whole paragraph again for every line.
    lines = ["一二三四五六七八九十" * 3 + "项目支出" for _ in range(20_000)]
    started = time.perf_counter()
    joined = join_broken_lines(lines, markdown=False)
    assert len(joined) == 1 and len(joined[0]) == 20_000 * 34
    path = tmp_path / "情况说明.txt"
    path.write_text((CLAIM * 10_000)[:100_000], encoding="utf-8")
    [paragraph] = read_narrative_file(path)
    assert len(paragraph.text) == 100_000 and len(paragraph.quantities) == 9_091
    assert time.perf_counter() - started < 10


def test_a_check_of_a_long_paragraph_keeps_every_quote_short(sample_path, tmp_path):
    path = tmp_path / "情况说明.txt"
    path.write_text((CLAIM * 2_000)[:20_000], encoding="utf-8")
    report = check(sample_path, narrative=path).report
    quoted = [f for f in report.findings if f.quote]
    assert len(quoted) > 1_000  # the claims of the paragraph are judged, each with its quote
    assert max(len(f.quote) for f in quoted) <= 2 * QUOTE_REACH + len(CLAIM) + 2
    assert max(len(f.message) for f in report.findings) < 4 * QUOTE_REACH + 400


CHANGE = "2023年度某项支出100.00万元，较上年增加10.00万元，增长11.11%。"


def test_the_claims_of_a_long_paragraph_are_read_in_linear_time():
    # the bracket depths of the paragraph were computed again for every figure: 3,000 change
    # sentences took 66 s; they are computed once per paragraph (under a second)
    paragraph = Paragraph("情况说明", "A1", CHANGE * 3_000)
    started = time.perf_counter()
    claims = read_claims(paragraph)
    elapsed = time.perf_counter() - started
    print(f"3,000 change sentences: {elapsed:.2f} s")
    assert len(claims) == 3_000 and all(claim.kind == "change" for claim in claims)
    assert elapsed < 20, elapsed
