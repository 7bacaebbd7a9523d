"""OpenAPI post-processing: every operation documents its error answers.

Errors share two shapes: ``Error`` (``{"detail": ..., "code": ...}``: a domain error from a service —
``portal.api.exceptions`` — or DRF's refusal) and ``ValidationErrors`` (``{field: [messages]}``: bad
input). Each operation lists 400, 403 and — where it names an object by id — 404; writes also 409 (the
object's state forbids it) and 415 (a body of another media type).
"""

from __future__ import annotations

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION = {
    "type": "object",
    "description": "Bad input: messages by field (or `detail` and `code` for a refusal of the service).",
    "additionalProperties": True,
}


def _ref(name: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def document_errors(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationErrors", VALIDATION)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "400", {"description": "Bad input or parameters.", **_ref("ValidationErrors")}
            )
            responses.setdefault(
                "403", {"description": "Not signed in, or not allowed to do this.", **_ref("Error")}
            )
            if "{" in path:
                responses.setdefault("404", {"description": "No such object you may see.", **_ref("Error")})
            if method in ("post", "put", "patch"):
                responses.setdefault(
                    "409", {"description": "The object's state forbids it.", **_ref("Error")}
                )
                responses.setdefault("415", {"description": "Unsupported media type.", **_ref("Error")})
    return result
