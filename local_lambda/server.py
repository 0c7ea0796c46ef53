"""The Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`) on loopback.

Errors use AWS's rest-json shape so botocore raises the modeled exception class: the
`x-amzn-ErrorType` header names it, the JSON body carries `Type` and the message.
Signatures are not checked: this endpoint is for local development and tests only.

Test-only control paths (not part of the Lambda API) live under `/_local/`:
  GET  /_local/health    -> {"status": "ok"}
  GET  /_local/runtimes  -> {"runtimes": [{"function", "version", "pid", "state"}]}
  POST /_local/reset     -> kills idle runtimes so the next calls start cold
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import socket
import sys
import threading
import uuid
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

from . import httpio, names
from .config import Config, FunctionSpec, VersionSpec
from .runtime import Invocation, RuntimeSettings
from .service import Closed, Service, Throttled

SYNC_REQUEST_LIMIT = 6_291_456
# The service model documents 1 MB for asynchronous invocations.
ASYNC_REQUEST_LIMIT = 1_048_576
CLIENT_CONTEXT_LIMIT = 3583

_INVOKE_PATH = re.compile(r"/2015-03-31/functions/([^/]+)/invocations")
_CONFIGURATION_PATH = re.compile(r"/2015-03-31/functions/([^/]+)/configuration")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


class ApiError(Exception):
    """An AWS-shaped error response."""

    def __init__(
        self,
        status: int,
        error_type: str,
        message: str,
        *,
        extra: Mapping[str, Any] | None = None,
        message_key: str = "message",
        fault: str = "User",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.document: dict[str, Any] = {"Type": fault, message_key: message, **(extra or {})}


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN/Infinity; AWS's JSON parser does not.
    raise ValueError(f"invalid JSON token {name}")


class Endpoint:
    """The Invoke API bound to a loopback socket, plus the runtimes behind it."""

    def __init__(
        self,
        config: Config,
        settings: RuntimeSettings,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_concurrency: int = 32,
    ) -> None:
        self.config = config
        self.service = Service(config, settings, max_concurrency)
        self._listener = httpio.listen(host, port)
        self._thread: threading.Thread | None = None
        bound_host, bound_port = self._listener.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.url = f"http://{shown}:{bound_port}"

    def start(self) -> None:
        self._thread = httpio.serve(self._listener, self._handle_connection, "invoke")

    def close(self) -> list[int]:
        """Stop accepting calls and kill every runtime; returns pids that would not die."""
        httpio.stop_listening(self._listener)
        return self.service.close()

    def _handle_connection(self, conn: socket.socket, addr: tuple[str, int]) -> None:
        _InvokeHandler(conn, addr, cast(Any, self))

    # ------------------------------------------------------------------ resolution

    def resolve(self, raw_name: str, qualifier_param: str | None) -> tuple[FunctionSpec, VersionSpec, str]:
        """(function, version, invoked ARN) for a FunctionName and Qualifier, or ApiError."""
        parsed = names.parse_function_name(raw_name)
        if parsed is None:
            raise ApiError(
                400,
                "ValidationException",
                f"1 validation error detected: Value '{raw_name}' at 'functionName' failed to satisfy "
                f"constraint: Member must satisfy regular expression pattern: {names.FUNCTION_NAME_PATTERN}",
            )
        if qualifier_param is not None and not names.valid_qualifier(qualifier_param):
            raise ApiError(
                400,
                "ValidationException",
                f"1 validation error detected: Value '{qualifier_param}' at 'qualifier' failed to satisfy "
                f"constraint: Member must satisfy regular expression pattern: {names.QUALIFIER_PATTERN}",
            )
        qualifier = parsed.qualifier
        if qualifier_param is not None:
            if qualifier is not None and qualifier != qualifier_param:
                raise ApiError(
                    400,
                    "InvalidParameterValueException",
                    "The derived qualifier from the function name does not match the specified qualifier.",
                )
            qualifier = qualifier_param
        config = self.config
        function = config.functions.get(parsed.name)
        version = None
        if function is not None and parsed.account in (None, config.account_id):
            version = function.resolve(qualifier)
        if function is not None and version is None and qualifier == "$LATEST.PUBLISHED":
            raise ApiError(
                400, "NoPublishedVersionException", "The function has no published versions available."
            )
        if function is None or version is None:
            raise ApiError(
                404,
                "ResourceNotFoundException",
                f"Function not found: {config.function_arn(parsed.name, qualifier)}",
                message_key="Message",
            )
        return function, version, config.function_arn(function.name, qualifier)


def _client_context(value: str) -> str:
    """Decode X-Amz-Client-Context (base64 of a JSON object) into the JSON text."""
    if len(value.encode()) > CLIENT_CONTEXT_LIMIT:
        raise ApiError(
            400,
            "InvalidRequestContentException",
            f"Client context must be {CLIENT_CONTEXT_LIMIT} bytes or less after base64 encoding.",
        )
    # Strict check by hand: b64decode(validate=True) treats padding differently across versions.
    try:
        if not _BASE64.fullmatch(value):
            raise ValueError("not base64")
        text = base64.b64decode(value).decode("utf-8")
        document = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            400,
            "InvalidRequestContentException",
            "Client context must be a valid Base64-encoded JSON object.",
        ) from None
    if not isinstance(document, dict):
        raise ApiError(
            400,
            "InvalidRequestContentException",
            "Client context must be a valid Base64-encoded JSON object.",
        )
    return text


class _InvokeHandler(httpio.Handler):
    @property
    def endpoint(self) -> Endpoint:
        return cast(Endpoint, self.server)

    def do_POST(self) -> None:
        request_id = str(uuid.uuid4())
        try:
            url = urlsplit(self.path)
            match = _INVOKE_PATH.fullmatch(url.path)
            if match is None:
                if url.path == "/_local/reset":
                    self.read_body(0)
                    self.send_json(200, {"stopped": self.endpoint.service.reset()})
                    return
                self._discard_body()
                raise ApiError(404, "UnknownOperationException", "Unknown operation: POST " + url.path)
            self._invoke(request_id, unquote(match[1]), parse_qs(url.query))
        except ApiError as exc:
            self._send_error(exc, request_id)
        except Exception as exc:  # a bug here must still give the client an AWS-shaped answer
            self.close_connection = True
            error = ApiError(
                500, "ServiceException", f"local_lambda internal error: {exc!r}", fault="Service"
            )
            self._send_error(error, request_id)
            raise

    def _send_error(self, exc: ApiError, request_id: str) -> None:
        headers = [("x-amzn-ErrorType", exc.error_type), ("x-amzn-RequestId", request_id)]
        self.send_json(exc.status, exc.document, headers)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        configuration = _CONFIGURATION_PATH.fullmatch(path)
        if configuration is not None:
            request_id = str(uuid.uuid4())
            try:
                self._get_configuration(request_id, unquote(configuration[1]), parse_qs(url.query))
            except ApiError as exc:
                self._send_error(exc, request_id)
        elif path == "/_local/health":
            self.send_json(200, {"status": "ok"})
        elif path == "/_local/runtimes":
            self.send_json(200, {"runtimes": self.endpoint.service.snapshot()})
        else:
            self.send_json(
                404,
                {"Type": "User", "message": "Unknown operation: GET " + path},
                [("x-amzn-ErrorType", "UnknownOperationException")],
            )

    def _get_configuration(self, request_id: str, raw_name: str, query: dict[str, list[str]]) -> None:
        """GetFunctionConfiguration, enough for clients that wait for State Active first
        (amazon.aws.lambda_execute's waiters). The environment is left out on purpose."""
        qualifiers = query.get("Qualifier")
        function, version, _ = self.endpoint.resolve(raw_name, qualifiers[-1] if qualifiers else None)
        document = {
            "FunctionName": function.name,
            "FunctionArn": self.endpoint.config.function_arn(function.name, version.version),
            "Runtime": f"python{sys.version_info.major}.{sys.version_info.minor}",
            "Handler": version.handler,
            "Timeout": int(version.timeout),
            "MemorySize": version.memory_size,
            "Version": version.version,
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
        }
        self.send_json(200, document, [("x-amzn-RequestId", request_id)])

    def _discard_body(self) -> None:
        with contextlib.suppress(httpio.BodyTooLarge):
            self.read_body(0)

    def _invoke(self, request_id: str, raw_name: str, query: dict[str, list[str]]) -> None:
        headers = self.headers
        invocation_type = headers.get("X-Amz-Invocation-Type", "RequestResponse")
        log_type = headers.get("X-Amz-Log-Type", "None")
        if invocation_type not in ("RequestResponse", "Event", "DryRun"):
            self._discard_body()
            raise ApiError(
                400, "InvalidParameterValueException", f"Unsupported invocation type {invocation_type}"
            )
        if log_type not in ("None", "Tail"):
            self._discard_body()
            raise ApiError(400, "InvalidParameterValueException", f"Unsupported log type {log_type}")
        limit = ASYNC_REQUEST_LIMIT if invocation_type == "Event" else SYNC_REQUEST_LIMIT
        try:
            body = self.read_body(limit)
        except httpio.BodyTooLarge:
            operation = "InvokeAsync" if invocation_type == "Event" else "InvokeFunction"
            raise ApiError(
                413,
                "RequestTooLargeException",
                f"Request must be smaller than {limit} bytes for the {operation} operation",
            ) from None

        qualifiers = query.get("Qualifier")
        function, version, invoked_arn = self.endpoint.resolve(
            raw_name, qualifiers[-1] if qualifiers else None
        )

        tenant_id = headers.get("X-Amz-Tenant-Id")
        if tenant_id is not None and not names.valid_tenant_id(tenant_id):
            raise ApiError(
                400,
                "ValidationException",
                f"1 validation error detected: Value '{tenant_id}' at 'tenantId' failed to satisfy "
                f"constraint: Member must satisfy regular expression pattern: {names.TENANT_ID_PATTERN}",
            )
        raw_context = headers.get("X-Amz-Client-Context")
        client_context = _client_context(raw_context) if raw_context else None

        if not body.strip():
            body = b"{}"  # AWS hands an empty payload to the function as {}
        try:
            json.loads(body, parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(
                400,
                "InvalidRequestContentException",
                f"Could not parse request body into json: Could not parse payload into json: {exc}",
            ) from None

        if invocation_type == "DryRun":
            self.send(204, headers=[("x-amzn-RequestId", request_id)])
            return

        inv = Invocation(
            request_id=request_id,
            payload=body,
            invoked_arn=invoked_arn,
            # Lambda passes the client context to synchronous invocations only.
            client_context=client_context if invocation_type == "RequestResponse" else None,
            tenant_id=tenant_id,
            trace_id=headers.get("X-Amzn-Trace-Id"),
        )
        service = self.endpoint.service
        if invocation_type == "Event":
            threading.Thread(
                target=service.invoke_when_possible,
                args=(function, version, inv),
                name=f"event-{request_id}",
                daemon=True,
            ).start()
            self.send(202, headers=[("x-amzn-RequestId", request_id), ("Content-Type", "application/json")])
            return

        try:
            outcome = service.invoke(function, version, inv)
        except Throttled as exc:
            raise ApiError(
                429, "TooManyRequestsException", "Rate Exceeded.", extra={"Reason": exc.reason}
            ) from None
        except Closed:
            raise ApiError(
                500, "ServiceException", "The local Lambda endpoint is shutting down.", fault="Service"
            ) from None
        out_headers = [
            ("Content-Type", "application/json"),
            ("x-amzn-RequestId", request_id),
            ("X-Amz-Executed-Version", version.version),
        ]
        if outcome.function_error:
            out_headers.append(("X-Amz-Function-Error", outcome.function_error))
        if log_type == "Tail":
            out_headers.append(("X-Amz-Log-Result", base64.b64encode(outcome.log[-4096:]).decode("ascii")))
        self.send(200, outcome.payload, out_headers)
