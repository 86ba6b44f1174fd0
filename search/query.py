"""The user's query text parsed into a small tree, forgivingly (pure functions).

Syntax: words, ``"phrases"``, ``AND``/``OR``/``NOT`` (also ``&&``, ``||``, ``-word``,
``+word``), parentheses, fields ``title:`` ``creator:`` ``subject:`` ``description:``
``text:`` ``partner:`` ``year:`` (``year:1920`` or ``year:1920-1939``) and a trailing ``*``
for prefixes. Words next to each other must all match (AND). Hostile input never raises:
unbalanced quotes and parentheses are closed, lone operators and stray ``:``/``*`` are
dropped, and only the first :data:`MAX_LEAVES` terms of a very long query are kept.
"""

from __future__ import annotations

import dataclasses
import re

from search.analysis import WORD

TEXT_FIELDS = ("title", "subject", "creator", "description", "text")
FIELDS = (*TEXT_FIELDS, "partner", "year")
MAX_LEAVES = 32
MAX_CHARS = 2000
MIN_PREFIX = 2

_LEX = re.compile(r'(\w+):"([^"]*)"?|"([^"]*)"?|(\()|(\))|([^\s()"]+)')


@dataclasses.dataclass(frozen=True)
class Term:
    """One word; ``prefix`` when it ended in ``*``; ``field`` None means all text fields."""

    text: str
    field: str | None = None
    prefix: bool = False


@dataclasses.dataclass(frozen=True)
class Phrase:
    """Words that must follow each other."""

    words: tuple[str, ...]
    field: str | None = None


@dataclasses.dataclass(frozen=True)
class Concept:
    """A glossary term found in the query: the words as typed or any alternative term."""

    words: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]
    languages: tuple[str, ...] = ()  # of each alternative: en, id or ms (empty: unknown)


@dataclasses.dataclass(frozen=True)
class Exact:
    """An exact value of a keyword field (``partner:``)."""

    field: str
    value: str


@dataclasses.dataclass(frozen=True)
class YearRange:
    low: int | None
    high: int | None


@dataclasses.dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclasses.dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclasses.dataclass(frozen=True)
class Not:
    child: Node


Node = Term | Phrase | Concept | Exact | YearRange | And | Or | Not


def parse(text: str) -> Node | None:
    """The tree of a query, or None when nothing searchable is left (match everything)."""
    tokens = _lex((text or "")[:MAX_CHARS])
    parser = _Parser(tokens)
    return parser.parse()


def _lex(text: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for m in _LEX.finditer(text):
        fielded, fielded_phrase, phrase, lpar, rpar, bare = m.groups()
        if fielded is not None:
            out.append(("leaf", _leaf(fielded.lower(), fielded_phrase, quoted=True)))
        elif phrase is not None:
            out.append(("leaf", _leaf(None, phrase, quoted=True)))
        elif lpar:
            out.append(("(", None))
        elif rpar:
            out.append((")", None))
        elif bare in ("AND", "&&"):
            out.append(("AND", None))
        elif bare in ("OR", "||"):
            out.append(("OR", None))
        elif bare == "NOT":
            out.append(("NOT", None))
        else:
            out.extend(_bare(bare))
    return [t for t in out if t != ("leaf", None)]


def _bare(token: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    while token[:1] in ("-", "+", "!") and len(token) > 1:
        if token[0] in "-!":
            out.append(("NOT", None))
        token = token[1:]
    field, sep, value = token.partition(":")
    if sep and field.lower() in FIELDS and value:
        out.append(("leaf", _leaf(field.lower(), value, quoted=False)))
    else:
        out.append(("leaf", _leaf(None, token, quoted=False)))
    return out


def _leaf(field: str | None, raw: str, *, quoted: bool) -> Node | None:
    if field is not None and field not in FIELDS:
        return _leaf(None, f"{field} {raw}", quoted=quoted)
    if field == "year":
        return _year(raw)
    if field == "partner":
        value = raw.strip().lower()
        return Exact("partner", value) if re.fullmatch(r"[a-z0-9-]{1,64}", value) else None
    prefix = not quoted and raw.endswith("*")
    words = tuple(m.group() for m in WORD.finditer(raw))
    if not words:
        return None
    if len(words) == 1:
        usable = prefix and len(words[0]) >= MIN_PREFIX
        return Term(words[0], field, prefix=usable)
    return Phrase(words, field)


def _year(raw: str) -> Node | None:
    m = re.fullmatch(r"\s*(\d{1,4})?\s*(?:(-|\.\.|TO)\s*(\d{1,4})?)?\s*", raw or "")
    if not m or not (m.group(1) or m.group(3)):
        return None
    low = int(m.group(1)) if m.group(1) else None
    high = int(m.group(3)) if m.group(3) else (low if not m.group(2) else None)
    return YearRange(low, high)


class _Parser:
    """Recursive descent over the lexed tokens; never raises on bad input."""

    def __init__(self, tokens: list[tuple[str, object]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.leaves = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def parse(self) -> Node | None:
        nodes = []
        while self.pos < len(self.tokens):
            node = self.or_expr()
            if node is not None:
                nodes.append(node)
            if self.peek() == ")":
                self.pos += 1  # a stray closing parenthesis
        return _simplify(And(tuple(nodes)))

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while self.peek() == "OR":
            self.pos += 1
            parts.append(self.and_expr())
        return _simplify(Or(tuple(p for p in parts if p is not None)))

    def and_expr(self) -> Node | None:
        parts = []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.pos += 1
                continue
            node = self.unary()
            if node is not None:
                parts.append(node)
        return _simplify(And(tuple(parts)))

    def unary(self) -> Node | None:
        kind = self.peek()
        if kind == "NOT":
            self.pos += 1
            child = self.unary() if self.peek() not in (None, ")", "OR", "AND") else None
            return Not(child) if child is not None else None
        if kind == "(":
            self.pos += 1
            node = self.or_expr()
            if self.peek() == ")":
                self.pos += 1
            return node
        _, leaf = self.tokens[self.pos]
        self.pos += 1
        self.leaves += 1
        return leaf if self.leaves <= MAX_LEAVES else None  # type: ignore[return-value]


def _simplify(node: Node) -> Node | None:
    if isinstance(node, And | Or):
        children = tuple(c for c in node.children if c is not None)
        if not children:
            return None
        if len(children) == 1:
            return children[0]
        return type(node)(children)
    return node


def leaves(node: Node | None, *, negated: bool = False) -> list[Node]:
    """The positive leaves of a tree (words, phrases, concepts) for highlighting."""
    if node is None:
        return []
    if isinstance(node, Not):
        return []
    if isinstance(node, And | Or):
        return [leaf for child in node.children for leaf in leaves(child)]
    return [node]
