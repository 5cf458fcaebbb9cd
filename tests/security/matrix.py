"""Machinery of the access-control matrix (test_access_matrix.py holds the policy and the tests).

What it does, independently of the code under test:
- lists every URL name from the URL resolver and every route of the OpenAPI schema;
- builds a small world (two townships, two companies, three projects and rows of every kind
  hung on them), recording for each row *by construction* which township, company and
  department it belongs to — the oracle never asks the application who may see what;
- sends each role's requests inside a savepoint that is rolled back, capturing the SQL, so a
  write is detected by the rows it changed and the world is the same for the next request;
- reads what came back (HTML, JSON, CSV, xlsx) and finds every row's unique text in it.
"""

import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = (
    "task_force", "township_a", "township_b", "department", "company_x", "company_y",
    "admin", "anonymous", "inactive",
)  # fmt: skip
SIGNED_IN = frozenset(ROLES) - {"anonymous", "inactive"}
NOBODY: frozenset[str] = frozenset()
EVERYONE = frozenset(ROLES)
# Who each role is in the world: township and company letters, department key, or the whole county.
ROLE_VIEW = {
    "task_force": ("all", None),
    "admin": ("all", None),
    "township_a": ("township", "A"),
    "township_b": ("township", "B"),
    "company_x": ("company", "X"),
    "company_y": ("company", "Y"),
    "department": ("department", "housing"),
    "anonymous": ("none", None),
    "inactive": ("none", None),
}
WRITE_METHODS = ("post", "put", "patch", "delete")
# Tables whose writes are bookkeeping, not data: sessions, lock-out counters, audit history.
IGNORED_TABLE = re.compile(r"^(django_session|axes_|.*historical|django_admin_log$)")


# --- the URLs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    kwargs: tuple[str, ...]
    is_api: bool
    positional: int = 0
    group: str = ""  # the app whose view serves it, "-api" for API routes: the matrix runs per group


def _walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterable[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), joined)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            route = prefix + str(entry.pattern)
            regex = entry.pattern.regex
            kwargs = tuple(k for k in regex.groupindex if k != "format")
            positional = regex.groups - len(regex.groupindex) if not regex.groupindex else 0
            is_api = route.lstrip("^").startswith("api/")
            app = getattr(entry.callback, "__module__", "").split(".")[0]
            yield Route(name, route, kwargs, is_api, positional, app + ("-api" if is_api else ""))


def url_inventory() -> dict[str, Route]:
    """Every named URL once (DRF's `.json` format-suffix twins share their name and view)."""
    routes: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        routes.setdefault(route.name, route)
    return routes


def schema_routes() -> dict[str, tuple[str, set[str]]]:
    """OpenAPI path → (URL name it resolves to, methods the schema declares)."""
    from django.urls import resolve
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for path, operations in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        found[path] = (resolve(concrete).view_name, {m for m in operations if m != "parameters"})
    return found


# --- the world and its oracle ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of the world with the text that identifies it wherever it is shown."""

    kind: str
    key: str
    pk: Any
    text: str | None
    townships: frozenset[str]
    companies: frozenset[str]
    departments: frozenset[str] | None = None  # None: every region role of the county sees it
    users: frozenset[str] | None = None  # a personal row (job, notification): only these roles see it

    def visible_to(self, role: str) -> bool:
        if self.users is not None:
            return role in self.users
        how, who = ROLE_VIEW[role]
        if how == "all":
            return True
        if how == "township":
            return who in self.townships
        if how == "company":
            return who in self.companies
        if how == "department":
            return self.departments is None or who in self.departments
        return False


@dataclass
class World:
    users: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    region_paths: dict[str, str] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)  # "@name" placeholders in Policy.form

    def add(self, kind, key, obj, text, townships, companies, departments=None, pk=None, users=None) -> Row:
        row = Row(kind, key, pk if obj is None else (obj.pk if pk is None else pk), text, frozenset(townships), frozenset(companies),
                  None if departments is None else frozenset(departments),
                  None if users is None else frozenset(users))  # fmt: skip
        self.rows.append(row)
        return row

    def of_kind(self, kind: str) -> list[Row]:
        return [row for row in self.rows if row.kind == kind]

    def own(self, kind: str, role: str) -> Row | None:
        return next((row for row in self.of_kind(kind) if row.visible_to(role)), None)

    def foreign(self, kind: str, role: str) -> Row | None:
        return next((row for row in self.of_kind(kind) if not row.visible_to(role)), None)

    def visible_texts(self, kind: str, role: str) -> set[str]:
        return {row.text for row in self.of_kind(kind) if row.text and row.visible_to(role)}

    def foreign_ids(self, kind: str, role: str) -> set:
        return {row.pk for row in self.of_kind(kind) if not row.visible_to(role)}


# --- requests -------------------------------------------------------------------------------------

WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.I)


@dataclass
class Outcome:
    status: int
    text: str
    changed: dict[str, list[dict]]  # table → {"before": row or None, "after": row or None} per changed row
    location: str = ""
    cache_control: str = ""


def _snapshot(table: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — table names come from our own SQL log
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    key = "id" if "id" in columns else columns[0]
    return {row[key]: row for row in rows}


def send(client: Client, method: str, url: str, data: dict | None, as_json: bool) -> Outcome:
    """Make one request inside a savepoint that is rolled back; report what it changed.

    The client's cookies are put back too: a logout or password change must not sign the
    role out for the rest of the matrix (the rolled-back session row is still valid).
    """
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    try:
        return _send(client, method, url, data, as_json)
    finally:
        client.cookies = cookies


def _send(client: Client, method: str, url: str, data: dict | None, as_json: bool) -> Outcome:
    with transaction.atomic():
        savepoint = transaction.savepoint_create()
        with CaptureQueriesContext(connection) as queries:
            if method == "get":
                response = client.get(url, data or {})
            elif as_json:
                response = getattr(client, method)(
                    url, json.dumps(data or {}), content_type="application/json"
                )
            else:
                response = getattr(client, method)(url, data or {})
            text = response_text(response)
        tables = {m.group(1) for q in queries.captured_queries if (m := WRITE_SQL.match(q["sql"]))}
        tables = {t for t in tables if not IGNORED_TABLE.match(t)}
        after = {table: _snapshot(table) for table in tables}
        transaction.savepoint_rollback(savepoint)
    changed = {}
    for table in tables:
        before = _snapshot(table)
        diff = [{"before": before.get(k), "after": after[table].get(k)} for k in set(before) | set(after[table])
                if before.get(k) != after[table].get(k)]  # fmt: skip
        if diff:
            changed[table] = diff
    headers = response.headers
    return Outcome(
        response.status_code, text, changed, headers.get("Location", ""), headers.get("Cache-Control", "")
    )


def response_text(response) -> str:
    """Everything a user could read in a response: pages, JSON, CSV and the cells of an xlsx."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b" ".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
        except zipfile.BadZipFile:
            pass
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("utf-8", "replace")
    if "json" in response.headers.get("Content-Type", ""):
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


# --- figures ----------------------------------------------------------------------------------------

FIGURES: Counter = Counter({"foreign reads succeeded": 0, "foreign writes succeeded": 0})
FINDINGS: list[str] = []


def count(what: str, n: int = 1) -> None:
    FIGURES[what] += n


def is_success(status: int) -> bool:
    return 200 <= status < 300


def readable(url: str, role: str, method: str, what: str) -> str:
    return f"{method.upper()} {url} as {role}: {what}"


Check = Callable[..., list[str]]


# --- the policy and the checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """What the oracle says about one URL name.

    get/write: roles that may read / write through it, on objects of their own scope.
    kinds: URL keyword → kind of world row whose id fills it ("=value" for a literal).
    lists: kinds whose rows the response must show exactly as the oracle says (lists, exports).
    public: the page shows published data to anyone, so other scopes' names are expected.
    ok: statuses an allowed read returns.
    """

    get: frozenset[str] = SIGNED_IN
    write: frozenset[str] = NOBODY
    kinds: dict[str, str] = field(default_factory=dict)
    lists: tuple[str, ...] = ()
    public: bool = False
    ok: frozenset[int] = frozenset({200})
    methods: tuple[str, ...] = ("get", "post")
    query: dict[str, str] = field(default_factory=dict)  # added to every read (e.g. the month shown)
    read_post: dict[str, str] | None = None  # a POST that reads (an export form): checked like a GET
    form: dict[str, str] = field(
        default_factory=dict
    )  # valid fields under the hostile ones ("@campaign": an id)


FILTER_KINDS = {"township": "region_township", "company": "company", "project": "project"}
FOREIGN_COLUMNS = {
    "project_id": "project", "company_id": "company", "manager_id": "manager",
    "township_id": "region", "community_id": "region", "region_id": "region",
}  # fmt: skip


def build_kwargs(world: World, policy: Policy, role: str, foreign_of: str | None = None) -> dict | None:
    """URL kwargs with the role's own rows, or with a foreign row for kwarg `foreign_of`."""
    kwargs = {}
    for name, kind in policy.kinds.items():
        if kind.startswith("="):
            kwargs[name] = kind[1:]
            continue
        row = world.foreign(kind, role) if name == foreign_of else world.own(kind, role)
        if row is None:
            return None
        kwargs[name] = row.pk
    return kwargs


def hostile_payload(world: World, role: str) -> dict:
    """Fields a hostile user would post: other scopes' ids and the fields only officials may set."""
    payload: dict[str, Any] = {"status": "closed", "state": "closed", "score": "100", "role": "admin",
                               "is_superuser": "true", "is_staff": "true"}  # fmt: skip
    for field_name, kind in FILTER_KINDS.items():
        row = world.foreign(kind, role)
        if row is not None:
            payload[field_name] = row.pk
    for field_name in ("region", "community"):
        row = world.foreign("region", role)
        if row is not None:
            payload[field_name] = row.pk
    return payload


def leaks(world: World, role: str, text: str) -> list[str]:
    return sorted({f"{row.kind} {row.key} ({row.text})" for row in world.rows
                   if row.text and not row.visible_to(role) and row.text in text})  # fmt: skip


def foreign_references(world: World, role: str, changed: dict[str, list[dict]]) -> list[str]:
    """Changed rows that now point outside the role's scope, or that a company closed or scored itself."""
    found = []
    how, who = ROLE_VIEW[role]
    own_path = world.region_paths.get(who, "") if how == "township" else ""
    for table, rows in changed.items():
        for change in rows:
            row, before = change["after"] or {}, change["before"] or {}
            for column, kind in FOREIGN_COLUMNS.items():
                if row.get(column) is not None and row[column] in world.foreign_ids(kind, role):
                    found.append(f"{table}.{column}={row[column]}")
            path = row.get("region_path")
            if own_path and path and not str(path).startswith(own_path):
                found.append(f"{table}.region_path={path}")
            # SPEC: a company answers and asks for acceptance; it never closes or scores its own work.
            for column, value in (("status", "closed"), ("score", 100)):
                if how == "company" and row.get(column) == value and before.get(column) != value:
                    found.append(f"{table}.{column}={value} set by a company")
    return found


def check_url(world: World, route: Route, policy: Policy, methods: tuple[str, ...], roles=ROLES) -> list[str]:
    from django.urls import reverse

    findings: list[str] = []
    for role in roles:
        client = world.clients[role]
        variants = [("own", build_kwargs(world, policy, role))]
        variants += [(f"foreign {name}", build_kwargs(world, policy, role, foreign_of=name))
                     for name, kind in policy.kinds.items() if not kind.startswith("=")]  # fmt: skip
        if role not in policy.get | policy.write:
            # Refused whatever the object: one attempt with any id says as much as several.
            variants = [next((v for v in variants if v[1] is not None), variants[0])]
        for variant, kwargs in variants:
            if kwargs is None:
                continue
            url = reverse(route.name, args=_positional(kwargs), kwargs=kwargs)
            foreign = variant != "own" or role not in policy.get
            for method in methods:
                findings += _one(world, route, policy, role, client, method, url, foreign, variant)
            if policy.read_post is not None:
                findings += _one(world, route, policy, role, client, "post-read", url, foreign, variant)
        if policy.lists and role in policy.get and "get" in methods:
            findings += _filtered(world, route, policy, role, client)
    return findings


def _positional(kwargs: dict) -> list:
    """Unnamed URL groups (Django admin's history view) are filled from "#0", "#1" … keys."""
    return [kwargs.pop(key) for key in sorted(k for k in list(kwargs) if str(k).startswith("#"))]


def _one(world, route, policy, role, client, method, url, foreign, variant) -> list[str]:
    if method == "get":
        out = send(client, "get", url, policy.query, route.is_api)
    elif method == "post-read":
        out = send(client, "post", url, policy.read_post, route.is_api)
    else:
        form = {k: world.ids[v[1:]] if str(v).startswith("@") else v for k, v in policy.form.items()}
        out = send(client, method, url, {**form, **hostile_payload(world, role)}, route.is_api)
    count("requests")
    where = f"{method.upper()} {url} as {role} ({variant})"
    findings = [f"{where}: server error 500"] if out.status >= 500 else []
    if method in ("get", "post-read"):
        count("reads")
        refused_role = role not in policy.get
        if foreign:
            count("foreign reads tried")
        if foreign and is_success(out.status) and not policy.public:
            count("foreign reads succeeded")
            findings.append(
                f"{where}: {'refused role' if refused_role else 'foreign object'} got {out.status}"
            )
        if not policy.public and (leaked := leaks(world, role, out.text)):
            count("foreign reads succeeded")
            findings.append(f"{where}: shows rows outside the scope: {', '.join(leaked)}")
        if variant != "own" and role in policy.get and out.status not in (403, 404) and not policy.public:
            findings.append(f"{where}: a foreign id must give 404 (or 403), got {out.status}")
        if role in SIGNED_IN and is_success(out.status) and "no-store" not in out.cache_control:
            count("signed-in responses without no-store")
            findings.append(f"{where}: a signed-in response without Cache-Control: no-store")
        if not foreign and out.status not in policy.ok:
            findings.append(f"{where}: the policy lets this role read it, got {out.status}")
        elif not foreign and is_success(out.status) and (method == "post-read" or policy.read_post is None):
            findings += _list_equals(world, policy, role, out.text, where)
        return findings
    count("writes")
    may_write = role in policy.write and variant == "own"
    if not may_write:
        count("foreign writes tried")
        if out.changed:
            count("foreign writes succeeded")
            findings.append(f"{where}: changed {sorted(out.changed)}")
    elif not policy.public and (moved := foreign_references(world, role, out.changed)):
        # (a public channel writes to the project its token names: "foreign" has no meaning there)
        count("foreign writes succeeded")
        findings.append(f"{where}: wrote outside the scope: {moved}")
    return findings


def _list_equals(world, policy, role, text, where, subset=False) -> list[str]:
    findings = []
    for kind in policy.lists:
        expected = world.visible_texts(kind, role)
        seen = {row.text for row in world.of_kind(kind) if row.text and row.text in text}
        if seen - expected or (not subset and seen != expected):
            findings.append(f"{where}: {kind} rows shown {sorted(seen)}, oracle says {sorted(expected)}")
    return findings


def _filtered(world, route, policy, role, client) -> list[str]:
    """A list asked for another scope's township, company or project shows nothing outside the scope."""
    from django.urls import reverse

    kwargs = build_kwargs(world, policy, role)
    if kwargs is None:
        return []
    url = reverse(route.name, kwargs=kwargs)
    findings = []
    for param, kind in FILTER_KINDS.items():
        row = world.foreign(kind, role)
        if row is None:
            continue
        out = send(client, "get", url, {**policy.query, param: row.pk}, False)
        count("requests")
        count("reads")
        count("foreign reads tried")
        where = f"GET {url}?{param}={row.pk} as {role}"
        if out.status >= 500:
            findings.append(f"{where}: server error 500")
        if not policy.public and (leaked := leaks(world, role, out.text)):
            count("foreign reads succeeded")
            findings.append(f"{where}: shows rows outside the scope: {', '.join(leaked)}")
        findings += _list_equals(world, policy, role, out.text, where, subset=True)
    return findings
