"""A warm ``dbt`` for the commands a learner's DAG runs: dbt imported once per job, not once per command.

A BashOperator's ``dbt build`` starts a new Python that spends 2.6 s of CPU importing dbt before it
reads its first argument; lab 04's runs call dbt six times. Here one server imports dbt when the
job starts, and the ``dbt`` on the tasks' PATH is a small client (``write_client``) that hands the
server its arguments, working folder, environment and its own stdin/stdout/stderr (file
descriptors passed over a Unix socket). For each command the server forks a child that becomes
that command: same folder, same environment, output straight into the task's log, then dbt's own
command line (``dbt.cli.main.cli``, what the installed ``dbt`` script calls) parses the arguments.
The client exits with the child's exit code, so the task succeeds or fails exactly as with the
installed dbt. When the client is killed (a task's timeout), the server kills its command too; when
no server answers, the client runs the installed dbt itself.

    python -I -m grader.sandbox.dbt_server SOCKET     (the job starts it; ``start`` does)

The notebooks' ``dbt()`` helper (grader/lab_tools.py) uses the same server, started by the kernel.
The server ends when the process that started it does.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = struct.Struct("!I")  # the request's length, before its JSON

CLIENT = """#!{python} -IS
# The grader's dbt: hands the command to the job's warm dbt server (grader/sandbox/dbt_server.py).
import json, os, socket, struct, sys
try:
    server = socket.socket(socket.AF_UNIX)
    server.connect({socket_path!r})
except OSError:
    os.execv({real!r}, [{real!r}, *sys.argv[1:]])
request = json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}}).encode()
socket.send_fds(server, [struct.pack("!I", len(request)) + request], [0, 1, 2])
reply = server.recv(16)
if not reply:
    print("dbt: the grader's dbt server stopped before the command ended", file=sys.stderr)
sys.exit(int(reply) if reply else 70)
"""


def write_client(bin_dir: Path, socket_path: Path, real_dbt: Path) -> Path:
    """The ``dbt`` client, in ``bin_dir`` (put it first on the tasks' PATH)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    client = bin_dir / "dbt"
    client.write_text(CLIENT.format(python=sys.executable, socket_path=str(socket_path), real=str(real_dbt)))
    client.chmod(0o755)
    return client


def start(socket_path: Path, log_file: Path) -> subprocess.Popen:
    """The server, in the job's process group (it ends with the job); ready once its socket exists."""
    with log_file.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-I", "-m", "grader.sandbox.dbt_server", str(socket_path)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def start_warm_dbt(bin_dir: Path, log_file: Path, *, wait_s: float = 0) -> subprocess.Popen:
    """A server, and its client as ``bin_dir/dbt`` (put ``bin_dir`` first on PATH): the one-call setup.

    ``wait_s``: how long to wait for the server to listen (until then the client runs the installed dbt).
    """
    socket_path = _short_socket_path(bin_dir.parent)
    write_client(bin_dir, socket_path, Path(sys.executable).parent / "dbt")
    server = start(socket_path, log_file)
    if wait_s:
        wait_until_ready(socket_path, server, timeout_s=wait_s)
    return server


def _short_socket_path(folder: Path) -> Path:
    """A Unix socket's path must stay under 108 bytes: ``folder``, or a folder of its own in /tmp."""
    if len(str(folder / "dbt.sock")) < 100:
        return folder / "dbt.sock"
    return Path(tempfile.mkdtemp(prefix="dbt-", dir="/tmp")) / "dbt.sock"


def serve(socket_path: str) -> None:
    from dbt.cli.main import cli  # the point of the server: imported once

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # finished handlers are reaped by the kernel
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(socket_path + ".new")
    listener.listen(16)
    listener.settimeout(1.0)
    os.rename(socket_path + ".new", socket_path)  # clients see the socket only when it accepts
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:  # the job (or the notebook's kernel) is gone: so is the server
                with contextlib.suppress(OSError):
                    os.unlink(socket_path)
                return
            continue
        conn.setblocking(True)
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os._exit(_handle(conn, cli))
        conn.close()


def _handle(conn: socket.socket, cli: object) -> int:
    """One command: run it in a child; answer its exit code, or kill it when the client goes away."""
    try:
        data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
        (size,) = HEADER.unpack(data[: HEADER.size])
        body = data[HEADER.size :]
        while len(body) < size:
            more = conn.recv(size - len(body))
            if not more:
                return 1
            body += more
        request = json.loads(body)
    except (OSError, ValueError, struct.error):
        return 1
    child = os.fork()
    if child == 0:
        conn.close()
        _become_the_command(request, fds, cli)
    for fd in fds:
        os.close(fd)
    code = _wait_or_kill(child, conn)
    if code is not None:
        with contextlib.suppress(OSError):
            conn.sendall(str(code).encode())
    return 0


def _become_the_command(request: dict, fds: list[int], cli: object) -> None:
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["dbt", *request["argv"]]
        try:
            result = cli.main(args=request["argv"], prog_name="dbt")  # type: ignore[attr-defined]
            code = result if isinstance(result, int) else 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException as exc:  # what dbt itself would have printed and exited with
        print(f"dbt: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()  # what a dbt process does on the way out (multiprocessing's cleanup)
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _wait_or_kill(child: int, conn: socket.socket) -> int | None:
    """The child's exit code; None when the client closed first (its task was stopped): the child is killed."""
    while True:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status)
        ready, _, _ = select.select([conn], [], [], 0.05)
        if ready and not conn.recv(1, socket.MSG_PEEK):
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            return None


def wait_until_ready(socket_path: Path, server: subprocess.Popen, timeout_s: float = 60) -> bool:
    """True once the server accepts commands; False if it died or took too long (clients then run dbt)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and server.poll() is None:
        if socket_path.exists():
            return True
        time.sleep(0.05)
    return False


if __name__ == "__main__":
    serve(sys.argv[1])
