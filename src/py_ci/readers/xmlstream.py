"""Streams an XML file through defusedxml into a target, so no report is held as a tree."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from xml.etree.ElementTree import ParseError

from py_ci.errors import InputError
from py_ci.files import InputLimit, open_input

if TYPE_CHECKING:
    from defusedxml.ElementTree import DefusedXMLParser

CHUNK_SIZE = 1 << 20


class Position(Protocol):
    """The parser's place in the document, for messages that say where."""

    @property
    def line(self) -> int: ...


class Target(Protocol):
    """What the parser calls for each element; `start` may raise InputError to stop early."""

    position: Position | None

    def start(self, tag: str, attrib: dict[str, str]) -> None: ...

    def end(self, tag: str) -> None: ...

    def data(self, text: str) -> None: ...


class _ExpatPosition:
    def __init__(self, parser: DefusedXMLParser) -> None:
        self._expat = parser.parser

    @property
    def line(self) -> int:
        return int(self._expat.CurrentLineNumber)


def parse_xml(path: Path, target: Target, fix: str, limit: InputLimit) -> None:
    """Feed `path` to `target`; malformed or hostile XML becomes an InputError that says `fix`."""
    # Imported here: a helper that reads no XML (the reusable workflow's gate job) is set up without it.
    try:
        from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
        from defusedxml.ElementTree import DefusedXMLParser
    except ModuleNotFoundError:
        raise InputError(
            str(path), "cannot be read: this helper has no defusedxml", "set the helper up with installer uv or pip"
        ) from None
    # Defaults of defusedxml: a DOCTYPE is accepted (gcovr, Istanbul), entities and external
    # references are refused.
    parser = DefusedXMLParser(target=target)
    expat = parser.parser
    # defusedxml's entity and external-reference handlers stay on the expat parser; the element callbacks go
    # straight to the target, skipping ElementTree's pure-Python per-element wrapper (half the reading time).
    expat.ordered_attributes = False
    expat.StartElementHandler = target.start
    expat.EndElementHandler = target.end
    expat.CharacterDataHandler = target.data
    position = _ExpatPosition(parser)
    target.position = position
    with open_input(path, limit) as stream:
        first = stream.read(CHUNK_SIZE)
        if not first.strip():
            raise InputError(str(path), "is empty", fix)
        try:
            chunk = first
            while chunk:
                parser.feed(chunk)
                chunk = stream.read(CHUNK_SIZE)
            parser.close()
        except ParseError as error:
            line, column = error.position
            problem = str(error).split(":", 1)[0].removeprefix("not well-formed (").removesuffix(")")
            if problem == "no element found" or "unclosed token" in problem:
                problem = f"{problem}; the file is truncated"
            raise InputError(f"{path}:{line}:{column + 1}", f"not well-formed XML ({problem})", fix) from None
        except (EntitiesForbidden, DTDForbidden) as error:
            where = f"{path}:{position.line}"
            raise InputError(where, f"declares XML entities ({error}), which py-ci refuses", fix) from None
        except DefusedXmlException as error:
            where = f"{path}:{position.line}"
            raise InputError(where, f"refers to an external resource ({error}), which py-ci refuses", fix) from None
