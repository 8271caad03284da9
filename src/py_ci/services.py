"""Throwaway PostgreSQL and Redis for `py-ci run --services`: local binaries, free ports on 127.0.0.1, removed after."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from py_ci.application import await_answer
from py_ci.errors import InputError

READY_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _binary(name: str, hint: str) -> str:
    # Debian keeps PostgreSQL's server binaries off PATH, under /usr/lib/postgresql/VERSION/bin.
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    found = shutil.which(name) or (str(candidates[0]) if candidates else None)
    if found is None:
        raise InputError(name, "is not installed", hint)
    return found


@contextlib.contextmanager
def _serving(command: list[str], name: str, port: int, folder: Path) -> Iterator[None]:
    """Run a server until the block ends, once it accepts connections; then stop it and remove `folder`."""
    try:
        with socket.socket() as probe:
            # As the servers themselves bind: a port left in TIME_WAIT by an earlier run is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise InputError(name, f"cannot listen on 127.0.0.1:{port}: the port is in use", "stop what holds it") from None
    log = folder / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        fixes = ("check that the server runs by hand", "check the machine's load and the port")
        await_answer(process, f"127.0.0.1:{port}", READY_SECONDS, log, name, fixes)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI machines often are root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def postgres(port: int | None = None) -> Iterator[str]:
    """A fresh cluster on `port` (a free one when None); yields its DATABASE_URL."""
    hint = "install PostgreSQL's server (apt-get install postgresql), or run without --services"
    initdb, server = _binary("initdb", hint), _binary("postgres", hint)
    folder = Path(tempfile.mkdtemp(prefix="py-ci-postgres-"))
    folder.chmod(0o777)  # when we are root, the postgres user writes its cluster here
    data, port = folder / "data", port or free_port()
    done = subprocess.run(
        _as_postgres([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise InputError("initdb", f"failed ({(done.stderr.strip().splitlines() or ['?'])[-1]})", hint)
    server_command = [server, "-D", str(data), "-p", str(port), "-k", str(folder)]
    server_command += ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
    with _serving(_as_postgres(server_command), "postgres", port, folder):
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"


@contextlib.contextmanager
def redis(port: int | None = None) -> Iterator[str]:
    """A fresh server on `port` (a free one when None) that keeps nothing on disk; yields its REDIS_URL."""
    server = _binary("redis-server", "install Redis (apt-get install redis-server), or run without --services")
    folder = Path(tempfile.mkdtemp(prefix="py-ci-redis-"))
    port = port or free_port()
    command = [
        server,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
    ]
    with _serving(command, "redis-server", port, folder):
        yield f"redis://127.0.0.1:{port}/0"
