"""The AWS stand-in for fathom's Athena tests: moto's server (Athena, Glue and S3 on one
loopback port), run by `scripts/athena-emulator` or by the tests themselves.

Usage: moto_server.py [PORT]   (0 or nothing: a free port)

Prints `READY <port>` once it accepts requests, then serves until stdin closes (so a test
process that dies takes its server with it) or it is killed.

One change to moto, so it behaves as Athena does where fathom depends on it: moto returns
every row of GetQueryResults in one response; Athena pages them (MaxResults, at most 1,000
rows, and a NextToken). The patch below pages moto's rows the same way, so the tests exercise
fathom's pagination against a server, not only against replayed responses.

And a request log, for the tests that compare predicted S3 reads with what was served: every
request is recorded (method, path, query, Range header, status, body bytes sent, the access
key id of its signature). `GET /_fathom/requests` returns the log as JSON, `DELETE
/_fathom/requests` empties it. `PUT /_fathom/deny` with a path prefix as its body makes every
later GET under that prefix answer 403 AccessDenied, as S3 does for a key the credentials may
not read (an empty body lifts it). No bucket can be named `_fathom`, so this shadows nothing.
"""

import json
import socket
import sys
import threading

from moto.athena.responses import AthenaResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server


def _paged_get_query_results(self):
    exec_id = self._get_param("QueryExecutionId")
    max_results = int(self._get_param("MaxResults") or 1000)
    if not 1 <= max_results <= 1000:
        return self.error("MaxResults must be between 1 and 1000", 400)
    token = self._get_param("NextToken")
    start = int(token) if token else 0
    result = self.athena_backend.get_query_results(exec_id).to_dict()
    rows = result["ResultSet"]["Rows"]
    result["ResultSet"]["Rows"] = rows[start : start + max_results]
    if start + max_results < len(rows):
        result["NextToken"] = str(start + max_results)
    return json.dumps(result)


AthenaResponse.get_query_results = _paged_get_query_results


LOG_PATH = "/_fathom/requests"
DENY_PATH = "/_fathom/deny"
DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>Access Denied</Message></Error>"
)


class RequestLog:
    """WSGI middleware: records each request and the bytes of its response body."""

    def __init__(self, app):
        self.app = app
        self.entries = []
        self.deny = None
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == LOG_PATH:
            return self.serve_log(environ, start_response)
        if path == DENY_PATH:
            size = int(environ.get("CONTENT_LENGTH") or 0)
            prefix = environ["wsgi.input"].read(size).decode().strip()
            self.deny = prefix or None
            start_response("200 OK", [("Content-Length", "0")])
            return [b""]
        if self.deny and environ.get("REQUEST_METHOD") == "GET" and path.startswith(self.deny):
            start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(DENIED)))])
            return [DENIED]
        return self.logged(environ, start_response)

    def logged(self, environ, start_response):
        auth = environ.get("HTTP_AUTHORIZATION", "")
        key = auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else None
        entry = {
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING", ""),
            "range": environ.get("HTTP_RANGE"),
            "access_key": key,
            "status": None,
            "bytes": 0,
        }

        def recording_start(status, headers, exc_info=None):
            entry["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        body = self.app(environ, recording_start)
        try:
            for chunk in body:
                entry["bytes"] += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()
            with self.lock:
                self.entries.append(entry)

    def serve_log(self, environ, start_response):
        with self.lock:
            if environ.get("REQUEST_METHOD") == "DELETE":
                self.entries.clear()
            body = json.dumps(self.entries).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


class LoggedMotoServer(ThreadedMotoServer):
    """moto's threaded server with the request log in front of it."""

    def _server_entry(self):
        app = RequestLog(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True)
        self._server_ready_event.set()
        self._server.serve_forever()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "0" else free_port()
    server = LoggedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    # Wait until it answers.
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
        except OSError:
            threading.Event().wait(0.05)
    print(f"READY {port}", flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    server.stop()


if __name__ == "__main__":
    main()
