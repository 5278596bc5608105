"""The AWS stand-in for fathom's Athena tests: moto's server (Athena, Glue and S3 on one
loopback port), run by `scripts/athena-emulator` or by the tests themselves.

Usage: moto_server.py [PORT]   (0 or nothing: a free port)

Prints `READY <port>` once it accepts requests, then serves until stdin closes (so a test
process that dies takes its server with it) or it is killed.

One change to moto, so it behaves as Athena does where fathom depends on it: moto returns
every row of GetQueryResults in one response; Athena pages them (MaxResults, at most 1,000
rows, and a NextToken). The patch below pages moto's rows the same way, so the tests exercise
fathom's pagination against a server, not only against replayed responses.
"""

import json
import socket
import sys
import threading

from moto.athena.responses import AthenaResponse
from moto.server import ThreadedMotoServer


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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "0" else free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
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
