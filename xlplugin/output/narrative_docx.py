"""The Word XML under :func:`xlplugin.output.narrative_marks.write_annotated_docx`: a paragraph's runs
by character offset, runs split where a finding starts or ends, and our earlier comments removed.

**Offsets.** A paragraph's text, as python-docx reads it (``Paragraph.text``), is the text of its
direct ``w:r`` children and of the ``w:r`` children of its ``w:hyperlink`` children, in document order;
``w:tab``/``w:ptab`` read as ``\\t``, ``w:br``/``w:cr`` as ``\\n``, ``w:noBreakHyphen`` as ``-``. The
narrative reader (:func:`xlplugin.workbook.narrative.read_narrative_file`) builds its paragraphs from
exactly that text, so :func:`text_runs` walks the same elements and a finding's span lands on the runs
that print it. Runs inside tracked changes, fields or content controls are not in that text and are
never touched.

**Splitting.** A run is cut at a character offset by copying it whole (its ``w:rPr``, so the bold,
the font, the size of both halves are the run's own) and keeping the content before the offset in
the first copy and the rest in the second; a ``w:t`` that straddles the offset is cut in two.

**Our comments.** python-docx (1.2) adds comments but cannot delete them. :func:`remove_comments`
does it in the XML: the ``w:comment`` in the comments part, its ``w:commentRangeStart``,
``w:commentRangeEnd`` and ``w:commentReference`` run in the body, our highlight on the runs it covered,
and its entries in the parts Word adds beside the comments (``commentsExtended``, ``commentsIds``,
``commentsExtensible``); a reply someone wrote to one of our comments becomes a comment of its own.
Everything else (the department's comments, their ranges, their replies) stays as it was.

**Highlights.** Ours are told apart by colour (:data:`OUR_HIGHLIGHTS`) and place (inside one of our
comment ranges): :func:`highlight` never paints over a highlight the document already has, and a
department's highlight of exactly our colour inside our range is the one case re-annotation cannot
tell from ours (it is taken off too). Word keeps no mark of who highlighted a run.
"""

from __future__ import annotations

import copy

from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

__all__ = ["OUR_HIGHLIGHTS", "highlight", "remove_comments", "split_at", "text_runs"]

#: the run children that carry text, as python-docx reads them (``CT_R.text``)
_TEXT_TAGS = frozenset(qn(f"w:{name}") for name in ("t", "tab", "br", "cr", "noBreakHyphen", "ptab"))
_RPR, _R, _HYPERLINK = qn("w:rPr"), qn("w:r"), qn("w:hyperlink")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: the highlights we put on runs (错误, 警告, 提示): only these are taken off again with our comments
OUR_HIGHLIGHTS = frozenset((WD_COLOR_INDEX.RED, WD_COLOR_INDEX.YELLOW, WD_COLOR_INDEX.GRAY_25))
#: the parts Word writes beside comments.xml, and how their entries name a comment's paragraph
_W14_PARA_ID = "{http://schemas.microsoft.com/office/word/2010/wordml}paraId"
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
_W16CEX = "http://schemas.microsoft.com/office/word/2018/wordml/cex"
_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
_IDS = "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds"
_EXTENSIBLE = "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible"


def _size(child) -> int:
    """How many characters of the paragraph's text ``child`` (a run's child) prints."""
    return len(str(child)) if child.tag in _TEXT_TAGS else 0


def text_runs(p) -> list[tuple[object, int, int]]:
    """The runs of paragraph element ``p`` that print text, each with its (start, end) offset in the
    paragraph's text (``Paragraph.text``). Runs that print nothing (a picture, a comment reference)
    are left out: no span can fall on them."""
    runs, position = [], 0
    for child in p:
        if child.tag == _R:
            members = [child]
        elif child.tag == _HYPERLINK:
            members = [r for r in child if r.tag == _R]
        else:
            continue
        for run in members:
            size = sum(_size(c) for c in run)
            if size:
                runs.append((run, position, position + size))
            position += size
    return runs


def split_at(p, offset: int) -> None:
    """Make ``offset`` a run boundary in paragraph element ``p``: the run that prints across it is
    cut in two runs with its formatting (nothing happens when a run already starts there)."""
    for run, start, end in text_runs(p):
        if start < offset < end:
            second = copy.deepcopy(run)
            _keep(run, 0, offset - start)
            _keep(second, offset - start, None)
            run.addnext(second)
            return


def _keep(run, low: int, high: int | None) -> None:
    """Keep in ``run`` only the content printing characters ``low``…``high`` (of the run's text); an
    element that prints nothing stays with the part it stands in."""
    position = 0
    for child in list(run):
        if child.tag == _RPR:
            continue
        start, end = position, position + _size(child)
        position = end
        if start == end:
            inside = start >= low and (high is None or start < high)
        else:
            inside = end > low and (high is None or start < high)
        if not inside:
            run.remove(child)
        elif (start < low or (high is not None and end > high)) and child.tag == qn("w:t"):
            # only a w:t prints more than one character, so only a w:t is ever cut
            child.text = child.text[max(low - start, 0) : (end if high is None else min(high, end)) - start]
            child.set(_XML_SPACE, "preserve")  # a half that starts or ends with a space keeps it


def _highlight(run):
    rpr = run.find(_RPR)
    return None if rpr is None else rpr.highlight_val


def highlight(run, colour: WD_COLOR_INDEX) -> None:
    """Highlight ``run`` with ``colour`` unless it has a highlight of its own (the document's
    formatting is kept; the comment still marks the text)."""
    if _highlight(run) is None:
        run.get_or_add_rPr().highlight_val = colour


def remove_comments(document, author: str) -> int:
    """Delete every comment by ``author`` from ``document`` (a python-docx ``Document``), with
    everything that belongs to it (see the module's docstring); returns how many were deleted."""
    try:
        part = document.part.part_related_by(RT.COMMENTS)
    except KeyError:
        return 0
    comments = part.element
    ours = [c for c in comments.findall(qn("w:comment")) if c.get(qn("w:author")) == author]
    if not ours:
        return 0
    ids = {c.get(qn("w:id")) for c in ours}
    paragraph_ids = {p.get(_W14_PARA_ID) for c in ours for p in c.iter(qn("w:p"))} - {None}
    _unmark_body(document.element.body, ids)
    for comment in ours:
        comments.remove(comment)
    if paragraph_ids:
        _clean_companions(document.part, paragraph_ids)
    return len(ours)


def _unmark_body(body, ids: set[str]) -> None:
    """Remove the range marks and reference runs of comments ``ids`` from the body, and our
    highlights from the runs inside their ranges."""
    start, end, reference = qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:commentReference")
    open_ids: set[str] = set()
    doomed = []
    for element in body.iter(start, end, reference, _R):
        tag = element.tag
        if tag in (start, end):
            if element.get(qn("w:id")) in ids:
                (open_ids.add if tag == start else open_ids.discard)(element.get(qn("w:id")))
                doomed.append(element)
        elif tag == reference:
            if element.get(qn("w:id")) in ids:
                doomed.append(element.getparent())  # the run python-docx made for the reference
        elif open_ids and _highlight(element) in OUR_HIGHLIGHTS:
            element.find(_RPR).highlight_val = None
    for element in doomed:
        element.getparent().remove(element)


def _clean_companions(document_part, paragraph_ids: set[str]) -> None:
    """Drop the deleted comments' entries from the parts Word keeps beside comments.xml; a reply to
    a deleted comment loses its parent and stands alone."""
    durable: set[str] = set()
    extended = _related(document_part, _EXTENDED)
    if extended is not None:
        root = etree.fromstring(extended.blob)
        for entry in list(root):
            if entry.get(f"{{{_W15}}}paraId") in paragraph_ids:
                root.remove(entry)
            elif entry.get(f"{{{_W15}}}paraIdParent") in paragraph_ids:
                del entry.attrib[f"{{{_W15}}}paraIdParent"]
        _store(extended, root)
    ids = _related(document_part, _IDS)
    if ids is not None:
        root = etree.fromstring(ids.blob)
        for entry in list(root):
            if entry.get(f"{{{_W16CID}}}paraId") in paragraph_ids:
                durable.add(entry.get(f"{{{_W16CID}}}durableId"))
                root.remove(entry)
        _store(ids, root)
    extensible = _related(document_part, _EXTENSIBLE)
    if extensible is not None and durable:
        root = etree.fromstring(extensible.blob)
        for entry in list(root):
            if entry.get(f"{{{_W16CEX}}}durableId") in durable:
                root.remove(entry)
        _store(extensible, root)


def _related(part, reltype: str):
    try:
        return part.part_related_by(reltype)
    except KeyError:
        return None


def _store(part, root) -> None:
    """Write ``root`` back as the part's content: an XML part (python-docx parsed it) keeps the
    element it holds; a part python-docx keeps as bytes gets the new bytes."""
    if hasattr(part, "_element"):
        part._element = root
    else:
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
