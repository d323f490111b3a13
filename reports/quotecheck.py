"""The quote check: does every quoted passage of a report's body come from its debates?

An editor sees, before publishing, each passage of the body inside quotation marks
(straight or curly) and whether it matches a statement of the report's debates, ignoring
case, punctuation and whitespace. A report often splits one statement into two quoted
passages around "he said", so a passage matches when it is part of a statement.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

# Curly, straight and the guillemets Dari and Pashto quote with («»).
QUOTED = re.compile(r"“([^“”]+)”|\"([^\"]+)\"|«([^«»]+)»")
# A near miss above this similarity is shown as a likely misquote of that statement.
MISQUOTE_RATIO = 0.6


class Verdict:
    MATCHED = "matched"
    # It matches a withheld statement: the public sees WITHDRAWN_PASSAGE in its place.
    WITHDRAWN = "withdrawn"
    MISQUOTED = "misquoted"
    UNSOURCED = "unsourced"


# What the public reads in place of a quoted passage of a withheld statement.
WITHDRAWN_PASSAGE = "[quote withdrawn]"


@dataclass(frozen=True)
class QuoteCheck:
    passage: str
    verdict: str
    statement: object = None

    @property
    def matched(self):
        return self.verdict == Verdict.MATCHED


def normalise(text):
    """Lowercase words separated by single spaces, punctuation gone."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        " " if unicodedata.category(ch)[0] in {"P", "S", "Z", "C"} else ch for ch in text
    )
    return " ".join(text.split())


def quoted_passages(body):
    """Every passage of ``body`` between quotation marks, in order."""
    return [next(filter(None, groups)).strip() for groups in QUOTED.findall(body or "")]


def _other_texts(statement):
    """The words as spoken and the Dari and Pashto translations: a report in Dari or
    Pashto quotes those."""
    texts = [statement.original_text or ""]
    texts += [
        values.get("text") or ""
        for values in (getattr(statement, "translations", None) or {}).values()
        if isinstance(values, dict)
    ]
    return tuple(normalise(text) for text in texts if text)


def _sources(statements):
    return [
        (statement, normalise(statement.text), _other_texts(statement)) for statement in statements
    ]


def _source_of(wanted, sources):
    """The first statement of ``sources`` that contains the normalised passage ``wanted``."""
    return next(
        (
            s
            for s, text, others in sources
            if wanted in text or any(wanted in other for other in others)
        ),
        None,
    )


def check_quotes(body, statements):
    """A QuoteCheck for each quoted passage of ``body`` against ``statements``.

    A passage found in a withheld statement is WITHDRAWN, even where another statement
    has the same words: the public page leaves it out (see ``redact_withdrawn``).
    """
    sources = _sources(statements)
    withheld = [source for source in sources if getattr(source[0], "withheld", False)]
    results = []
    for passage in quoted_passages(body):
        wanted = normalise(passage)
        if not wanted:
            continue
        match = _source_of(wanted, withheld)
        if match is not None:
            results.append(QuoteCheck(passage, Verdict.WITHDRAWN, match))
            continue
        match = _source_of(wanted, sources)
        if match is not None:
            results.append(QuoteCheck(passage, Verdict.MATCHED, match))
            continue
        closest, ratio = _closest(wanted, sources)
        if closest is not None and ratio >= MISQUOTE_RATIO:
            results.append(QuoteCheck(passage, Verdict.MISQUOTED, closest))
        else:
            results.append(QuoteCheck(passage, Verdict.UNSOURCED))
    return results


def redact_withdrawn(body, withheld_statements):
    """``body`` with each quoted passage found in a withheld statement replaced.

    A report may quote, in its body, words the speaker has since withdrawn: the public
    reads WITHDRAWN_PASSAGE there from the next request on, until an editor rewrites it.
    """
    sources = _sources(withheld_statements)
    if not sources or not body:
        return body

    def replace(match):
        passage = next(filter(None, match.groups()))
        wanted = normalise(passage)
        if wanted and _source_of(wanted, sources) is not None:
            return match.group(0).replace(passage, WITHDRAWN_PASSAGE)
        return match.group(0)

    return QUOTED.sub(replace, body)


def _closest(wanted, sources):
    best, best_ratio = None, 0.0
    for statement, text, _others in sources:
        matcher = difflib.SequenceMatcher(None, wanted, text, autojunk=False)
        # Compare with the best-aligned stretch of the statement, as passages are partial.
        block = max(matcher.get_matching_blocks(), key=lambda b: b.size)
        start = max(0, block.b - block.a)
        window = text[start : start + len(wanted)]
        ratio = difflib.SequenceMatcher(None, wanted, window, autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = statement, ratio
    return best, best_ratio
