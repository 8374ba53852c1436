"""A local fake of the Azure Resource Manager endpoints of one Azure Automation account, for tests.

It models one subscription, resource group and Automation account; below the account id, with the paths that
azure-mgmt-automation 2.0.0 (api-version 2024-10-23) builds, it serves ``modules`` (Windows PowerShell 5.1),
``runtimeEnvironments`` and their ``packages``, ``connectionTypes`` and ``runbooks`` (list, get, PUT, DELETE), the
account itself (GET), and the older ``powerShell72Modules`` (api-version 2023-11-01 only; the SDK has no operation
for it, so callers use ``client.send_request(azure.core.rest.HttpRequest("GET", path, params=...))``).
Shapes follow the examples of Azure/azure-rest-api-specs, specification/automation/Automation.Management/examples/
2024-10-23/: listModulesByAutomationAccount.json, createOrUpdateModule.json, getAutomationAccount.json,
runtimeEnvironment/listRuntimeEnvironmentsByAutomationAccount.json, package/createOrUpdatePackage.json,
package/getPackage.json, getAllConnectionTypes_First100.json, runbook/listRunbooksByAutomationAccount.json; and
resource-manager/Microsoft.Automation/stable/2023-11-01/examples/listPowerShell72ModulesByAutomationAccount.json.

Every list returns at most ``page_size`` items and an absolute ``nextLink`` (``$skiptoken``). A PUT of a module or
package answers 201 (new) or 200 (replaced) in provisioningState ``Creating``; each later GET of it moves it one
state along ``import_states`` to ``Succeeded``, or to ``Failed`` with ``properties.error`` (``fail_import``); lists
never advance an import. Errors have the ARM shape ``{"error": {"code", "message"}}``: 401 with WWW-Authenticate
for a missing or wrong bearer token, 400 for a missing or unsupported api-version, 404 for anything unknown, and
whatever ``fail_next`` injects. ``requests`` records every request.

The real client reaches this plain-http server through public keywords only, nothing patched::

    AutomationClient(
        server.credential(), server.subscription_id, base_url=server.base_url,
        per_call_policies=[allow_http_policy()],  # sets request.context["enforce_https"] = False
        retry_total=3, retry_backoff_factor=0.01, retry_backoff_max=1,
    )

azure-core's BearerTokenCredentialPolicy refuses non-https URLs unless the pipeline context holds
``enforce_https=False`` (the per-operation keyword ``enforce_https=False`` does it for one call); per-call policies
run before it. ``server.client(**kwargs)`` builds exactly this client; Retry-After headers are always honoured.
"""

from __future__ import annotations

import datetime
import http.server
import json
import threading
import time
import urllib.parse
import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from azure.core.credentials import AccessToken, AccessTokenInfo, TokenRequestOptions
    from azure.mgmt.automation import AutomationClient

API_VERSION = "2024-10-23"  # azure-mgmt-automation 2.0.0
PS72_API_VERSION = "2023-11-01"  # newest stable api-version that still has powerShell72Modules
_CLASSIC = frozenset({"2015-10-31", "2018-06-30", "2019-06-01", "2020-01-13-preview", "2022-08-08"})
_CLASSIC |= {PS72_API_VERSION, API_VERSION}
_PS72 = frozenset({"2020-01-13-preview", "2022-08-08", PS72_API_VERSION})
_RUNTIME = frozenset({"2023-05-15-preview", API_VERSION})

# ModuleProvisioningState / PackageProvisioningState values an import walks through, in the enums' order.
IMPORT_STATES = tuple(
    "Creating RunningImportModuleRunbook ContentDownloaded ContentValidated ContentStored ModuleDataStored "
    "ActivitiesStored ModuleImportRunbookComplete Succeeded".split()
)
_NO_ERROR = {"code": None, "message": None}  # what the API returns while nothing failed (createOrUpdateModule.json)
_MODULE = {"isGlobal": False, "version": None, "sizeInBytes": 0, "activityCount": 0, "provisioningState": "Succeeded"}
_PACKAGE = {"default": False, "version": None, "sizeInBytes": 0, "provisioningState": "Succeeded"}
_RUNBOOK = {"runbookType": "PowerShell", "state": "Published", "logVerbose": False, "logProgress": False}


class _Kind(NamedTuple):
    segment: str  # the path segment as it appears in resource ids
    type: str  # the resource's "type"
    api_versions: frozenset[str]
    # "imports": a PUT imports from properties.contentLink; "tracked": a TrackedResource (location, tags);
    # "systemData": timestamps in systemData (createdAt...) rather than in properties (creationTime...)
    flags: str
    defaults: dict[str, Any]
    parent: str | None = None  # lower-case segment of the parent collection, for nested collections


_AA = "Microsoft.Automation/AutomationAccounts/"  # the casing the examples use in "type"
_RE = "Microsoft.Automation/automationAccounts/runtimeEnvironments"  # ...and for runtime environments
_KINDS = {
    kind.segment.lower(): kind
    for kind in (
        _Kind("modules", _AA + "Modules", _CLASSIC, "imports tracked", {**_MODULE, "isComposite": False}),
        # the 2023-11-01 examples spell this segment in lower case inside ids
        _Kind("powershell72modules", _AA + "PowerShell72Modules", _PS72, "imports tracked", _MODULE),
        # the old experience's Python 2.7 and 3.8 packages, shaped as modules (createOrUpdatePython3Package.json)
        _Kind("python2Packages", _AA + "Python2Packages", _CLASSIC, "imports tracked", _MODULE),
        _Kind("python3Packages", _AA + "Python3Packages", _CLASSIC, "imports tracked", _MODULE),
        _Kind("runtimeEnvironments", _RE, _RUNTIME, "tracked systemData", {"runtime": {}, "defaultPackages": {}}),
        _Kind("packages", _RE + "/packages", _RUNTIME, "imports tracked systemData", _PACKAGE, "runtimeenvironments"),
        _Kind("connectionTypes", _AA + "ConnectionTypes", _CLASSIC, "", {"isGlobal": False, "fieldDefinitions": {}}),
        _Kind("runbooks", _AA + "Runbooks", _CLASSIC, "tracked", {**_RUNBOOK, "logActivityTrace": 0}),
        # getActivityInAModule.json: a module's commands, which the service reads from 5.1 modules only.
        _Kind("activities", _AA + "Modules/Activities", _CLASSIC, "", {"definition": "", "outputTypes": []}, "modules"),
    )
}


class Request(NamedTuple):
    method: str
    path: str
    query: dict[str, str]
    time: float  # time.monotonic() when the server received it


class ArmError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class _Failure(NamedTuple):
    code: str
    message: str
    at_state: str


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


class StaticCredential:
    """A TokenCredential (and SupportsTokenInfo, which azure-core prefers) that always hands out one token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []  # the scopes of every token request

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        from azure.core.credentials import AccessToken

        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: TokenRequestOptions | None = None) -> AccessTokenInfo:
        from azure.core.credentials import AccessTokenInfo

        self.scopes.append(scopes)
        return AccessTokenInfo(self.token, int(time.time()) + 3600)


def allow_http_policy() -> Any:
    """A per-call pipeline policy that lets azure-core's bearer-token policy send to a plain-http URL."""
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    class AllowHttp(SansIOHTTPPolicy):  # type: ignore[type-arg]
        def on_request(self, request: Any) -> None:
            request.context["enforce_https"] = False

    return AllowHttp()


class ArmServer:
    """A fake ARM for one Automation account; see the module docstring. Use as ``with ArmServer() as server:``."""

    def __init__(
        self,
        subscription_id: str = "3f2b6e1c-8a4d-4c7e-9b15-2d6f0a9e7c41",
        resource_group: str = "rg-amkit-test",
        account_name: str = "aa-amkit-test",
        location: str = "East US 2",
        token: str = "fake-arm-token",
        page_size: int = 2,
    ) -> None:
        self.subscription_id, self.resource_group, self.account_name = subscription_id, resource_group, account_name
        self.location, self.token, self.page_size = location, token, page_size
        self.import_states: tuple[str, ...] = IMPORT_STATES
        self.requests: list[Request] = []
        self.account_id = (
            f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"
            f"/providers/Microsoft.Automation/automationAccounts/{account_name}"
        )
        stamp = _now()
        self.account: dict[str, Any] = {"id": self.account_id, "name": account_name}  # getAutomationAccount.json
        self.account |= {"type": "Microsoft.Automation/AutomationAccounts", "location": location, "tags": {}}
        self.account["properties"] = {"creationTime": stamp, "lastModifiedTime": stamp, "sku": {"name": "Basic"}}
        self.account["properties"]["state"] = "Ok"
        self._lock = threading.RLock()
        self._collections: dict[tuple[str, ...], dict[str, dict[str, Any]]] = {}
        self._imports: dict[str, tuple[str, _Failure | None, dict[str, Any]]] = {}  # id -> (uri, failure, result)
        self._failures: dict[str, _Failure] = {}
        self._results: dict[str, dict[str, Any]] = {}
        self._contents: dict[str, str] = {}  # runbook name (lower case) -> its published script
        self._injected: list[dict[str, Any]] = []
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.arm = self  # type: ignore[attr-defined]
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> ArmServer:
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> ArmServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def credential(self, token: str | None = None) -> StaticCredential:
        """A credential handing out ``token`` (default: the one the server accepts)."""
        return StaticCredential(self.token if token is None else token)

    def client(self, credential: Any = None, **kwargs: Any) -> AutomationClient:
        """The real AutomationClient pointed at this server, with quick retries (kwargs override them)."""
        from azure.mgmt.automation import AutomationClient

        options: dict[str, Any] = {"retry_total": 3, "retry_backoff_factor": 0.01, "retry_backoff_max": 1, **kwargs}
        options["per_call_policies"] = [allow_http_policy(), *options.get("per_call_policies", [])]
        credential = credential or self.credential()
        return AutomationClient(credential, self.subscription_id, base_url=self.base_url, **options)

    def add_module(self, name: str, **properties: Any) -> dict[str, Any]:
        return self._seed(("modules",), name, properties)

    def add_activity(self, module: str, name: str, **properties: Any) -> dict[str, Any]:
        """A command of a (5.1) module, as ``.../modules/{module}/activities`` lists it."""
        return self._seed(("modules", module.lower(), "activities"), name, properties)

    def add_powershell72_module(self, name: str, **properties: Any) -> dict[str, Any]:
        return self._seed(("powershell72modules",), name, properties)

    def add_python_package(self, major: int, name: str, **properties: Any) -> dict[str, Any]:
        """A package of the old experience's Python ``major`` (2 or 3) list."""
        return self._seed((f"python{major}packages",), name, properties)

    def add_runtime_environment(
        self,
        name: str,
        language: str = "PowerShell",
        version: str = "7.4",
        default_packages: dict[str, str] | None = None,
        description: str | None = None,
        **properties: Any,
    ) -> dict[str, Any]:
        runtime = {"runtime": {"language": language, "version": version}, "defaultPackages": default_packages or {}}
        if description is not None:
            runtime["description"] = description
        return self._seed(("runtimeenvironments",), name, {**runtime, **properties})

    def add_package(self, environment: str, name: str, **properties: Any) -> dict[str, Any]:
        return self._seed(("runtimeenvironments", environment.lower(), "packages"), name, properties)

    def add_connection_type(
        self, name: str, fields: dict[str, str | dict[str, Any]] | None = None, **properties: Any
    ) -> dict[str, Any]:
        """``fields`` maps a field name to its type (e.g. "System.String") or to a fieldDefinitions entry."""
        definitions = {
            field: {"isEncrypted": False, "isOptional": False, "type": "System.String"}
            | ({"type": spec} if isinstance(spec, str) else spec)
            for field, spec in (fields or {}).items()
        }
        return self._seed(("connectiontypes",), name, {"fieldDefinitions": definitions, **properties})

    def add_runbook(
        self,
        name: str,
        runtime_environment: str | None = None,
        runbook_type: str = "PowerShell",
        content: str | None = None,
        **properties: Any,
    ) -> dict[str, Any]:
        """A published runbook; ``content`` is what GET .../runbooks/{name}/content answers (text/powershell)."""
        extra = {"runtimeEnvironment": runtime_environment} if runtime_environment is not None else {}
        if content is not None:
            with self._lock:
                self._contents[name.lower()] = content
        return self._seed(("runbooks",), name, {"runbookType": runbook_type, **extra, **properties})

    def resource(self, *segments: str) -> dict[str, Any] | None:
        """The stored resource below the account, e.g. ``resource("runtimeEnvironments", "env", "packages", "Az")``."""
        with self._lock:
            item = self._collections.get(tuple(s.lower() for s in segments[:-1]), {}).get(segments[-1].lower())
            return _copy(item) if item is not None else None

    def fail_import(self, uri: str, code: str, message: str, at_state: str = "Creating") -> None:
        """Imports from ``uri`` walk ``import_states`` up to ``at_state``; the next GET then answers ``Failed``."""
        if at_state not in self.import_states[:-1]:
            raise ValueError(f"at_state must be one of {self.import_states[:-1]}")
        with self._lock:
            self._failures[uri] = _Failure(code, message, at_state)

    def succeed_import(self, uri: str, **properties: Any) -> None:
        """Properties (e.g. version, sizeInBytes, activityCount) an import from ``uri`` gets when it succeeds."""
        with self._lock:
            self._results[uri] = properties

    def fail_next(
        self,
        method: str,
        path_suffix: str,
        status: int,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests whose method matches and whose path ends with ``path_suffix``."""
        if body is None:
            phrase = HTTPStatus(status).phrase
            body = {"error": {"code": phrase.replace(" ", ""), "message": phrase}}
        with self._lock:
            rule = {"method": method.upper(), "suffix": path_suffix.lower(), "status": status, "times": times}
            self._injected.append(rule | {"headers": headers or {}, "body": body})

    def _parent_id(self, segments: tuple[str, ...]) -> str:
        """The id of the resource a collection (given by its path below the account) belongs to."""
        if len(segments) == 1:
            return self.account_id
        parent = self._collections.get(tuple(s.lower() for s in segments[:-2]), {}).get(segments[-2].lower())
        if parent is None:
            raise ArmError(404, "NotFound", f"The resource '{'/'.join(segments[:-1])}' was not found.")
        return str(parent["id"])

    def _seed(self, key: tuple[str, ...], name: str, properties: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return _copy(self._store(key, name, properties))

    def _store(self, key: tuple[str, ...], name: str, properties: dict[str, Any], **top: Any) -> dict[str, Any]:
        kind = _KINDS[key[-1]]
        stamp = _now()
        resource: dict[str, Any] = {"id": f"{self._parent_id(key)}/{kind.segment}/{name}", "name": name}
        resource["type"] = kind.type
        if "tracked" in kind.flags:
            resource |= {"location": self.location, "tags": {}}
        resource |= top
        resource["properties"] = _copy(kind.defaults) | properties
        if "systemData" in kind.flags:
            resource["systemData"] = {"createdAt": stamp, "lastModifiedAt": stamp}
        else:
            resource["properties"] = {"creationTime": stamp, "lastModifiedTime": stamp} | resource["properties"]
        self._collections.setdefault(key, {})[name.lower()] = resource
        return resource

    def _advance(self, resource: dict[str, Any]) -> None:
        """Move an import one state along (called on every GET of the resource)."""
        _uri, failure, result = self._imports[resource["id"].lower()]
        properties = resource["properties"]
        if failure is not None and properties["provisioningState"] == failure.at_state:
            properties |= {"provisioningState": "Failed", "error": {"code": failure.code, "message": failure.message}}
        else:
            step = self.import_states.index(properties["provisioningState"]) + 1
            properties["provisioningState"] = self.import_states[step]
            if properties["provisioningState"] == "Succeeded":
                properties |= result
        if properties["provisioningState"] in ("Succeeded", "Failed"):
            del self._imports[resource["id"].lower()]
        timestamps = resource.get("systemData") or resource["properties"]
        timestamps["lastModifiedAt" if "systemData" in resource else "lastModifiedTime"] = _now()

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> tuple[int, dict[str, str], Any]:
        """Answer one request: (status, headers, JSON-able body or None)."""
        split = urllib.parse.urlsplit(raw_path)
        path = urllib.parse.unquote(split.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(split.query).items()}
        with self._lock:
            self.requests.append(Request(method, path, query, time.monotonic()))
            for rule in self._injected:
                if rule["method"] == method and path.lower().endswith(rule["suffix"]):
                    rule["times"] -= 1
                    if rule["times"] <= 0:
                        self._injected.remove(rule)
                    return rule["status"], dict(rule["headers"]), rule["body"]
            try:
                status, out_headers, payload = self._route(method, path, query, headers.get("Authorization"), body)
                return status, out_headers, _copy(payload)  # serialized later, outside the lock
            except ArmError as error:
                return error.status, error.headers, {"error": {"code": error.code, "message": error.message}}

    def _route(
        self, method: str, path: str, query: dict[str, str], authorization: str | None, body: bytes
    ) -> tuple[int, dict[str, str], Any]:
        if authorization != f"Bearer {self.token}":  # ARM's answers to a missing and to a wrong token
            code, message = "InvalidAuthenticationToken", "The access token is invalid."
            if authorization is None:
                code, message = "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."
            challenge = 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"'
            raise ArmError(401, code, message, {"WWW-Authenticate": f'{challenge}, error_description="{message}"'})
        segments = [s for s in path.split("/") if s]
        account = self.account_id.strip("/").split("/")
        if [s.lower() for s in segments[: len(account)]] != [s.lower() for s in account]:
            raise ArmError(404, "ResourceNotFound", f"The Resource '{path}' was not found.")
        rest = segments[len(account) :]
        if len(rest) == 3 and rest[0].lower() == "runbooks" and rest[2].lower() == "content" and method == "GET":
            if rest[1].lower() not in self._contents:
                raise ArmError(404, "NotFound", f"The content of runbook '{rest[1]}' was not found.")
            return 200, {"Content-Type": "text/powershell"}, self._contents[rest[1].lower()]
        kind = _KINDS.get(rest[-1 if len(rest) % 2 else -2].lower()) if rest else None  # a collection or an item
        if rest and (kind is None or len(rest) > 4 or (kind.parent != (rest[0].lower() if len(rest) > 2 else None))):
            raise ArmError(404, "InvalidResourceType", f"The resource type '{'/'.join(rest[::2])}' could not be found.")
        versions = kind.api_versions if kind else _CLASSIC
        api_version = query.get("api-version")
        if api_version is None:
            message = "The api-version query parameter (?api-version=) is required for all requests."
            raise ArmError(400, "MissingApiVersionParameter", message)
        if api_version not in versions:
            message = (
                f"No registered resource provider found for API version '{api_version}' and type "
                f"'{kind.type if kind else 'automationAccounts'}'. The supported api-versions are "
                f"'{', '.join(sorted(versions))}'."
            )
            raise ArmError(400, "NoRegisteredProviderFound", message)
        if not rest:
            if method != "GET":
                raise ArmError(405, "MethodNotAllowed", f"The method '{method}' is not allowed here.")
            return 200, {}, self.account
        assert kind is not None
        if len(rest) % 2:  # a collection
            key = tuple(s.lower() for s in rest)
            self._parent_id(tuple(rest))
            if method != "GET":
                raise ArmError(405, "MethodNotAllowed", f"The method '{method}' is not allowed on a collection.")
            items = list(self._collections.get(key, {}).values())
            skip = int(query.get("$skiptoken", "0"))
            page: dict[str, Any] = {"value": items[skip : skip + self.page_size]}
            if skip + self.page_size < len(items):
                link = urllib.parse.quote(path)
                page["nextLink"] = f"{self.base_url}{link}?api-version={api_version}&$skiptoken={skip + self.page_size}"
            return 200, {}, page
        key, name = tuple(s.lower() for s in rest[:-1]), rest[-1]
        self._parent_id(tuple(rest[:-1]))
        resource = self._collections.get(key, {}).get(name.lower())
        if method == "GET" or method == "DELETE":
            if resource is None:
                raise ArmError(404, "NotFound", f"The {kind.segment} resource '{name}' was not found.")
            if method == "DELETE":
                prefix = resource["id"].lower() + "/"
                del self._collections[key][name.lower()]
                for nested in [k for k in self._collections if k[: len(key) + 1] == (*key, name.lower())]:
                    del self._collections[nested]
                self._imports = {k: v for k, v in self._imports.items() if not (k + "/").startswith(prefix)}
                return 200, {}, None
            if resource["id"].lower() in self._imports:
                self._advance(resource)
            return 200, {}, resource
        if method != "PUT":
            raise ArmError(405, "MethodNotAllowed", f"The method '{method}' is not allowed here.")
        try:
            payload = json.loads(body or b"{}")
            properties = dict(payload.get("properties") or {})
        except (ValueError, AttributeError) as error:
            raise ArmError(400, "InvalidRequestContent", f"The request content is not valid JSON: {error}") from None
        top = {k: payload[k] for k in ("location", "tags") if k in payload and "tracked" in kind.flags}
        status = 200 if resource is not None else 201
        if "imports" not in kind.flags:
            return status, {}, self._store(key, resource["name"] if resource else name, properties, **top)
        uri = (properties.get("contentLink") or {}).get("uri")
        if not uri:
            raise ArmError(400, "BadRequest", "properties.contentLink.uri is required.")
        properties |= {"provisioningState": self.import_states[0], "error": dict(_NO_ERROR)}
        properties.setdefault("version", None)
        result = {"version": properties["contentLink"].get("version")} | self._results.get(uri, {})
        created = self._store(key, resource["name"] if resource else name, properties, **top)
        self._imports[created["id"].lower()] = (uri, self._failures.get(uri), result)
        return status, {}, created


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # so idle keep-alive connections do not hold a thread forever

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        arm: ArmServer = self.server.arm  # type: ignore[attr-defined]
        try:
            status, headers, payload = arm.handle(self.command, self.path, self.headers, body)
        except Exception as error:  # a bug in the fake must not hang the client
            status, headers, payload = 500, {}, {"error": {"code": "InternalServerError", "message": repr(error)}}
        if isinstance(payload, (dict, list)):
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
            payload = json.dumps(payload)
        data = payload.encode() if isinstance(payload, str) else payload or b""
        self.send_response(status)
        for header, value in {"x-ms-request-id": str(uuid.uuid4()), **headers}.items():
            self.send_header(header, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_DELETE = do_PATCH = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass
