"""Kubernetes Status objects and the exception that carries one to the HTTP layer.

The shapes follow metav1.Status as the real API server writes it: clients (kubectl, client-go,
our Swift client) branch on `reason` and `code`, and print `message`.
"""


def status_failure(code, reason, message, details=None):
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details is not None:
        status["details"] = details
    return status


def status_success(details):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}


class ApiError(Exception):
    """An API failure; `status` is the Status body, `code` its HTTP status."""

    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code = code
        self.status = status_failure(code, reason, message, details)


def _details(rtype, name):
    details = {"name": name, "kind": rtype.plural}
    if rtype.group:
        details["group"] = rtype.group
    return details


def not_found(rtype, name):
    return ApiError(404, "NotFound", '%s "%s" not found' % (rtype.qualified, name), _details(rtype, name))


def path_not_found():
    return ApiError(404, "NotFound", "the server could not find the requested resource", {})


def already_exists(rtype, name):
    return ApiError(409, "AlreadyExists", '%s "%s" already exists' % (rtype.qualified, name), _details(rtype, name))


_MODIFIED = "the object has been modified; please apply your changes to the latest version and try again"


def conflict(rtype, name, why=_MODIFIED):
    return ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": %s' % (rtype.qualified, name, why),
                    _details(rtype, name))


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def method_not_allowed():
    return ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")


def unsupported_media_type(content_type):
    return ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted "
                    "media types include: application/json-patch+json, application/merge-patch+json, "
                    "application/strategic-merge-patch+json (got %s)" % content_type)


def unauthorized():
    return ApiError(401, "Unauthorized", "Unauthorized")


def expired(message):
    return ApiError(410, "Expired", message)


def invalid(rtype, name, causes):
    """causes: list of (field, message) pairs; reason FieldValueInvalid like most validators."""
    text = "; ".join("%s: %s" % (field, message) for field, message in causes)
    details = {"name": name, "kind": rtype.kind,
               "causes": [{"reason": "FieldValueInvalid", "message": message, "field": field}
                          for field, message in causes]}
    if rtype.group:
        details["group"] = rtype.group
    return ApiError(422, "Invalid", '%s "%s" is invalid: %s' % (rtype.kind, name, text), details)
