"""JSON Schema validation against one schema inside a published API description, with readable errors.

Both descriptions are JSON Schema at heart (OpenAPI 3.1 is JSON Schema 2020-12; Swagger 2.0 parameters are
simple typed fields), so one well-kept validator, `jsonschema` with a `referencing` registry, checks both.
A schema is named by a JSON pointer into its document, so its `#/components/...` references resolve in place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012


def pointer(*parts: str) -> str:
    """A JSON pointer (RFC 6901) to the value reached through `parts`, URI-escaped for a `$ref` fragment."""
    return quote("/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts))


def registry(uri: str, document: dict[str, Any]) -> Registry[Any]:
    """A registry holding the whole description under `uri`, so references between its schemas resolve."""
    holding: Registry[Any] = Registry().with_resource(uri, DRAFT202012.create_resource(document))
    return holding


def validator(reg: Registry[Any], uri: str, *parts: str) -> Draft202012Validator:
    """A validator for the schema at `parts` inside the document registered as `uri`."""
    return Draft202012Validator({"$ref": f"{uri}#{pointer(*parts)}"}, registry=reg)


def problems(check: Draft202012Validator, instance: Any, where: str) -> list[str]:
    """What is wrong with `instance`, one line per error, each prefixed with `where` and the JSON path."""
    return [f"{where}: {line}" for error in check.iter_errors(instance) for line in explain(error)]


def _is_discriminator(error: ValidationError) -> bool:
    """An error on a union branch's `type` tag: that branch is not the one meant, not a broken instance."""
    return error.validator in ("enum", "const") and list(error.relative_path) == ["type"]


def _wrong_kind(errors: list[ValidationError]) -> bool:
    """A branch refused for the instance's JSON type alone (`null` for an object): not the one meant."""
    return all(e.validator == "type" and not e.relative_path for e in errors)


def _branches(error: ValidationError) -> Iterator[list[ValidationError]]:
    grouped: dict[object, list[ValidationError]] = defaultdict(list)
    for sub in error.context or []:
        grouped[sub.relative_schema_path[0]].append(sub)
    yield from grouped.values()


def explain(error: ValidationError) -> Iterable[str]:
    """Readable lines for one error. A failed union (`anyOf`/`oneOf`, as Discord describes interaction
    responses and components) is explained by the branch its `type` tag picks, since "not valid under any of
    the given schemas" alone does not say what to fix."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches = list(_branches(error))
        meant = [errors for errors in branches if not any(_is_discriminator(e) for e in errors)]
        shaped = [errors for errors in meant if not _wrong_kind(errors)]
        meant = shaped or meant
        if not meant:
            allowed = sorted(
                {
                    str(value)
                    for errors in branches
                    for e in errors
                    if _is_discriminator(e)
                    for value in (e.validator_value if e.validator == "enum" else [e.validator_value])
                }
            )
            tag = error.instance.get("type") if isinstance(error.instance, dict) else None
            return [f"{error.json_path}.type: {tag!r} is none of the types described ({', '.join(allowed)})"]
        closest = min(meant, key=len)
        return [line for sub in closest for line in explain(sub)]
    return [f"{error.json_path}: {error.message}"]
