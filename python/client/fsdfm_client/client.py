"""The fsdfm api from Python, over the standard library's urllib (no dependencies)."""

import hashlib
import http.client
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Union

from .errors import ChecksumError, FsdfmConnectionError, Unavailable, error_for

__all__ = ["Client", "Event", "TERMINAL_STATES"]

TERMINAL_STATES = ("succeeded", "failed", "cancelled")
SWEEP_TERMINAL_STATES = ("succeeded", "failed", "cancelled")

# The server sends a keep-alive comment every 15 s on an event stream: a read that waits much
# longer than that is a dead connection, which the stream then resumes.
STREAM_READ_TIMEOUT = 60.0
RECONNECT_ATTEMPTS = 5

Json = Dict[str, Any]
_DEFAULT_TIMEOUT = object()


class Event(NamedTuple):
    """One event of a job: ``type`` is state, progress, metric or log; ``data`` carries ``jobId``,
    the event's fields (``to`` of a state, ``step``/``total``/``loss`` of progress, ``points`` of
    metrics, ``line`` of a log) and ``at``; ``id`` resumes a stream after it (Last-Event-ID)."""

    id: int
    type: str
    data: Json


def _query(params: Optional[Json]) -> str:
    if not params:
        return ""
    clean = {k: ("true" if v is True else "false" if v is False else v) for k, v in params.items() if v is not None}
    return "?" + urllib.parse.urlencode(clean) if clean else ""


def _sse(lines) -> Iterator[Event]:
    """Events of a text/event-stream body read line by line."""
    event_id, kind, data = None, "", []
    for raw in lines:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield Event(int(event_id) if event_id is not None else 0, kind or "message", json.loads("\n".join(data)))
            kind, data = "", []
            continue
        if line.startswith(":"):  # a comment: the server's keep-alive
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "id":
            event_id = value
        elif field == "event":
            kind = value
        elif field == "data":
            data.append(value)


class Client:
    """A client of one fsdfm service.

    >>> client = Client("http://127.0.0.1:8080")
    >>> job = client.submit("sample", {"steps": 8, "count": 2})
    >>> job = client.wait(job["id"], on_progress=lambda p: print(p["step"], "/", p["total"]))
    >>> [s["text"] for s in job["result"]["samples"]]

    ``token`` is sent as ``Authorization: Bearer <token>``. ``url`` and ``token`` default to
    ``$FSDFM_URL`` (else http://127.0.0.1:8080) and ``$FSDFM_TOKEN``.
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, timeout: float = 30.0):
        self.url = (url or os.environ.get("FSDFM_URL") or "http://127.0.0.1:8080").rstrip("/")
        self.token = token if token is not None else os.environ.get("FSDFM_TOKEN") or None
        self.timeout = timeout

    def __repr__(self):
        return f"Client({self.url!r})"

    # --- transport -------------------------------------------------------------------------

    def _open(self, method: str, path: str, query: Optional[Json] = None, body: Any = None, headers: Optional[Dict[str, str]] = None, timeout: Any = _DEFAULT_TIMEOUT):
        """Sends a request; ``timeout`` None waits without limit (a followed log)."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        h = {"accept": "application/json"}
        if data is not None:
            h["content-type"] = "application/json"
        if self.token:
            h["authorization"] = f"Bearer {self.token}"
        h.update(headers or {})
        request = urllib.request.Request(self.url + path + _query(query), data=data, method=method, headers=h)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout if timeout is _DEFAULT_TIMEOUT else timeout)
        except urllib.error.HTTPError as err:
            text = err.read()
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            retry_after = err.headers.get("retry-after") if err.headers else None
            raise error_for(err.code, parsed, float(retry_after) if retry_after else None) from None
        except urllib.error.URLError as err:
            raise FsdfmConnectionError(f"cannot reach the fsdfm api at {self.url} ({err.reason})") from None
        except (ConnectionError, http.client.HTTPException) as err:
            raise FsdfmConnectionError(f"cannot reach the fsdfm api at {self.url} ({err})") from None

    def _json(self, method: str, path: str, query: Optional[Json] = None, body: Any = None) -> Any:
        with self._open(method, path, query, body) as res:
            text = res.read()
        return json.loads(text) if text else None

    @staticmethod
    def _id(value: Union[str, Json]) -> str:
        """Accepts a job or sweep as returned by the api, or its id."""
        return urllib.parse.quote(value["id"] if isinstance(value, dict) else str(value), safe="")

    # --- jobs ------------------------------------------------------------------------------

    def health(self) -> Json:
        """``{"status": "ok", "version", "store", ...}``: the service answers."""
        return self._json("GET", "/health")

    def submit(self, kind: Union[str, Json], spec: Optional[Json] = None, *, name: Optional[str] = None, tags: Optional[Sequence[str]] = None,
               priority: Optional[int] = None, gpus: Optional[int] = None, idempotency_key: Optional[str] = None, retries: int = 3) -> Json:
        """Submits a job and returns it (state ``queued``).

        Either ``submit("sample", {"steps": 8})`` or ``submit({"kind": "sample", "spec": {...}})``;
        fields with defaults may be left out. A bad field raises ``InvalidRequest`` naming it.

        The request carries an ``Idempotency-Key`` (``idempotency_key``, or a fresh one), so a
        dropped connection, a timeout or a 503 is retried with the same key up to ``retries``
        times: a retry after a lost answer returns the job the first request made, not a second.
        """
        body = dict(kind) if isinstance(kind, dict) else {"kind": kind, "spec": dict(spec or {})}
        for key, value in (("name", name), ("tags", list(tags) if tags is not None else None), ("priority", priority), ("gpus", gpus)):
            if value is not None:
                body[key] = value
        headers = {"idempotency-key": idempotency_key or str(uuid.uuid4())}
        for attempt in range(retries + 1):
            try:
                with self._open("POST", "/v1/jobs", body=body, headers=headers) as res:
                    return json.loads(res.read())
            except (FsdfmConnectionError, TimeoutError, Unavailable):
                if attempt >= retries:
                    raise
                time.sleep(0.25 * 2 ** attempt)
        raise AssertionError("unreachable")

    def get(self, job: Union[str, Json]) -> Json:
        """The job now: state, progress, result (by kind), error, timestamps."""
        return self._json("GET", f"/v1/jobs/{self._id(job)}")

    def jobs(self, kind: Optional[str] = None, state: Optional[str] = None, tag: Optional[str] = None, limit: int = 50) -> List[Json]:
        """Jobs, newest first, at most ``limit`` (following the api's pages)."""
        out: List[Json] = []
        cursor = None
        while len(out) < limit:
            page = self._json("GET", "/v1/jobs", {"kind": kind, "state": state, "tag": tag, "limit": min(500, limit - len(out)), "cursor": cursor})
            out.extend(page["items"])
            cursor = page.get("nextCursor")
            if not cursor:
                break
        return out

    def cancel(self, job: Union[str, Json]) -> Json:
        """Cancels a job: a queued one never starts, a running one stops within a step.

        Raises ``Conflict`` (code ``not_cancellable``) when it has already ended.
        """
        return self._json("POST", f"/v1/jobs/{self._id(job)}/cancel")

    def rerun(self, job: Union[str, Json]) -> Json:
        """Submits the job's spec again as a new job (its ``rerunOf`` names the old one)."""
        return self._json("POST", f"/v1/jobs/{self._id(job)}/rerun")

    def resume(self, job: Union[str, Json]) -> Json:
        """Continues a failed or cancelled pretrain/distill job from its last checkpoint, as a
        new attempt of the same job. Raises ``Conflict`` (``not_resumable``, saying why) otherwise."""
        return self._json("POST", f"/v1/jobs/{self._id(job)}/resume")

    def events(self, job: Union[str, Json, None] = None, last_event_id: Optional[int] = None) -> Iterator[Event]:
        """The events of a job (its whole history first, or those after ``last_event_id``), ending
        after its terminal state; without a job, every job's events from now on, without end.

        A dropped connection is resumed where it stopped (Last-Event-ID), so no event is lost or
        repeated.
        """
        path = f"/v1/jobs/{self._id(job)}/events" if job is not None else "/v1/events"
        last = last_event_id
        failures = 0
        while True:
            headers = {"accept": "text/event-stream"}
            if last is not None:
                headers["last-event-id"] = str(last)
            try:
                res = self._open("GET", path, headers=headers, timeout=STREAM_READ_TIMEOUT)
            except FsdfmConnectionError:
                failures += 1
                if failures > RECONNECT_ATTEMPTS:
                    raise
                time.sleep(min(0.5 * 2 ** failures, 5.0))
                continue
            if res.status == 204:  # the job has ended and nothing is after `last`
                res.close()
                return
            ended = False
            try:
                with res:
                    for event in _sse(res):
                        failures = 0
                        last = event.id
                        yield event
                        if job is not None and event.type == "state" and event.data.get("to") in TERMINAL_STATES:
                            ended = True
            except (OSError, http.client.HTTPException):
                pass  # the connection dropped (or stalled): resume after `last`
            if ended:
                return

    def wait(self, job: Union[str, Json], on_progress: Optional[Callable[[Json], None]] = None, on_event: Optional[Callable[[Event], None]] = None,
             timeout: Optional[float] = None) -> Json:
        """Follows a job until it ends and returns it.

        ``on_progress(progress)`` sees each progress update (``step``, ``total``, ``loss``,
        ``tokensPerSecond``, ``etaSeconds``); ``on_event(event)`` every event. ``timeout``
        (seconds, checked as events arrive) raises ``TimeoutError``; the job keeps running.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        for event in self.events(job):
            if on_event:
                on_event(event)
            if on_progress and event.type == "progress":
                on_progress(event.data)
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {self._id(job)} did not end within {timeout} s")
        return self.get(job)

    def logs(self, job: Union[str, Json], follow: bool = False, tail: Optional[int] = None) -> Iterator[str]:
        """The lines a job has logged so far; with ``follow``, every new line until it ends."""
        # A followed log has no keep-alives (plain text): wait as long as the job stays silent.
        res = self._open("GET", f"/v1/jobs/{self._id(job)}/logs", {"follow": follow, "tail": tail}, headers={"accept": "text/plain"},
                         timeout=None if follow else _DEFAULT_TIMEOUT)
        with res:
            for raw in res:
                yield raw.decode("utf-8").rstrip("\n")

    def metrics(self, job: Union[str, Json], names: Optional[Sequence[str]] = None, step_from: Optional[int] = None, step_to: Optional[int] = None,
                frame: Optional[bool] = None):
        """A job's metric points as records ``{"name", "step", "value"}``, oldest step first.

        With pandas installed (or ``frame=True``), a DataFrame with those columns instead
        (``.pivot(index="step", columns="name", values="value")`` gives one column per metric);
        ``frame=False`` always gives the records. ``metric_names`` lists what the job logged.
        """
        body = self._json("GET", f"/v1/jobs/{self._id(job)}/metrics", {"name": ",".join(names) if names else None, "stepFrom": step_from, "stepTo": step_to})
        records = [{"name": s["name"], "step": p["step"], "value": p["value"]} for s in body["series"] for p in s["points"]]
        if frame is False:
            return records
        try:
            import pandas
        except ImportError:
            if frame:
                raise
            return records
        return pandas.DataFrame.from_records(records, columns=["name", "step", "value"])

    def metric_names(self, job: Union[str, Json]) -> List[str]:
        """Every metric name the job has logged (train/loss, train/lr, ...)."""
        return self._json("GET", f"/v1/jobs/{self._id(job)}/metrics", {"stepTo": 0})["names"]

    def report(self, job: Union[str, Json], table: bool = False):
        """An evaluate job's report (a dict), or with ``table`` its plain-text table."""
        path = f"/v1/jobs/{self._id(job)}/report"
        if not table:
            return self._json("GET", path)["report"]
        with self._open("GET", path, headers={"accept": "text/plain"}) as res:
            return res.read().decode("utf-8")

    def trace(self, job: Union[str, Json]) -> Json:
        """A traced sample job's denoising trace: ``steps``, ``fixed[sample][position]`` and
        ``frames`` (``frames[k]``: ``step`` k, its time ``t`` and ``tokens[sample][position]``,
        a text piece or None while masked). ``no_trace`` (404) for a job without one."""
        return self._json("GET", f"/v1/jobs/{self._id(job)}/trace")

    def artifacts(self, job: Union[str, Json]) -> List[Json]:
        """A job's outputs: ``name``, ``kind``, ``size``, ``sha256``, ``url``."""
        return self._json("GET", f"/v1/jobs/{self._id(job)}/artifacts")["items"]

    def download(self, job: Union[str, Json], name: str, path: Optional[str] = None) -> str:
        """Downloads an output to ``path`` (default: its name in the current directory) and
        checks its sha256 against the one the service registered; a mismatch keeps nothing and
        raises ``ChecksumError``. Returns the path."""
        listed = next((a for a in self.artifacts(job) if a["name"] == name), None)
        if listed is None:
            raise error_for(404, {"error": {"code": "not_found", "message": f"job {self._id(job)} has no artifact {name!r}"}})
        target = path or os.path.basename(name)
        partial = target + ".part"
        digest = hashlib.sha256()
        size = 0
        try:
            with self._open("GET", f"/v1/jobs/{self._id(job)}/artifacts/{urllib.parse.quote(name, safe='')}", headers={"accept": "*/*"}) as res, open(partial, "wb") as out:
                while True:
                    chunk = res.read(1 << 20)
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        except BaseException:
            if os.path.exists(partial):
                os.remove(partial)
            raise
        if digest.hexdigest() != listed["sha256"] or size != listed["size"]:
            os.remove(partial)
            raise ChecksumError(f"{name}: sha256 {digest.hexdigest()} ({size} bytes) does not match the registered {listed['sha256']} ({listed['size']} bytes)")
        os.replace(partial, target)
        return target

    def workers(self) -> List[Json]:
        """The workers registered with the service: queues, GPUs, memory, ``live``."""
        return self._json("GET", "/v1/workers")["items"]

    # --- webhooks (a project admin's) -------------------------------------------------------

    def create_webhook(self, project: str, url: str, events: Optional[Sequence[str]] = None, description: Optional[str] = None, active: bool = True) -> Json:
        """Adds a webhook to ``project``: ``{"secret", "webhook"}``. The secret (shown this once)
        signs every delivery; check them with ``fsdfm_client.verify_webhook``. ``events``: e.g.
        ``["job.succeeded", "job.failed"]`` (default: every event)."""
        body: Json = {"url": url, "active": active}
        if events is not None:
            body["events"] = list(events)
        if description is not None:
            body["description"] = description
        return self._json("POST", f"/v1/projects/{self._id(project)}/webhooks", body=body)

    def webhooks(self, project: str) -> List[Json]:
        return self._json("GET", f"/v1/projects/{self._id(project)}/webhooks")["items"]

    def update_webhook(self, project: str, webhook: Union[str, Json], **changes: Any) -> Json:
        """Changes ``url``, ``events``, ``description`` or ``active`` (False pauses it)."""
        return self._json("PATCH", f"/v1/projects/{self._id(project)}/webhooks/{self._id(webhook)}", body=changes)

    def delete_webhook(self, project: str, webhook: Union[str, Json]) -> Json:
        return self._json("DELETE", f"/v1/projects/{self._id(project)}/webhooks/{self._id(webhook)}")

    def webhook_deliveries(self, project: str, webhook: Union[str, Json], state: Optional[str] = None, limit: int = 50) -> List[Json]:
        """Deliveries, newest first, each with ``log``: every attempt's time, status and error."""
        return self._json("GET", f"/v1/projects/{self._id(project)}/webhooks/{self._id(webhook)}/deliveries", {"state": state, "limit": limit})["items"]

    def redeliver(self, project: str, webhook: Union[str, Json], delivery: Union[str, Json]) -> Json:
        return self._json("POST", f"/v1/projects/{self._id(project)}/webhooks/{self._id(webhook)}/deliveries/{self._id(delivery)}/redeliver")

    # --- sweeps ----------------------------------------------------------------------------

    def create_sweep(self, sweep: Json) -> Json:
        """Creates a sweep ({base, space, objective, method?, maxTrials?, ...}); every trial is
        validated first, and an unknown objective is refused (``InvalidRequest``) listing the valid ones."""
        return self._json("POST", "/v1/sweeps", body=sweep)

    def sweep(self, sweep: Union[str, Json]) -> Json:
        """A sweep: counts by state, trials sorted by the objective, the best trial."""
        return self._json("GET", f"/v1/sweeps/{self._id(sweep)}")

    def sweeps(self, state: Optional[str] = None, limit: int = 50) -> List[Json]:
        return self._json("GET", "/v1/sweeps", {"state": state, "limit": limit})["items"]

    def cancel_sweep(self, sweep: Union[str, Json]) -> Json:
        return self._json("POST", f"/v1/sweeps/{self._id(sweep)}/cancel")

    def trials_csv(self, sweep: Union[str, Json]) -> str:
        """The trials table as CSV, best first."""
        with self._open("GET", f"/v1/sweeps/{self._id(sweep)}/trials.csv", headers={"accept": "text/csv"}) as res:
            return res.read().decode("utf-8")

    def wait_sweep(self, sweep: Union[str, Json], on_update: Optional[Callable[[Json], None]] = None, poll: float = 2.0, timeout: Optional[float] = None) -> Json:
        """Polls a sweep until it ends and returns it; ``on_update(sweep)`` sees each change of its counts."""
        deadline = None if timeout is None else time.monotonic() + timeout
        current = self.sweep(sweep)
        seen = None
        while current["state"] not in SWEEP_TERMINAL_STATES:
            if on_update and current["counts"] != seen:
                on_update(current)
                seen = current["counts"]
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"sweep {current['id']} did not end within {timeout} s")
            time.sleep(poll)
            current = self.sweep(current["id"])
        return current
