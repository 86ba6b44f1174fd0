"""Query tree rewriting (pure): glossary concepts, and function words made optional.

Word runs that name a glossary concept become :class:`search.query.Concept` nodes
carrying the glossary's other terms. Function words ("of", "the", "yang", "di"…) next to
content words are dropped from the all-words-must-match rule, so "map of Sibu" finds
"Sibu -- Peta"; inside quotes they stay.
"""

from __future__ import annotations

from search.analysis import fold
from search.glossary import MAX_WORDS, Glossary
from search.query import And, Concept, Node, Not, Or, Phrase, Term


def expand(node: Node | None, glossary: Glossary | None) -> Node | None:
    """``node`` with glossary concepts marked; unchanged without a glossary."""
    if node is None or glossary is None:
        return node
    if isinstance(node, Term):
        return _run([node], glossary)[0] if _plain(node) else node
    if isinstance(node, Phrase) and node.field is None:
        return _concept(node.words, glossary) or node
    if isinstance(node, Not):
        return node
    if isinstance(node, Or):
        return Or(tuple(expand(c, glossary) for c in node.children))
    if isinstance(node, And):
        return _and(node, glossary)
    return node


def _plain(node: Node) -> bool:
    return isinstance(node, Term) and node.field is None and not node.prefix


def _and(node: And, glossary: Glossary) -> Node:
    out: list[Node] = []
    run: list[Term] = []
    for child in node.children:
        if _plain(child):
            run.append(child)  # type: ignore[arg-type]
            continue
        out.extend(_run(run, glossary))
        run = []
        out.append(expand(child, glossary))
    out.extend(_run(run, glossary))
    return And(tuple(out)) if len(out) > 1 else out[0]


def _run(terms: list[Term], glossary: Glossary) -> list[Node]:
    """Longest glossary terms first, left to right, within a run of plain words."""
    out: list[Node] = []
    i = 0
    while i < len(terms):
        for size in range(min(MAX_WORDS, len(terms) - i), 0, -1):
            words = tuple(t.text for t in terms[i : i + size])
            concept = _concept(words, glossary)
            if concept:
                out.append(concept)
                i += size
                break
        else:
            out.append(terms[i])
            i += 1
    return out


def _concept(words: tuple[str, ...], glossary: Glossary) -> Concept | None:
    found = glossary.alternatives_by_language(words)
    if not found:
        return None
    return Concept(words, tuple(t for _, t in found), tuple(lang for lang, _ in found))


STOPWORDS = frozenset(
    str.split(
        # English
        "a an and are as at be by for from in into is it of on or the to was were with "
        # Indonesian and Malay
        "dan di ke dari yang untuk pada dengan itu ini atau dalam oleh akan ada sebagai "
        "daripada kepada bagi serta iaitu yaitu ialah adalah pun lah kah"
    )
)
"""Function words that never decide whether a record matches a multi-word query."""


def relax(node: Node | None) -> Node | None:
    """``node`` without the function words of its word lists (when content words remain)."""
    if isinstance(node, Or):
        return Or(tuple(relax(c) for c in node.children))
    if not isinstance(node, And):
        return node
    kept = tuple(c for c in node.children if not _stopword(c))
    if not any(not isinstance(c, Not) for c in kept):
        return node
    children = tuple(relax(c) for c in kept)
    return children[0] if len(children) == 1 else And(children)


def _stopword(node: Node) -> bool:
    return _plain(node) and fold(node.text) in STOPWORDS  # type: ignore[union-attr]
