"""XML for the Disqus and WordPress importers, read without ever expanding a DTD.

Exports are user-supplied files; a DOCTYPE with entity declarations can expand a few kilobytes into
gigabytes ("billion laughs") or pull in external files. Neither export format uses a DOCTYPE, so refusing one
costs nothing and needs no extra dependency.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

from storage.importers.records import ImportFormatError

MAX_DEPTH = 100  # exports nest a handful of levels; thousands only come from hostile files


class _RefusedDeclaration(Exception):
    """Raised from an expat callback to stop the parse at a DOCTYPE or ENTITY declaration."""


class _TooDeep(Exception):
    """Raised from an expat callback when elements nest deeper than MAX_DEPTH."""


def _refuse(*_args: object) -> None:
    raise _RefusedDeclaration


def _qualified(expat_name: str) -> str:
    """expat writes namespaced names as "uri}local"; ElementTree expects "{uri}local"."""
    return "{" + expat_name if "}" in expat_name else expat_name


def parse_xml(data: bytes, name: str) -> ET.Element:
    """The document's root element; broken XML is reported with its line and column."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    depth = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _TooDeep
        builder.start(_qualified(tag), {_qualified(key): value for key, value in attrs.items()})

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(_qualified(tag))

    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except _RefusedDeclaration:
        raise ImportFormatError(
            f"{name}: the XML has a DOCTYPE or ENTITY declaration (line {parser.CurrentLineNumber}); "
            "comment exports never need one and it is refused for safety: remove it and import again"
        ) from None
    except _TooDeep:
        raise ImportFormatError(
            f"{name}: XML nested more than {MAX_DEPTH} levels deep (line {parser.CurrentLineNumber}); "
            "this is not a comment export"
        ) from None
    except expat.ExpatError as exc:
        raise ImportFormatError(
            f"{name}: broken XML at line {exc.lineno}, column {exc.offset + 1}: {expat.ErrorString(exc.code)}"
        ) from None
    return builder.close()


def local_name(tag: str) -> str:
    """The tag without its namespace, for formats whose namespace version varies (WXR 1.0, 1.1, 1.2)."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    """The namespace URI of a tag, or "" when it has none."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def child_text(element: ET.Element | None, tag: str) -> str:
    """Text of the first child with this exact tag, "" when absent: exports often omit empty fields."""
    if element is None:
        return ""
    child = element.find(tag)
    return "".join(child.itertext()) if child is not None else ""
